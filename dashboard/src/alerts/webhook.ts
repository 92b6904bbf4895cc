import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookConfig } from './config.js';
import { AlertError, AlertErrorCode } from './errors.js';
import { type AlertNotification, type MessageOptions, webhookPayload } from './message.js';

export const SIGNATURE_HEADER = 'x-triporteur-signature';
/** Same on every retry of one notification, so the receiver can drop repeats. */
export const DELIVERY_HEADER = 'x-triporteur-delivery';

/** "sha256=<hex>": HMAC-SHA256 of the exact body bytes with the shared secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookDelivery {
  id: string;
  body: string;
  notification: AlertNotification;
}

export function webhookDelivery(n: AlertNotification, options: MessageOptions, sentAt: number): WebhookDelivery {
  return { id: randomUUID(), body: JSON.stringify(webhookPayload(n, options, sentAt)), notification: n };
}

/** Where the webhook points, without path or query: those may carry a token, and this goes to logs. */
export function webhookHost(url: string): string {
  return new URL(url).host;
}

/** POSTs one delivery. 5xx, 429, a timeout or a network error may pass on retry; any other 4xx will not. */
export async function postWebhook(config: WebhookConfig, delivery: WebhookDelivery): Promise<void> {
  const host = webhookHost(config.url);
  let response: Response;
  try {
    response = await fetch(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'triporteur-dashboard',
        [SIGNATURE_HEADER]: signBody(config.secret, delivery.body),
        [DELIVERY_HEADER]: delivery.id,
      },
      body: delivery.body,
      redirect: 'error',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    const reason = timedOut
      ? `no answer within ${config.timeoutMs} ms`
      : err instanceof Error
        ? err.message
        : String(err);
    throw new AlertError(AlertErrorCode.WEBHOOK_FAILED, `webhook ${host}: ${reason}`, { cause: err });
  }
  // Read the body so the connection can be reused; its content does not matter.
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return;
  const retryable = response.status === 429 || response.status >= 500;
  throw new AlertError(
    retryable ? AlertErrorCode.WEBHOOK_FAILED : AlertErrorCode.WEBHOOK_REJECTED,
    `webhook ${host} answered HTTP ${response.status}`,
  );
}
