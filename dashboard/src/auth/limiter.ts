/**
 * Login attempt counter per key (an IP, a username), in memory: a fixed window opens at a key's
 * first attempt; once `max` attempts are counted the key is locked until the window ends.
 *
 * Attempts are counted before the password is checked and forgiven after a success, so a burst of
 * parallel guesses is counted in full rather than slipping past while scrypt runs.
 */
export interface LimiterOptions {
  max: number;
  windowMs: number;
  now?: () => number;
  /** Keys kept at most; the oldest are dropped first. Default 10,000. */
  maxKeys?: number;
}

interface Entry {
  count: number;
  resetAt: number;
}

export class AttemptLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: LimiterOptions) {
    if (!(options.max >= 1) || !(options.windowMs > 0)) throw new RangeError('limiter needs max >= 1 and windowMs > 0');
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  lockedFor(key: string): number {
    const entry = this.live(key);
    return entry && entry.count >= this.options.max ? entry.resetAt - this.now() : 0;
  }

  /** Counts one attempt against `key`. */
  hit(key: string): void {
    const entry = this.live(key);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.entries.size >= this.maxKeys) this.sweep();
    this.entries.set(key, { count: 1, resetAt: this.now() + this.options.windowMs });
  }

  /** Takes back one attempt (a success from a shared address should not count against it). */
  forgive(key: string): void {
    const entry = this.live(key);
    if (entry) entry.count = Math.max(0, entry.count - 1);
  }

  /** Forgets every attempt of `key` (a username after a good login). */
  clear(key: string): void {
    this.entries.delete(key);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.resetAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(key);
    // Still full: drop the oldest keys (a Map iterates in insertion order).
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.maxKeys) break;
      this.entries.delete(key);
    }
  }
}
