import { type Clock, systemClock } from '../clock.js';
import type { BridgeError } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import { ListenLink } from '../listen/listen-link.js';
import type { DeviceState, MotorSample } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import { decodeKtFrame, type KtControllerStatus, type KtLcdSettings } from './codec.js';
import { type KtDiscardReason, KtFrameSplitter, type KtSplitDiscard, type KtSplitterStats } from './frame.js';
import { type KtSampleOptions, ktMotorSample } from './sample.js';
import { KT_WHEEL_SIZES } from './tables.js';

/**
 * Listens to a KT display line and turns the controller's status frames into MotorSamples.
 * It never transmits: it only ever sees the transport through listenOnly(). The link state comes
 * from the traffic alone, since there is nothing to poll: frames flowing → connected; none since
 * start → silent; none for quietMs after flowing → asleep (the display was switched off).
 */
export interface KtSnifferOptions extends KtSampleOptions {
  transport: ByteTransport;
  clock?: Clock;
  /** How long without a frame before the line counts as silent or asleep. The LCD talks several times a second. */
  quietMs?: number;
  lcdChecksumKeys?: readonly number[];
}

export interface KtBatteryReading {
  at: number;
  /** B1 as sent (see KtControllerStatus.batteryLevel). */
  level: number;
  bars: number | null;
  nominalVoltageV: number;
}

export type KtSnifferEvents = {
  sample: [sample: MotorSample];
  state: [state: DeviceState, previous: DeviceState];
  discard: [discard: KtSplitDiscard];
  /** The controller's battery gauge: MotorSample has no place for it. */
  battery: [reading: KtBatteryReading];
  /** What the display asks of the controller (assist level, wheel size, speed limit…). */
  lcd: [settings: KtLcdSettings, at: number];
  error: [error: BridgeError];
};

export interface KtSnifferStats extends KtSplitterStats {
  samples: number;
  decodeErrors: number;
}

export class KtSniffer {
  private readonly clock: Clock;
  private readonly options: KtSnifferOptions;
  private readonly events = new TypedEvents<KtSnifferEvents>();
  private readonly splitter: KtFrameSplitter;
  private readonly link: ListenLink<KtControllerStatus | KtLcdSettings, KtDiscardReason>;
  private samples = 0;
  private lastLcd: KtLcdSettings | undefined;

  constructor(options: KtSnifferOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const keys = options.lcdChecksumKeys;
    this.splitter = new KtFrameSplitter(keys === undefined ? {} : { lcdChecksumKeys: keys });
    this.link = new ListenLink({
      transport: options.transport,
      clock: this.clock,
      quietMs: options.quietMs ?? 2000,
      name: 'KT',
      splitter: this.splitter,
      decode: (frame) => decodeKtFrame(frame, this.options.lcdChecksumKeys),
      onMessage: (message) => this.onMessage(message),
      onDiscard: (discard) => this.events.emit('discard', discard),
      onState: (state, previous) => this.events.emit('state', state, previous),
      onError: (error) => this.events.emit('error', error),
    });
  }

  get state(): DeviceState {
    return this.link.state;
  }

  get stats(): KtSnifferStats {
    return { ...this.splitter.stats, samples: this.samples, decodeErrors: this.link.decodeErrors };
  }

  /** The display's last settings frame, if one was seen. */
  get lcdSettings(): KtLcdSettings | undefined {
    return this.lastLcd;
  }

  on<K extends keyof KtSnifferEvents>(event: K, listener: (...args: KtSnifferEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    this.link.start();
  }

  /** Stops listening and leaves no timer behind. Leaves the transport open. */
  stop(): void {
    this.link.stop();
  }

  private onMessage(message: KtControllerStatus | KtLcdSettings): void {
    if (message.direction === 'lcd') {
      this.lastLcd = message;
      this.events.emit('lcd', message, this.clock.now());
    } else {
      this.onStatus(message);
    }
  }

  private onStatus(status: KtControllerStatus): void {
    const at = this.clock.now();
    this.events.emit('battery', {
      at,
      level: status.batteryLevel,
      bars: status.batteryBars,
      nominalVoltageV: status.nominalVoltageV,
    });
    const lcdWheel =
      this.lastLcd === undefined ? undefined : KT_WHEEL_SIZES.get(this.lastLcd.wheelSizeCode)?.circumferenceM;
    const wheelCircumferenceM = this.options.wheelCircumferenceM ?? lcdWheel;
    const sample = ktMotorSample(status, at, {
      ...this.options,
      ...(wheelCircumferenceM === undefined ? {} : { wheelCircumferenceM }),
    });
    this.samples++;
    this.events.emit('sample', sample);
  }
}
