/**
 * Stable codes for the systemd notification link (READY=1, WATCHDOG=1). They never stop the service:
 * they are logged, because a unit without a working watchdog still serves the residents.
 */
export const SystemdErrorCode = {
  /** WATCHDOG_USEC (or WATCHDOG_PID) from systemd is not a positive integer: no watchdog pings. */
  NOTIFY_ENV: 'EDG_SYSTEMD_NOTIFY_ENV',
  /** systemd-notify could not run, timed out or exited non-zero: that notification was not delivered. */
  NOTIFY_SEND: 'EDG_SYSTEMD_NOTIFY_SEND',
} as const;

export type SystemdErrorCode = (typeof SystemdErrorCode)[keyof typeof SystemdErrorCode];
