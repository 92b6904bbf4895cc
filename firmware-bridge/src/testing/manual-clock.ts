import type { Clock, TimerHandle } from '../clock.js';

/**
 * A clock that only moves when told to. Tests (and other workspaces' tests) drive drivers and
 * simulators with it instead of faking the global timers.
 */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in deadline order (timers set while firing included). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Number.POSITIVE_INFINITY;
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && timer.at < dueAt) {
          dueId = id;
          dueAt = timer.at;
        }
      }
      const due = dueId === undefined ? undefined : this.timers.get(dueId);
      if (dueId === undefined || due === undefined) break;
      this.timers.delete(dueId);
      this.time = dueAt;
      due.fn();
    }
    this.time = target;
  }
}
