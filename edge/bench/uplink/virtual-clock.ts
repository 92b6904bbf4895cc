import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';

interface Timer {
  at: number;
  every: number | undefined;
  fn: () => void;
}

/**
 * Time for the publishers and for mqtt.js's keep-alive (its `timerVariant` option), moved by the bench
 * rather than by the wall clock: an hour of trace replays in seconds, while every byte still crosses
 * real sockets. Timers fire one at a time in deadline order (ties: the one queued first), and the bench
 * lets the network settle after each, so the answer to a publish or a ping is in before the next timer
 * is looked at: the virtual round trip is zero, except for the keep-alive (see mqttTimer).
 */
export class VirtualClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, undefined) as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  setInterval(fn: () => void, ms: number): number {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearInterval(id: number): void {
    this.timers.delete(id);
  }

  /**
   * The shape mqtt.js accepts as `timerVariant`. mqtt.js re-arms its keep-alive when a PUBACK or PINGRESP
   * arrives. On a real link that is one round trip after the publish, so a publisher whose period equals
   * its keep-alive publishes just before the ping would be due and never pings; with a zero virtual round
   * trip the two would tie. The re-armed timer is therefore dated `roundTripMs` later.
   */
  mqttTimer(roundTripMs: number): { set: (fn: () => void, ms: number) => number; clear: (id: number) => void } {
    return {
      set: (fn, ms) => this.add(fn, ms + roundTripMs, Math.max(1, ms)),
      clear: (id) => this.clearInterval(id),
    };
  }

  /** When the next timer is due; undefined when none is set. */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const timer of this.timers.values()) if (due === undefined || timer.at < due) due = timer.at;
    return due;
  }

  /** Moves time forward to `at` without firing anything (a sample arriving). Never moves back. */
  advanceTo(at: number): void {
    if (at > this.time) this.time = at;
  }

  /** Fires the earliest timer (ties: the one set first), moving time to its deadline. */
  fireNext(): boolean {
    let id: number | undefined;
    let timer: Timer | undefined;
    for (const [key, t] of this.timers) {
      if (!timer || t.at < timer.at) {
        id = key;
        timer = t;
      }
    }
    if (id === undefined || !timer) return false;
    this.advanceTo(timer.at);
    if (timer.every === undefined) this.timers.delete(id);
    else {
      // Re-queued at the back, so it sorts after timers queued while it waited.
      this.timers.delete(id);
      this.timers.set(id, { ...timer, at: timer.at + timer.every });
    }
    timer.fn();
    return true;
  }

  private add(fn: () => void, ms: number, every: number | undefined): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), every, fn });
    return id;
  }
}
