import { type Logger, pino } from 'pino';

/**
 * Logs go to stdout synchronously (journald picks them up); no worker transport,
 * so nothing is lost when the process exits. Secrets are redacted by path.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'triporteur-edge' },
    redact: {
      paths: [
        'password',
        '*.password',
        'passphrase',
        '*.passphrase',
        'config.mqtt.password',
        'config.hotspot.staff.passphrase',
      ],
      censor: '[redacted]',
    },
  });
}
