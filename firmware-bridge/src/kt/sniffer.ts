import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import { listenOnly } from '../listen-only.js';
import type { DeviceState, MotorSample } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import { decodeKtFrame, type KtControllerStatus, type KtLcdSettings } from './codec.js';
import { KtFrameSplitter, type KtSplitDiscard, type KtSplitterStats } from './frame.js';
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
  private readonly line: ByteTransport;
  private readonly clock: Clock;
  private readonly quietMs: number;
  private readonly options: KtSnifferOptions;
  private readonly events = new TypedEvents<KtSnifferEvents>();
  private readonly splitter: KtFrameSplitter;
  private readonly counters = { samples: 0, decodeErrors: 0 };
  private current: DeviceState = 'connecting';
  private running = false;
  private everHeard = false;
  private timer: TimerHandle | undefined;
  private subscriptions: Unsubscribe[] = [];
  private lastLcd: KtLcdSettings | undefined;

  constructor(options: KtSnifferOptions) {
    const quietMs = options.quietMs ?? 2000;
    if (!Number.isFinite(quietMs) || quietMs <= 0) {
      throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `quietMs must be a positive number, not ${quietMs}`);
    }
    this.options = options;
    this.line = listenOnly(options.transport);
    this.clock = options.clock ?? systemClock;
    this.quietMs = quietMs;
    const keys = options.lcdChecksumKeys;
    this.splitter = new KtFrameSplitter(keys === undefined ? {} : { lcdChecksumKeys: keys });
  }

  get state(): DeviceState {
    return this.current;
  }

  get stats(): KtSnifferStats {
    return { ...this.splitter.stats, ...this.counters };
  }

  /** The display's last settings frame, if one was seen. */
  get lcdSettings(): KtLcdSettings | undefined {
    return this.lastLcd;
  }

  on<K extends keyof KtSnifferEvents>(event: K, listener: (...args: KtSnifferEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.everHeard = false;
    this.subscriptions = [
      this.line.onData((bytes) => this.onBytes(bytes)),
      this.line.onError((err) =>
        this.events.emit('error', new BridgeError(BridgeErrorCode.PORT_CLOSED, 'KT line failed', { cause: err })),
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
      let message: KtControllerStatus | KtLcdSettings;
      try {
        message = decodeKtFrame(result.frame, this.options.lcdChecksumKeys);
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
      if (message.direction === 'lcd') {
        this.lastLcd = message;
        this.events.emit('lcd', message, this.clock.now());
      } else {
        this.onStatus(message);
      }
    }
    if (heard) {
      this.everHeard = true;
      this.setState('connected');
      this.arm();
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
    this.counters.samples++;
    this.events.emit('sample', sample);
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
