import type { TrafficCounters } from './ports.js';

/**
 * Turns the kernel's nft counters into totals for this boot of the edge. The kernel zeroes them when
 * the ruleset is reloaded; a reading below the last one is taken as such a reset, not as negative traffic.
 */
export class TrafficMeter {
  private last: TrafficCounters | undefined;
  private up = 0;
  private down = 0;

  /** The first reading is the baseline: traffic from before this boot is not ours to report. */
  update(reading: TrafficCounters): void {
    if (this.last !== undefined) {
      this.up += grown(this.last.bytesUp, reading.bytesUp);
      this.down += grown(this.last.bytesDown, reading.bytesDown);
    }
    this.last = reading;
  }

  get totals(): TrafficCounters {
    return { bytesUp: this.up, bytesDown: this.down };
  }
}

function grown(before: number, now: number): number {
  return now >= before ? now - before : now;
}
