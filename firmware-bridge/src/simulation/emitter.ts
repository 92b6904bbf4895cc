import type { Clock, TimerHandle } from '../clock.js';
import type { ByteTransport } from '../transport/transport.js';
import { mulberry32 } from './random.js';

/** A simulated line's counters: the family's frame counters, in its order, then these two. */
export type EmitterStats<K extends string> = Record<K, number> & { noiseBytes: number; writeErrors: number };

export interface LineEmitterOptions<K extends string> {
  transport: ByteTransport;
  clock: Clock;
  /** Time between two ticks. */
  intervalMs: number;
  /** What send() counts, in the order stats lists them. */
  counters: readonly K[];
  /** One interval's traffic, written with send(). Called only while the display is on. */
  tick(): void;
  /** At start, and when the display is switched back on, before the first tick. */
  onWake?(): void;
  /** The park scenario: how long after start (or waking) the display switches itself off. Absent: it stays on. */
  sleepAfterMs?: number | undefined;
  /**
   * The noisy scenario: up to maxBytes of seeded garbage before each frame sent, except before
   * those counted under `except` (a reply that follows its request at once). Absent: a clean line.
   */
  noise?: { seed: number; maxBytes: number; except?: readonly K[] } | undefined;
}

/**
 * The display side of a simulated listen-only line (KT, Bafang): traffic every interval on the
 * injected clock, a display that can be switched off and on, that switches itself off in the park
 * scenario, and seeded noise in the noisy one. The family says what one tick sends.
 */
export class LineEmitter<K extends string> {
  private readonly options: LineEmitterOptions<K>;
  private readonly counters: EmitterStats<K>;
  private readonly random: () => number;
  private timer: TimerHandle | undefined;
  private on = true;
  private isRunning = false;
  private startedAt = 0;

  constructor(options: LineEmitterOptions<K>) {
    this.options = options;
    const counters: Record<string, number> = {};
    for (const name of options.counters) counters[name] = 0;
    counters.noiseBytes = 0;
    counters.writeErrors = 0;
    this.counters = counters as EmitterStats<K>;
    this.random = mulberry32(options.noise?.seed ?? 1);
  }

  get stats(): EmitterStats<K> {
    return { ...this.counters };
  }

  get running(): boolean {
    return this.isRunning;
  }

  /** False once the display is switched off (park scenario, or by hand): the line goes quiet. */
  get displayOn(): boolean {
    return this.on;
  }

  set displayOn(value: boolean) {
    const wake = value && !this.on;
    this.on = value;
    if (!wake || !this.isRunning) return;
    // Switched on again: a parked bike stands for sleepAfterMs once more before it sleeps.
    this.startedAt = this.options.clock.now();
    this.options.onWake?.();
    if (this.timer === undefined) this.schedule(0);
  }

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.startedAt = this.options.clock.now();
    this.options.onWake?.();
    this.schedule(0);
  }

  /** Stops ticking and leaves no timer behind. */
  stop(): void {
    this.isRunning = false;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes `frame` (after noise, on a noisy line) and counts it under `counter` once written. */
  send(frame: Uint8Array, counter: K): void {
    let bytes = frame;
    const noise = this.options.noise;
    if (noise !== undefined && noise.except?.includes(counter) !== true) {
      const garbage = Uint8Array.from({ length: Math.floor(this.random() * (noise.maxBytes + 1)) }, () =>
        Math.floor(this.random() * 256),
      );
      this.counters.noiseBytes += garbage.length;
      bytes = new Uint8Array(garbage.length + frame.length);
      bytes.set(garbage);
      bytes.set(frame, garbage.length);
    }
    this.options.transport.write(bytes).then(
      () => {
        this.counters[counter]++;
      },
      () => {
        this.counters.writeErrors++;
      },
    );
  }

  private schedule(delay: number): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, delay);
  }

  private tick(): void {
    const { clock, sleepAfterMs } = this.options;
    if (sleepAfterMs !== undefined && clock.now() - this.startedAt >= sleepAfterMs) this.on = false;
    if (!this.on) return;
    this.options.tick();
    this.schedule(this.options.intervalMs);
  }
}
