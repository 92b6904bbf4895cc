/**
 * Stable codes for the alerts module, in the dashboard's DSH_* family. Never reuse a code; add new
 * ones at the end.
 */
export const AlertErrorCode = {
  /** No alert has that id. */
  UNKNOWN: 'DSH_ALERT_UNKNOWN',
  /** A query or acknowledgement with a malformed argument (id, user, paging). */
  BAD_INPUT: 'DSH_ALERT_BAD_INPUT',
  /** Writing an alert failed; the engine forgets the signal so the next evaluation sends it again. */
  STORE: 'DSH_ALERT_STORE',
  /** The SMTP server refused or never answered, after every retry. */
  EMAIL_FAILED: 'DSH_ALERT_EMAIL_FAILED',
  /** The webhook timed out, or answered 5xx / 429, after every retry. */
  WEBHOOK_FAILED: 'DSH_ALERT_WEBHOOK_FAILED',
  /** The webhook answered 4xx (other than 429): retrying would not help. */
  WEBHOOK_REJECTED: 'DSH_ALERT_WEBHOOK_REJECTED',
  /** Notifications arrive faster than a channel delivers them: the oldest waiting one is dropped. */
  NOTIFY_QUEUE_FULL: 'DSH_ALERT_NOTIFY_QUEUE_FULL',
} as const;

export type AlertErrorCode = (typeof AlertErrorCode)[keyof typeof AlertErrorCode];

export class AlertError extends Error {
  override readonly name = 'AlertError';
  readonly code: AlertErrorCode;

  constructor(code: AlertErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isAlertError(err: unknown, code?: AlertErrorCode): err is AlertError {
  return err instanceof AlertError && (code === undefined || err.code === code);
}
