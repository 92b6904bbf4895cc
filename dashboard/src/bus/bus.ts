import type { FleetSignal } from './signals.js';

export type SignalListener = (signal: FleetSignal) => void;
export type LeadershipListener = (leading: boolean) => void;

/**
 * How the dashboard processes sharing one store hear about each other's writes, and which of them runs
 * the fleet model. One process on SQLite: `LocalBus`. Several on PostgreSQL: `PostgresBus`.
 *
 * Every process, the writer included, hears every signal once, in the order the writes were published.
 * Exactly one process leads at a time: the one that derives stops, outings, zone crossings and alerts,
 * since those need every record of a unit in order and `$share` subscriptions spread them over processes.
 */
export interface FleetBus {
  publish(signal: FleetSignal): Promise<void>;
  subscribe(listener: SignalListener): () => void;
  readonly leading: boolean;
  /** Called at once with the current value, then on each change. */
  onLeadership(listener: LeadershipListener): () => void;
  close(): Promise<void>;
}

/** The listeners of a bus, each one's failure contained. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(value: T, onError: (err: unknown) => void): void {
    for (const listener of this.set) {
      try {
        listener(value);
      } catch (err) {
        onError(err);
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}
