import type { Logger } from 'pino';
import type { AlertChange } from './alert-store.js';
import type { NotifyConfig } from './config.js';
import { DeliveryQueue, type Sleep } from './delivery.js';
import { emailSender } from './email.js';
import { AlertErrorCode, isAlertError } from './errors.js';
import type { AlertNotification, MessageOptions } from './message.js';
import { severityRank } from './types.js';
import { postWebhook, type WebhookDelivery, webhookDelivery, webhookHost } from './webhook.js';

export interface NotifierDeps {
  log: Logger;
  /** The unit's display name (from the dashboard config), shown beside its id. */
  unitName?: (unitId: string) => string | undefined;
  now?: () => number;
  /** Backoff waits; the real timer by default. */
  sleep?: Sleep;
}

/**
 * Sends alert notifications by e-mail and/or webhook, each channel on its own queue, so a slow
 * webhook never holds back the mail and neither holds back the caller. Only a raise and an
 * escalation notify; merges and clears do not.
 */
export class Notifier {
  private readonly email: DeliveryQueue<AlertNotification> | undefined;
  private readonly webhook: DeliveryQueue<WebhookDelivery> | undefined;
  private readonly closeEmail: (() => void) | undefined;
  private readonly options: MessageOptions;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(
    private readonly config: NotifyConfig,
    private readonly deps: NotifierDeps,
  ) {
    this.log = deps.log.child({ module: 'alert-notify' });
    this.now = deps.now ?? Date.now;
    this.options = {
      includeLocation: config.includeLocation,
      timeZone: config.timeZone,
      ...(config.dashboardUrl ? { dashboardUrl: config.dashboardUrl } : {}),
    };
    const common = {
      retries: config.retries,
      backoffMs: config.backoffMs,
      queueMax: config.queueMax,
      log: this.log,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    };
    const describe = (n: AlertNotification) => ({ alertId: n.alert.id, unitId: n.alert.unitId, kind: n.alert.kind });
    if (config.email) {
      const sender = emailSender(config.email, this.options);
      this.closeEmail = () => sender.close();
      this.email = new DeliveryQueue({
        ...common,
        channel: 'email',
        send: (n) => sender.send(n),
        describe,
        failCode: AlertErrorCode.EMAIL_FAILED,
      });
    }
    const hook = config.webhook;
    if (hook) {
      const host = webhookHost(hook.url);
      this.webhook = new DeliveryQueue({
        ...common,
        channel: 'webhook',
        send: (d) => postWebhook(hook, d),
        describe: (d) => ({ ...describe(d.notification), host, deliveryId: d.id }),
        failCode: AlertErrorCode.WEBHOOK_FAILED,
        permanent: (err) => isAlertError(err, AlertErrorCode.WEBHOOK_REJECTED),
      });
    }
  }

  get enabled(): boolean {
    return this.email !== undefined || this.webhook !== undefined;
  }

  /** Queues the notifications this change calls for, and returns at once. */
  notify(change: AlertChange): void {
    if (change.outcome !== 'raised' && change.outcome !== 'escalated') return;
    if (severityRank(change.alert.severity) < severityRank(this.config.minSeverity)) return;
    const unitName = this.deps.unitName?.(change.alert.unitId);
    const n: AlertNotification = { event: change.outcome, alert: change.alert, ...(unitName ? { unitName } : {}) };
    this.email?.push(n);
    this.webhook?.push(webhookDelivery(n, this.options, this.now()));
  }

  /** Resolves when every queued notification was sent or given up. */
  async idle(): Promise<void> {
    await Promise.all([this.email?.idle(), this.webhook?.idle()]);
  }

  /** Gives queued notifications up to `graceMs` to go out, then stops. */
  async close(graceMs = 5000): Promise<void> {
    await Promise.all([this.email?.close(graceMs), this.webhook?.close(graceMs)]);
    this.closeEmail?.();
  }
}
