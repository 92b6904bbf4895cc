import { type Logger, pino } from 'pino';

/**
 * The process logger: JSON lines on stdout for journald, written synchronously so nothing is lost
 * when the process exits. Credentials are redacted wherever they appear in logged objects.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'triporteur-dashboard' },
    redact: {
      paths: ['password', '*.password', 'secret', '*.secret', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}
