/**
 * Monthly data budget. The caller feeds the bytes it sent and received (4G plans bill both ways);
 * the budget projects the billing month and, when a cap is set, answers how much to stretch intervals
 * and deadbands to stay under it. Alarms and events are never stretched: that is the caller's rule,
 * the factor only applies to routine records. Pure, with an injected clock; `state()` is meant to be
 * persisted (the outbox database) so a reboot does not forget the month.
 */

const HOUR_MS = 3_600_000;

export interface BudgetState {
  periodStart: number;
  sentBytes: number;
  receivedBytes: number;
  /** Per hour (index = ms / 1 h): bytes, and bytes × the stretch in force then (what stretch 1 would have cost). */
  hours: Array<{ hour: number; bytes: number; natural: number }>;
  stretch: number;
}

export interface DataBudgetOptions {
  clock: { now(): number };
  monthlyCapBytes?: number;
  maxStretch?: number;
  /** Day of the month the bill resets, UTC (1–28). */
  billingDay?: number;
  /** How much recent history sets the rate: a day covers the rhythm of riding days. */
  windowMs?: number;
  state?: BudgetState;
}

export interface BudgetStatus {
  periodStart: number;
  periodEnd: number;
  sentBytes: number;
  receivedBytes: number;
  usedBytes: number;
  /** Used so far plus the recent rate until the end of the period. */
  projectedBytes: number;
  capBytes: number | undefined;
  stretch: number;
}

/** Start of the billing period holding `now` (UTC). */
export function billingPeriod(now: number, billingDay: number): { start: number; end: number } {
  const d = new Date(now);
  let year = d.getUTCFullYear();
  let month = d.getUTCMonth();
  if (now < Date.UTC(year, month, billingDay)) month -= 1;
  if (month < 0) {
    month = 11;
    year -= 1;
  }
  return { start: Date.UTC(year, month, billingDay), end: Date.UTC(year, month + 1, billingDay) };
}

export class DataBudget {
  private readonly clock: { now(): number };
  private readonly cap: number | undefined;
  private readonly maxStretch: number;
  private readonly billingDay: number;
  private readonly windowMs: number;
  private s: BudgetState;

  constructor(options: DataBudgetOptions) {
    this.clock = options.clock;
    this.cap = options.monthlyCapBytes;
    this.maxStretch = Math.max(1, options.maxStretch ?? 8);
    this.billingDay = options.billingDay ?? 1;
    this.windowMs = options.windowMs ?? 24 * HOUR_MS;
    const start = billingPeriod(this.clock.now(), this.billingDay).start;
    this.s = options.state
      ? structuredClone(options.state)
      : { periodStart: start, sentBytes: 0, receivedBytes: 0, hours: [], stretch: 1 };
  }

  count(sentBytes: number, receivedBytes = 0): void {
    const now = this.roll();
    this.s.sentBytes += sentBytes;
    this.s.receivedBytes += receivedBytes;
    const hour = Math.floor(now / HOUR_MS);
    let slot = this.s.hours.at(-1);
    if (slot?.hour !== hour) {
      slot = { hour, bytes: 0, natural: 0 };
      this.s.hours.push(slot);
    }
    slot.bytes += sentBytes + receivedBytes;
    slot.natural += (sentBytes + receivedBytes) * this.s.stretch;
  }

  /** The factor for intervals and deadbands: 1, 2, 4… up to maxStretch. Re-evaluated at each call. */
  get stretch(): number {
    this.roll();
    this.s.stretch = this.nextStretch();
    return this.s.stretch;
  }

  status(): BudgetStatus {
    const now = this.roll();
    const { end } = billingPeriod(now, this.billingDay);
    const used = this.s.sentBytes + this.s.receivedBytes;
    return {
      periodStart: this.s.periodStart,
      periodEnd: end,
      sentBytes: this.s.sentBytes,
      receivedBytes: this.s.receivedBytes,
      usedBytes: used,
      projectedBytes: Math.round(used + this.rate('bytes', now) * Math.max(0, end - now)),
      capBytes: this.cap,
      stretch: this.s.stretch,
    };
  }

  state(): BudgetState {
    return structuredClone(this.s);
  }

  /** Bytes per ms over the window (or since the period began, if sooner; at least an hour). */
  private rate(which: 'bytes' | 'natural', now: number): number {
    const from = Math.max(now - this.windowMs, this.s.periodStart);
    const total = this.s.hours.filter((h) => (h.hour + 1) * HOUR_MS > from).reduce((n, h) => n + h[which], 0);
    return total / Math.max(HOUR_MS, now - from);
  }

  private nextStretch(): number {
    if (this.cap === undefined) return 1;
    const now = this.clock.now();
    const { end } = billingPeriod(now, this.billingDay);
    const left = this.cap - this.s.sentBytes - this.s.receivedBytes;
    if (left <= 0) return this.maxStretch;
    const allowed = left / Math.max(HOUR_MS, end - now);
    const need = this.rate('natural', now) / allowed;
    const up = (fits: (level: number) => boolean) => {
      let level = 1;
      while (!fits(level) && level < this.maxStretch) level = Math.min(level * 2, this.maxStretch);
      return level;
    };
    const level = up((l) => need <= l);
    const current = this.s.stretch;
    // Step down only to a level with 20 % to spare, so the factor does not flap around a boundary.
    return level >= current
      ? level
      : Math.min(
          current,
          up((l) => need <= 0.8 * l),
        );
  }

  /** Starts a new billing period when the clock has entered one (also after a clock jump). */
  private roll(): number {
    const now = this.clock.now();
    const { start } = billingPeriod(now, this.billingDay);
    if (start !== this.s.periodStart) {
      this.s = { ...this.s, periodStart: start, sentBytes: 0, receivedBytes: 0 };
    }
    const oldest = Math.floor((now - this.windowMs) / HOUR_MS);
    this.s.hours = this.s.hours.filter((h) => h.hour >= oldest && h.hour <= Math.floor(now / HOUR_MS));
    return now;
  }
}
