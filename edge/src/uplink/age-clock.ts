/**
 * The clock the outbox's age bound reads. The Pi has no RTC: it boots on a saved or default time, and
 * GPS or NTP later sets the real one, possibly days ahead. Read naively, that forward jump would make
 * every record already in the outbox look days old, and the 48-hour bound would drop them seconds
 * after they were made. So forward jumps (the wall clock advancing faster than the monotonic one) are
 * held back: this clock keeps moving at the monotonic rate. Backward jumps pass through, because that
 * only makes stored records look younger. Either way a record can outlive its bound, never die early.
 * Within one process run: after a restart the wall clock is trusted again.
 */
export interface AgeClockSources {
  /** Wall time, ms since the epoch (the host clock, which GPS may set). */
  wall(): number;
  /** Monotonic time, ms, from any origin (performance.now()). */
  monotonic(): number;
}

/** Wall-clock advances beyond the monotonic ones by less than this are drift and NTP slewing, not jumps. */
const JUMP_TOLERANCE_MS = 2000;

export class AgeClock {
  private lastWall: number;
  private lastMono: number;
  /** Sum of the forward jumps seen so far: subtracted from the wall clock. */
  private heldBackMs = 0;

  constructor(private readonly sources: AgeClockSources) {
    this.lastWall = sources.wall();
    this.lastMono = sources.monotonic();
  }

  now(): number {
    const wall = this.sources.wall();
    const mono = this.sources.monotonic();
    const excess = wall - this.lastWall - (mono - this.lastMono);
    if (excess > JUMP_TOLERANCE_MS) this.heldBackMs += excess;
    this.lastWall = wall;
    this.lastMono = mono;
    return wall - this.heldBackMs;
  }

  /** How far forward the wall clock has jumped during this run, ms. */
  get heldBack(): number {
    return this.heldBackMs;
  }
}
