import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import { listenOnly } from '../listen-only.js';
import type { DeviceState, MotorSample, QualityMap } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import { type BafangMessage, decodeBafangFrame } from './codec.js';
import { BafangFrameSplitter, type BafangSplitDiscard, type BafangSplitterStats } from './frame.js';

/**
 * Listens to a Bafang display line (both directions merged) and turns the controller's answers
 * into MotorSamples, one per wheel-speed answer, carrying the latest current and status. It never
 * transmits: it only sees the transport through listenOnly(). Link state comes from the traffic.
 */
export interface BafangSnifferOptions {
  transport: ByteTransport;
  clock?: Clock;
  /** Wheel circumference in metres, for speedKmh (the line carries wheel rpm only). */
  wheelCircumferenceM?: number;
  /** Battery nominal voltage, for powerW = V × A; the line carries no voltage. */
  nominalVoltageV?: number;
  /** How long without a frame before the line counts as silent or asleep. */
  quietMs?: number;
  /** A current or status older than this is marked 'stale' in a sample. */
  staleAfterMs?: number;
}

export interface BafangBatteryReading {
  at: number;
  socPct: number;
}

export type BafangSnifferEvents = {
  sample: [sample: MotorSample];
  state: [state: DeviceState, previous: DeviceState];
  discard: [discard: BafangSplitDiscard];
  /** Battery % as the controller reports it: MotorSample has no place for a state of charge. */
  battery: [reading: BafangBatteryReading];
  /** Every decoded frame, writes from the display included (assist level, lights, speed limit). */
  message: [message: BafangMessage, at: number];
  error: [error: BridgeError];
};

export interface BafangSnifferStats extends BafangSplitterStats {
  samples: number;
  decodeErrors: number;
}

interface Stamped<T> {
  value: T;
  at: number;
}

export class BafangSniffer {
  private readonly line: ByteTransport;
  private readonly clock: Clock;
  private readonly quietMs: number;
  private readonly staleAfterMs: number;
  private readonly options: BafangSnifferOptions;
  private readonly events = new TypedEvents<BafangSnifferEvents>();
  private readonly splitter = new BafangFrameSplitter();
  private readonly counters = { samples: 0, decodeErrors: 0 };
  private current: DeviceState = 'connecting';
  private running = false;
  private everHeard = false;
  private timer: TimerHandle | undefined;
  private subscriptions: Unsubscribe[] = [];
  private lastCurrent: Stamped<number> | undefined;
  private lastStatus: Stamped<{ faultCode: number; faultName: string }> | undefined;

  constructor(options: BafangSnifferOptions) {
    this.quietMs = positive('quietMs', options.quietMs ?? 3000);
    this.staleAfterMs = positive('staleAfterMs', options.staleAfterMs ?? 5000);
    this.options = options;
    this.line = listenOnly(options.transport);
    this.clock = options.clock ?? systemClock;
  }

  get state(): DeviceState {
    return this.current;
  }

  get stats(): BafangSnifferStats {
    return { ...this.splitter.stats, ...this.counters };
  }

  on<K extends keyof BafangSnifferEvents>(event: K, listener: (...args: BafangSnifferEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.everHeard = false;
    this.subscriptions = [
      this.line.onData((bytes) => this.onBytes(bytes)),
      this.line.onError((err) =>
        this.events.emit('error', new BridgeError(BridgeErrorCode.PORT_CLOSED, 'Bafang line failed', { cause: err })),
      ),
    ];
    this.setState('connecting');
    this.arm();
  }

  /** Stops listening and leaves no timer behind. Leaves the transport open. */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    this.setState('stopped');
  }

  private onBytes(bytes: Uint8Array): void {
    if (!this.running) return;
    let heard = false;
    for (const result of this.splitter.push(bytes)) {
      if (result.type === 'discarded') {
        this.events.emit('discard', result);
        continue;
      }
      let message: BafangMessage;
      try {
        message = decodeBafangFrame(result.frame);
      } catch (err) {
        // The splitter checked the same things, so this is a bug worth surfacing, not line noise.
        this.counters.decodeErrors++;
        this.events.emit(
          'error',
          err instanceof BridgeError ? err : new BridgeError(BridgeErrorCode.FRAME_INVALID, String(err)),
        );
        continue;
      }
      heard = true;
      this.onMessage(message);
    }
    if (heard) {
      this.everHeard = true;
      this.setState('connected');
      this.arm();
    }
  }

  private onMessage(message: BafangMessage): void {
    const at = this.clock.now();
    this.events.emit('message', message, at);
    switch (message.kind) {
      case 'current':
        this.lastCurrent = { value: message.currentA, at };
        break;
      case 'status':
        this.lastStatus = { value: { faultCode: message.faultCode, faultName: message.faultName }, at };
        break;
      case 'battery':
        this.events.emit('battery', { at, socPct: message.socPct });
        break;
      case 'wheelSpeed':
        this.counters.samples++;
        this.events.emit('sample', this.sample(message.wheelRpm, at));
        break;
    }
  }

  private sample(wheelRpm: number, at: number): MotorSample {
    const quality: QualityMap<Omit<MotorSample, 'quality'>> = {};
    const status = this.lastStatus;
    const sample: MotorSample = {
      kind: 'motor',
      source: 'bafang',
      at,
      wheelRpm,
      faultCode: status?.value.faultCode ?? 0,
      faultName: status?.value.faultName ?? 'none',
    };
    if (status !== undefined && at - status.at > this.staleAfterMs) quality.faultCode = 'stale';
    const circumference = this.options.wheelCircumferenceM;
    if (circumference !== undefined && circumference > 0) {
      sample.speedKmh = Math.round(wheelRpm * circumference * 6) / 100;
      quality.speedKmh = 'inferred';
    }
    const current = this.lastCurrent;
    if (current !== undefined) {
      sample.inputCurrentA = current.value;
      const stale = at - current.at > this.staleAfterMs;
      if (stale) quality.inputCurrentA = 'stale';
      const volts = this.options.nominalVoltageV;
      if (volts !== undefined && volts > 0) {
        sample.powerW = Math.round(volts * current.value * 10) / 10;
        quality.powerW = stale ? 'stale' : 'inferred';
      }
    }
    sample.quality = quality;
    return sample;
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.running) this.setState(this.everHeard ? 'asleep' : 'silent');
    }, this.quietMs);
  }

  private setState(next: DeviceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.events.emit('state', next, previous);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `${name} must be a positive number, not ${value}`);
  }
  return value;
}
