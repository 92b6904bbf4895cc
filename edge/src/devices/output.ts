import {
  type BridgeError,
  type DeviceState,
  markStale,
  type PortState,
  type Sample,
  type TimerHandle,
  TypedEvents,
  type Unsubscribe,
} from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { DeviceDeps, DeviceEvent, DeviceHandleEvents, DeviceKind } from './types.js';

/** The contract's link state for a port state: an unplugged adapter is being reconnected. */
export function deviceStateOf(port: PortState): DeviceState {
  switch (port) {
    case 'opening':
    case 'unplugged':
      return 'connecting';
    // Bytes but never a frame: as far as the records go, the device never answered.
    case 'wiring-fault':
      return 'silent';
    default:
      return port;
  }
}

/**
 * What every device handle does with what its driver says, whatever the link: gate each sample,
 * repeat the last one marked 'stale' once it is older than `staleAfterMs` (so nobody takes a
 * sleeping BMS's last reading for the present), log, and emit.
 */
export class DeviceOutput {
  readonly log: Logger;
  private readonly events = new TypedEvents<DeviceHandleEvents>();
  private readonly clock: DeviceDeps['clock'];
  private staleTimer: TimerHandle | undefined;
  private last: Sample | undefined;
  private port: PortState = 'stopped';

  constructor(
    readonly kind: DeviceKind,
    readonly type: string,
    deps: DeviceDeps,
    private readonly staleAfterMs: number,
    private readonly gate: (sample: Sample) => Sample,
  ) {
    this.clock = deps.clock;
    this.log = deps.logger.child({ module: 'devices', device: kind, type });
  }

  get portState(): PortState {
    return this.port;
  }

  get lastSample(): Sample | undefined {
    return this.last;
  }

  on<K extends keyof DeviceHandleEvents>(event: K, listener: (...args: DeviceHandleEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  sample(raw: Sample): void {
    const sample = this.gate(raw);
    this.last = sample;
    this.log.debug({ sample }, 'sample');
    this.events.emit('sample', sample);
    this.armStale();
  }

  state(port: PortState, reason?: BridgeError): void {
    if (port === this.port) return;
    this.port = port;
    const state = deviceStateOf(port);
    this.log.info({ state, port, ...(reason ? { code: reason.code, reason: reason.message } : {}) }, 'link state');
    this.events.emit('state', state, port, reason);
  }

  event(event: DeviceEvent): void {
    switch (event.type) {
      case 'discard':
        this.log.warn({ reason: event.reason, bytes: event.bytes }, 'discarded serial bytes');
        break;
      case 'error':
        this.log.warn({ code: event.error.code, err: event.error }, 'device problem');
        break;
      case 'warning':
        this.log.warn({ warning: event.warning }, 'device warning');
        break;
      default:
        this.log.info({ event }, 'device event');
    }
    this.events.emit('event', event);
  }

  /** Forgets the last sample and its timer (stop, restart): a new connection starts fresh. */
  reset(): void {
    if (this.staleTimer !== undefined) this.clock.clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    this.last = undefined;
  }

  private armStale(): void {
    if (this.staleTimer !== undefined) this.clock.clearTimeout(this.staleTimer);
    // markStale wants strictly older than staleAfterMs.
    this.staleTimer = this.clock.setTimeout(() => {
      this.staleTimer = undefined;
      const last = this.last;
      if (last === undefined) return;
      const stale = markStale(last, this.clock.now(), this.staleAfterMs);
      if (stale === last) return;
      this.last = stale;
      this.log.info({ ageMs: this.clock.now() - last.at }, 'last sample is stale');
      this.events.emit('sample', stale);
    }, this.staleAfterMs + 1);
  }
}
