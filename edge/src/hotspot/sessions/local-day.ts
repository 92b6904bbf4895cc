import { EdgeError, EdgeErrorCode } from '../../errors.js';

/**
 * The calendar day in a time zone, for "today" counts that reset at the venue's midnight rather than
 * UTC's. Uses the ICU data Node ships, so DST days (23 h and 25 h long) come out right.
 */
export class LocalDay {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch (err) {
      throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `unknown time zone "${timeZone}"`, { cause: err });
    }
  }

  /** `YYYY-MM-DD` of the instant in this zone. */
  key(at: number): string {
    return this.format.format(at);
  }

  /** The first instant after `at` that falls on another local day: the next local midnight. */
  nextMidnight(at: number): number {
    const today = this.key(at);
    // A local day lasts at most 25 h in any zone; 48 h bounds the search whatever the zone does.
    let before = at;
    let after = at + 48 * 3_600_000;
    while (after - before > 1) {
      const mid = before + Math.floor((after - before) / 2);
      if (this.key(mid) === today) before = mid;
      else after = mid;
    }
    return after;
  }
}
