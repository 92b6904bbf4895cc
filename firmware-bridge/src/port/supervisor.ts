import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';

/**
 * What a technician needs to know about one serial line, beyond what the device driver sees:
 * - opening: the port is being opened, or opened and the device has not answered yet;
 * - connected / asleep / silent: as the driver reports them (asleep is normal when parked);
 * - wiring-fault: bytes arrive but never a valid frame (TX/RX swapped, wrong baud rate, wrong device);
 * - unplugged: the adapter is missing or vanished; the supervisor keeps trying to reopen it.
 */
export type PortState = 'opening' | 'connected' | 'asleep' | 'silent' | 'wiring-fault' | 'unplugged' | 'stopped';

/** The part of a driver the supervisor needs. JbdDriver and the other drivers fit it. */
export interface SupervisedDevice {
  readonly state: DeviceState;
  readonly stats: { readonly frames: number; readonly discardedBytes: number };
  on(event: 'state', listener: (state: DeviceState, previous: DeviceState) => void): Unsubscribe;
  start(): void;
  stop(): Promise<void>;
}

export interface PortSupervisorOptions<D extends SupervisedDevice> {
  /** Prefer a stable /dev/serial/by-id/… path, so a replugged adapter comes back under the same name. */
  path: string;
  baudRate: number;
  open(options: { path: string; baudRate: number }): Promise<ByteTransport>;
  /** Builds the driver for a freshly opened transport. */
  attach(transport: ByteTransport): D;
  clock?: Clock;
  /** Reopen delays: initialMs, doubled after each failure, capped at maxMs. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Discarded bytes with no valid frame since open before we call it a wiring fault. */
  wiringFaultBytes?: number;
}

export interface PortSupervisorEvents<D> extends Record<string, unknown[]> {
  state: [state: PortState, previous: PortState, reason?: BridgeError];
  /** A new driver after each (re)open: subscribe to its samples here. */
  device: [device: D];
}

export class PortSupervisor<D extends SupervisedDevice> {
  private readonly events = new TypedEvents<PortSupervisorEvents<D>>();
  private readonly clock: Clock;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly wiringFaultBytes: number;
  private current: PortState = 'stopped';
  private delayMs: number;
  private retryTimer: TimerHandle | undefined;
  private transport: ByteTransport | undefined;
  private device: D | undefined;
  private detach: Unsubscribe[] = [];
  private running = false;
  private counters = { opens: 0, openFailures: 0, losses: 0 };

  constructor(private readonly options: PortSupervisorOptions<D>) {
    this.clock = options.clock ?? systemClock;
    this.initialMs = options.backoff?.initialMs ?? 1000;
    this.maxMs = options.backoff?.maxMs ?? 30_000;
    this.wiringFaultBytes = options.wiringFaultBytes ?? 64;
    this.delayMs = this.initialMs;
  }

  get state(): PortState {
    return this.current;
  }

  get stats(): { opens: number; openFailures: number; losses: number; nextRetryMs: number } {
    return { ...this.counters, nextRetryMs: this.delayMs };
  }

  on<K extends keyof PortSupervisorEvents<D>>(
    event: K,
    listener: (...args: PortSupervisorEvents<D>[K]) => void,
  ): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.openOnce();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.teardown();
    this.setState('stopped');
  }

  private async openOnce(): Promise<void> {
    this.retryTimer = undefined;
    if (!this.running) return;
    this.setState('opening');
    let transport: ByteTransport;
    try {
      transport = await this.options.open({ path: this.options.path, baudRate: this.options.baudRate });
    } catch (err) {
      this.counters.openFailures++;
      const reason =
        err instanceof BridgeError
          ? err
          : new BridgeError(BridgeErrorCode.PORT_OPEN, `cannot open ${this.options.path}`, { cause: err });
      this.setState('unplugged', reason);
      this.scheduleReopen();
      return;
    }
    if (!this.running) {
      await transport.close();
      return;
    }
    this.counters.opens++;
    this.transport = transport;
    const device = this.options.attach(transport);
    this.device = device;
    this.detach = [
      device.on('state', () => this.refresh()),
      transport.onError((err) => void this.onLost(err)),
      // After the driver has counted the chunk: garbage alone never changes the driver's state.
      transport.onData(() => queueMicrotask(() => this.refresh())),
    ];
    this.events.emit('device', device);
    device.start();
    this.refresh();
  }

  private async onLost(err: Error): Promise<void> {
    if (!this.running || this.transport === undefined) return;
    this.counters.losses++;
    await this.teardown();
    const reason =
      err instanceof BridgeError
        ? err
        : new BridgeError(BridgeErrorCode.PORT_LOST, `${this.options.path} failed`, { cause: err });
    this.setState('unplugged', reason);
    this.scheduleReopen();
  }

  private async teardown(): Promise<void> {
    for (const off of this.detach.splice(0)) off();
    const device = this.device;
    const transport = this.transport;
    this.device = undefined;
    this.transport = undefined;
    await device?.stop();
    await transport?.close().catch(() => undefined);
  }

  private scheduleReopen(): void {
    if (!this.running) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.maxMs, this.delayMs * 2);
    this.retryTimer = this.clock.setTimeout(() => void this.openOnce(), delay);
  }

  /** Folds the driver's view and the byte counters into one port state. */
  private refresh(): void {
    const device = this.device;
    if (!device) return;
    const { frames, discardedBytes } = device.stats;
    if (frames > 0) this.delayMs = this.initialMs; // a healthy link resets the backoff
    if (frames === 0 && discardedBytes >= this.wiringFaultBytes) {
      this.setState('wiring-fault');
      return;
    }
    switch (device.state) {
      case 'connected':
      case 'asleep':
      case 'silent':
        this.setState(device.state);
        return;
      default:
        this.setState('opening');
    }
  }

  private setState(state: PortState, reason?: BridgeError): void {
    if (state === this.current) return;
    const previous = this.current;
    this.current = state;
    this.events.emit('state', state, previous, reason);
  }
}
