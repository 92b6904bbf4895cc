/**
 * Publish-to-API latency bookkeeping, without I/O: which record each `unit` event of the live stream
 * shows (its unit and battery reading time), and how long after its publish the event came.
 */

/**
 * Slot `n` of a paced run: `units` units each reporting every `periodMs`, spread evenly, so the fleet
 * sends a steady units/period messages per second (unit n mod units, at n × period/units).
 */
export function slotAt(n: number, units: number, periodMs: number): { unitIndex: number; atMs: number } {
  return { unitIndex: n % units, atMs: (n * periodMs) / units };
}

interface Pending {
  at: number;
  measured: boolean;
}

export interface LatencyOutcome {
  latenciesMs: number[];
  publishedWarmup: number;
  publishedMeasured: number;
  missing: number;
  unmatchedEvents: number;
}

export class LatencyTracker {
  private readonly pending = new Map<string, Pending>();
  private readonly latencies: number[] = [];
  private warmup = 0;
  private measured = 0;
  private unmatched = 0;

  /** A record dated `ts` (its battery reading) went out for `unitId` at `at` (ms, any monotonic clock). */
  published(unitId: string, ts: number, at: number, measured: boolean): void {
    this.pending.set(`${unitId}|${ts}`, { at, measured });
    if (measured) this.measured++;
    else this.warmup++;
  }

  /** A `unit` event showing `unitId` with its battery reading dated `batteryTs` arrived at `at`. */
  received(unitId: string, batteryTs: number, at: number): void {
    const key = `${unitId}|${batteryTs}`;
    const sent = this.pending.get(key);
    if (!sent) {
      this.unmatched++;
      return;
    }
    this.pending.delete(key);
    if (sent.measured) this.latencies.push(at - sent.at);
  }

  /** Measured records still waiting for their event. */
  get outstanding(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.measured) n++;
    return n;
  }

  outcome(): LatencyOutcome {
    return {
      latenciesMs: [...this.latencies],
      publishedWarmup: this.warmup,
      publishedMeasured: this.measured,
      missing: this.outstanding,
      unmatchedEvents: this.unmatched,
    };
  }
}
