import nodemailer from 'nodemailer';
import type { EmailConfig } from './config.js';
import { AlertError, AlertErrorCode } from './errors.js';
import { type AlertNotification, type MessageOptions, subject, textBody } from './message.js';

/** Sends one notification by SMTP. The transport is kept for reuse; `close` ends its connections. */
export function emailSender(config: EmailConfig, options: MessageOptions) {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.username ? { auth: { user: config.username, pass: config.password ?? '' } } : {}),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  return {
    async send(n: AlertNotification): Promise<void> {
      try {
        await transport.sendMail({
          from: config.from,
          to: config.to,
          subject: subject(n),
          text: textBody(n, options),
        });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new AlertError(AlertErrorCode.EMAIL_FAILED, `SMTP ${config.host}:${config.port}: ${reason}`, {
          cause: err,
        });
      }
    },
    close(): void {
      transport.close();
    },
  };
}
