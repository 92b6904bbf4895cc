/**
 * A stretch of time during which residents were turned away because the hotspot was at its ceiling.
 * It starts at the first refusal, not when the last place is taken: a full hotspot nobody else wants is
 * not news. It ends when a place frees up.
 */
export type CapacityChange =
  | { full: true; at: number; capacity: number }
  | { full: false; at: number; capacity: number; refused: number; durationMs: number };

export class FullEpisode {
  private since: { at: number; refused: number } | undefined;

  constructor(
    private readonly capacity: number,
    private readonly notify: ((change: CapacityChange) => void) | undefined,
  ) {}

  get active(): boolean {
    return this.since !== undefined;
  }

  refused(at: number): void {
    if (this.since !== undefined) {
      this.since.refused += 1;
      return;
    }
    this.since = { at, refused: 1 };
    this.notify?.({ full: true, at, capacity: this.capacity });
  }

  /** After a session ended: `open` sessions remain. */
  freed(at: number, open: number): void {
    const since = this.since;
    if (since === undefined || open >= this.capacity) return;
    this.since = undefined;
    this.notify?.({ full: false, at, capacity: this.capacity, refused: since.refused, durationMs: at - since.at });
  }
}
