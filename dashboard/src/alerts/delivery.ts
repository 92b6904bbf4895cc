import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AlertErrorCode, isAlertError } from './errors.js';

/** Waits `ms`, or rejects as soon as `signal` aborts (shutdown). Tests may pass their own. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;
export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

export interface DeliveryOptions<T> {
  /** "email" or "webhook", for the logs. */
  channel: string;
  send: (item: T) => Promise<void>;
  /** Log fields that say which item, without its content. */
  describe: (item: T) => Record<string, unknown>;
  /** Attempts after the first. */
  retries: number;
  /** Wait before the first retry; doubles each time. */
  backoffMs: number;
  queueMax: number;
  /** Code logged when every attempt failed with an error that carries none. */
  failCode: AlertErrorCode;
  /** Errors a retry cannot fix (a webhook's 4xx): given up at once. */
  permanent?: (err: unknown) => boolean;
  log: Logger;
  sleep?: Sleep;
}

/**
 * One channel's queue: items go out one at a time, in order, each retried with a doubling backoff.
 * `push` never waits and never throws, so the ingest that raises an alert never waits on a mail server.
 * A failure is logged with its code and the queue moves on.
 */
export class DeliveryQueue<T> {
  private readonly waiting: T[] = [];
  private running: Promise<void> | undefined;
  private readonly stop = new AbortController();
  private readonly sleep: Sleep;

  constructor(private readonly options: DeliveryOptions<T>) {
    this.sleep = options.sleep ?? realSleep;
  }

  get pending(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  push(item: T): void {
    if (this.stop.signal.aborted) return;
    if (this.waiting.length >= this.options.queueMax) {
      const dropped = this.waiting.shift();
      this.options.log.warn(
        {
          code: AlertErrorCode.NOTIFY_QUEUE_FULL,
          channel: this.options.channel,
          ...(dropped && this.options.describe(dropped)),
        },
        'notification queue full: the oldest waiting notification is dropped',
      );
    }
    this.waiting.push(item);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once nothing is waiting or in flight. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops retrying and accepting; what is still waiting after `graceMs` is dropped, with a log. */
  async close(graceMs: number): Promise<void> {
    const settled = this.idle().then(() => true);
    const late = delay(graceMs, false, { ref: false });
    if (!(await Promise.race([settled, late]))) {
      this.options.log.warn(
        { channel: this.options.channel, dropped: this.pending },
        'notifications dropped at shutdown',
      );
    }
    this.stop.abort();
    this.waiting.length = 0;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let item = this.waiting.shift(); item !== undefined; item = this.waiting.shift()) {
      if (this.stop.signal.aborted) return;
      await this.deliver(item);
    }
  }

  private async deliver(item: T): Promise<void> {
    const { channel, retries, backoffMs, log } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.send(item);
        if (attempt > 0)
          log.info({ channel, attempts: attempt + 1, ...this.options.describe(item) }, 'notification sent');
        return;
      } catch (err) {
        const code = isAlertError(err) ? err.code : this.options.failCode;
        const fields = { code, channel, attempts: attempt + 1, ...this.options.describe(item), err };
        if (attempt >= retries || this.options.permanent?.(err)) {
          log.error(fields, 'notification abandoned');
          return;
        }
        log.warn(fields, 'notification failed, will retry');
        try {
          await this.sleep(backoffMs * 2 ** attempt, this.stop.signal);
        } catch {
          log.warn(fields, 'notification abandoned at shutdown');
          return;
        }
      }
    }
  }
}
