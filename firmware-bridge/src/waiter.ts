import type { Clock, TimerHandle } from './clock.js';
import { BridgeError, BridgeErrorCode } from './errors.js';

/**
 * Request/response matching for any device family: register a wait before sending, then offer
 * every incoming message. Each wait has a deadline on the injected clock and rejects with
 * BRG_TIMEOUT, so nothing hangs forever; `abortAll()` rejects the rest with BRG_ABORTED.
 */
export interface WaitHandle<T> {
  readonly promise: Promise<T>;
  /** Drops the wait; its promise rejects with BRG_ABORTED. */
  cancel(): void;
}

interface PendingWait<M> {
  match: (message: M) => boolean;
  resolve: (message: M) => void;
  reject: (err: BridgeError) => void;
  timer: TimerHandle;
}

export class Waiter<M> {
  private readonly waits = new Set<PendingWait<M>>();

  constructor(private readonly clock: Clock) {}

  /** Waits still outstanding. */
  get size(): number {
    return this.waits.size;
  }

  waitFor(match: (message: M) => boolean, timeoutMs: number, what: string): WaitHandle<M> {
    let resolve: (message: M) => void = () => undefined;
    let reject: (err: BridgeError) => void = () => undefined;
    const promise = new Promise<M>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The owner may stop listening (cancel, abort) before awaiting; that must not surface as an
    // unhandled rejection. Anyone who does await still receives the error.
    promise.catch(() => undefined);
    const wait: PendingWait<M> = {
      match,
      resolve,
      reject,
      timer: this.clock.setTimeout(() => {
        this.settle(wait);
        reject(new BridgeError(BridgeErrorCode.TIMEOUT, `no answer to ${what} within ${timeoutMs} ms`));
      }, timeoutMs),
    };
    this.waits.add(wait);
    return {
      promise,
      cancel: () => {
        if (this.settle(wait)) reject(new BridgeError(BridgeErrorCode.ABORTED, `${what} was cancelled`));
      },
    };
  }

  /** Hands a message to the oldest matching wait. Returns false when nobody was waiting for it. */
  offer(message: M): boolean {
    for (const wait of this.waits) {
      if (wait.match(message)) {
        this.settle(wait);
        wait.resolve(message);
        return true;
      }
    }
    return false;
  }

  abortAll(reason: string): void {
    for (const wait of [...this.waits]) {
      this.settle(wait);
      wait.reject(new BridgeError(BridgeErrorCode.ABORTED, reason));
    }
  }

  private settle(wait: PendingWait<M>): boolean {
    if (!this.waits.delete(wait)) return false;
    this.clock.clearTimeout(wait.timer);
    return true;
  }
}
