import type { Logger } from 'pino';
import { type FleetBus, type LeadershipListener, Listeners, type SignalListener } from './bus.js';
import type { FleetSignal } from './signals.js';

/**
 * The bus of a dashboard that is alone on its store (SQLite): signals go round in this process, after the
 * publisher's current step (as a peer's would), in publish order. It always leads.
 */
export class LocalBus implements FleetBus {
  readonly leading = true;
  private readonly listeners = new Listeners<FleetSignal>();

  constructor(private readonly log: Logger) {}

  async publish(signal: FleetSignal): Promise<void> {
    setImmediate(() => this.listeners.emit(signal, (err) => this.log.error({ err }, 'bus listener failed')));
  }

  subscribe(listener: SignalListener): () => void {
    return this.listeners.add(listener);
  }

  onLeadership(listener: LeadershipListener): () => void {
    listener(true);
    return () => undefined;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
