/**
 * A token bucket per source address, on the injected clock. A phone joining the network sends a few
 * probes and loads a page or two; a client sending far more is refused with 429 while every other
 * client keeps its own full bucket.
 */
export interface RateLimitOptions {
  burst: number;
  perSecond: number;
  /** Addresses tracked at most; spoofed floods of new addresses evict the least recently seen first. */
  maxTracked?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxTracked: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.maxTracked = options.maxTracked ?? 4096;
  }

  take(key: string): RateDecision {
    const now = this.now();
    const { burst, perSecond } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    // Map order is recency order: delete and re-insert so eviction drops the least recently seen.
    this.buckets.delete(key);
    const tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond);
    const ok = tokens >= 1;
    this.buckets.set(key, { tokens: ok ? tokens - 1 : tokens, at: now });
    if (this.buckets.size > this.maxTracked) this.evictOldest();
    return ok ? { ok } : { ok, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
  }

  get tracked(): number {
    return this.buckets.size;
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
