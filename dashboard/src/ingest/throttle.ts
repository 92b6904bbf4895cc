import type { Logger } from 'pino';

/**
 * Logs a repeated warning once per window per key, then reports how many were held back.
 * A unit stuck sending bad payloads every second must not drown the journal.
 */
export class WarnThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    const t = this.now();
    const entry = this.last.get(key);
    if (entry && t - entry.at < this.windowMs) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    // Keys come from topics; a flood of distinct ones must not grow this without bound.
    if (!entry && this.last.size >= 1000) this.last.clear();
    this.last.set(key, { at: t, suppressed: 0 });
    this.log.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }
}
