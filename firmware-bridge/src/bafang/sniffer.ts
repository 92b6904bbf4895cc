import { type Clock, systemClock } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import { ListenLink } from '../listen/listen-link.js';
import type { DeviceState, MotorSample, QualityMap } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import { type BafangMessage, decodeBafangFrame } from './codec.js';
import {
  type BafangDiscardReason,
  BafangFrameSplitter,
  type BafangSplitDiscard,
  type BafangSplitterStats,
} from './frame.js';

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
  private readonly clock: Clock;
  private readonly staleAfterMs: number;
  private readonly options: BafangSnifferOptions;
  private readonly events = new TypedEvents<BafangSnifferEvents>();
  private readonly splitter = new BafangFrameSplitter();
  private readonly link: ListenLink<BafangMessage, BafangDiscardReason>;
  private samples = 0;
  private lastCurrent: Stamped<number> | undefined;
  private lastStatus: Stamped<{ faultCode: number; faultName: string }> | undefined;

  constructor(options: BafangSnifferOptions) {
    this.clock = options.clock ?? systemClock;
    this.link = new ListenLink({
      transport: options.transport,
      clock: this.clock,
      quietMs: options.quietMs ?? 3000,
      name: 'Bafang',
      splitter: this.splitter,
      decode: decodeBafangFrame,
      onMessage: (message) => this.onMessage(message),
      onDiscard: (discard) => this.events.emit('discard', discard),
      onState: (state, previous) => this.events.emit('state', state, previous),
      onError: (error) => this.events.emit('error', error),
    });
    this.staleAfterMs = positive('staleAfterMs', options.staleAfterMs ?? 5000);
    this.options = options;
  }

  get state(): DeviceState {
    return this.link.state;
  }

  get stats(): BafangSnifferStats {
    return { ...this.splitter.stats, samples: this.samples, decodeErrors: this.link.decodeErrors };
  }

  on<K extends keyof BafangSnifferEvents>(event: K, listener: (...args: BafangSnifferEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    this.link.start();
  }

  /** Stops listening and leaves no timer behind. Leaves the transport open. */
  stop(): void {
    this.link.stop();
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
        this.samples++;
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
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `${name} must be a positive number, not ${value}`);
  }
  return value;
}
