import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode, isBridgeError } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { BatterySample, DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import type { DalyLink } from './codec.js';
import type { DalySplitDiscard } from './frame.js';
import { DalyLinkReader } from './reader.js';
import { type DalyCycleData, toBatterySample } from './sample.js';

/**
 * Polls a Daly BMS (legacy A5 protocol) over any byte transport: 0x90–0x94, the multi-frame
 * 0x95 and 0x96, then 0x98, one BatterySample per cycle. A sleeping Daly does not answer at all,
 * so link state comes from answered cycles only. Timers only through the Clock.
 */
export interface DalyDriverOptions {
  transport: ByteTransport;
  clock?: Clock;
  /** Rated capacity in Ah: A5 frames never carry it. */
  nominalAh: number;
  /**
   * How this unit signs (raw − 30000) × 0.1 A: 1 when above 30000 means charging, −1 when it means
   * discharging. Peers disagree (esphome keeps the wire sign, dbus-serialbattery negates it), so
   * it is per unit and cross-checked against the 0x93 state byte. Default 1.
   */
  currentSign?: 1 | -1;
  /** Currents smaller than this are not checked against the state byte. Default 1 A. */
  currentDeadbandA?: number;
  /** Host address to send from: 0x40 on RS485, 0x80 on UART/Bluetooth. Default 'uart'. */
  link?: DalyLink;
  pollIntervalMs?: number;
  responseTimeoutMs?: number;
  /** Deadline for all frames of one 0x95/0x96 reply. Default responseTimeoutMs. */
  multiFrameTimeoutMs?: number;
  /** Consecutive unanswered cycles before the link is called 'asleep' (or 'silent' if it never answered). */
  failedCyclesBeforeOffline?: number;
}

export type DalyWarning =
  | {
      kind: 'current-sign-mismatch';
      at: number;
      state: 'charging' | 'discharging';
      /** currentSign × wire current, as configured. */
      configuredA: number;
      /** What the sample reports instead: the state byte's sign. */
      reportedA: number;
    }
  | { kind: 'frames-missing'; at: number; id: number; missing: number[] };

export type DalyDriverEvents = {
  sample: [sample: BatterySample];
  /** Everything decoded in one cycle, including what BatterySample has no field for (alarms, min/max). */
  reading: [reading: DalyCycleData];
  state: [state: DeviceState, previous: DeviceState];
  discard: [discard: DalySplitDiscard];
  /** Problems worth a warning. Timeouts of a whole cycle are not reported here: they show as state changes. */
  error: [error: BridgeError];
  warning: [warning: DalyWarning];
};

export interface DalyDriverStats {
  cycles: number;
  failedCycles: number;
  samples: number;
  requests: number;
  retries: number;
  timeouts: number;
  decodeErrors: number;
  /** Frames nobody was waiting for: late answers after a timeout, unknown ids. */
  unexpectedFrames: number;
  /** 0x95/0x96 frames past what the cell and sensor counts need, or after the reply was complete. */
  extraFrames: number;
  echoes: number;
  frames: number;
  discardEvents: number;
  discardedBytes: number;
  /** Cycles whose current sign disagreed with the 0x93 state byte. */
  currentSignMismatches: number;
  /** 0x95/0x96 frames that never came before their deadline. */
  missingFrames: number;
}

export class DalyDriver {
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly offlineAfter: number;
  private readonly sampleOptions: { nominalAh: number; currentSign: 1 | -1; currentDeadbandA: number };
  private readonly events = new TypedEvents<DalyDriverEvents>();
  private readonly reader: DalyLinkReader;
  private counters = { cycles: 0, failedCycles: 0, samples: 0, currentSignMismatches: 0 };
  private current: DeviceState = 'connecting';
  private running = false;
  private everAnswered = false;
  private failedInARow = 0;
  private timer: TimerHandle | undefined;
  private inflight: Promise<void> = Promise.resolve();

  constructor(options: DalyDriverOptions) {
    const currentSign = options.currentSign ?? 1;
    if (currentSign !== 1 && currentSign !== -1) throw invalid('currentSign', currentSign, '1 or −1');
    if (!(options.nominalAh > 0) || !Number.isFinite(options.nominalAh)) {
      throw invalid('nominalAh', options.nominalAh, 'a positive number of Ah');
    }
    const deadband = options.currentDeadbandA ?? 1;
    if (!(deadband >= 0) || !Number.isFinite(deadband)) throw invalid('currentDeadbandA', deadband, '≥ 0');
    const link = options.link ?? 'uart';
    if (link !== 'uart' && link !== 'rs485') throw invalid('link', link, "'uart' or 'rs485'");
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.offlineAfter = Math.max(1, options.failedCyclesBeforeOffline ?? 2);
    this.sampleOptions = { nominalAh: options.nominalAh, currentSign, currentDeadbandA: deadband };
    const responseTimeoutMs = options.responseTimeoutMs ?? 1000;
    this.reader = new DalyLinkReader({
      transport: options.transport,
      clock: this.clock,
      link,
      responseTimeoutMs,
      multiFrameTimeoutMs: options.multiFrameTimeoutMs ?? responseTimeoutMs,
      onDiscard: (discard) => this.events.emit('discard', discard),
      onLinkError: (err) => this.events.emit('error', err),
    });
  }

  get state(): DeviceState {
    return this.current;
  }

  get stats(): DalyDriverStats {
    return { ...this.counters, ...this.reader.stats };
  }

  on<K extends keyof DalyDriverEvents>(event: K, listener: (...args: DalyDriverEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  /** Starts polling at once, then every pollIntervalMs. Calling it twice is harmless. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.everAnswered = false;
    this.failedInARow = 0;
    this.reader.attach();
    this.setState('connecting');
    this.inflight = this.cycle();
  }

  /** Stops polling and abandons the request in flight (BRG_ABORTED, never reported). Leaves the transport open. */
  async stop(): Promise<void> {
    if (!this.running) {
      this.setState('stopped');
      return;
    }
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.reader.detach('Daly driver stopped');
    this.setState('stopped');
    await this.inflight;
  }

  private async cycle(): Promise<void> {
    const startedAt = this.clock.now();
    this.counters.cycles++;
    this.reader.answeredThisCycle = false;
    let result: Awaited<ReturnType<DalyLinkReader['readCycle']>> | BridgeError;
    try {
      result = await this.reader.readCycle();
    } catch (err) {
      result = asBridgeError(err);
    } finally {
      this.scheduleNext(startedAt);
    }
    // Listeners run outside the try: a throwing listener is its author's bug, not a link failure.
    if (!this.running) return;
    if (this.reader.answeredThisCycle) this.everAnswered = true;
    if (result instanceof BridgeError) {
      this.onCycleFailed(result);
      return;
    }
    this.failedInARow = 0;
    this.setState('connected');
    for (const problem of result.problems) this.events.emit('error', problem);
    for (const warning of result.warnings) this.events.emit('warning', warning);
    const { mos, status } = result.data;
    if (mos === undefined || status === undefined) {
      // It answered 0x90 but never 0x93/0x94: no honest sample can be built yet.
      this.counters.failedCycles++;
      return;
    }
    const data: DalyCycleData = { ...result.data, mos, status };
    this.events.emit('reading', data);
    const { sample, mismatch } = toBatterySample(data, this.sampleOptions);
    if (mismatch !== undefined) {
      this.counters.currentSignMismatches++;
      this.events.emit('warning', {
        kind: 'current-sign-mismatch',
        at: data.at,
        ...mismatch,
        reportedA: sample.currentA,
      });
    }
    this.counters.samples++;
    this.events.emit('sample', sample);
  }

  private onCycleFailed(err: BridgeError): void {
    this.counters.failedCycles++;
    if (this.reader.answeredThisCycle) {
      this.failedInARow = 0;
      this.setState('connected');
      this.events.emit('error', err);
      return;
    }
    if (!isBridgeError(err, BridgeErrorCode.TIMEOUT)) this.events.emit('error', err);
    this.failedInARow++;
    if (this.failedInARow >= this.offlineAfter) this.setState(this.everAnswered ? 'asleep' : 'silent');
  }

  private scheduleNext(startedAt: number): void {
    if (!this.running) return;
    const delay = Math.max(0, this.pollIntervalMs - (this.clock.now() - startedAt));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.inflight = this.cycle();
    }, delay);
  }

  private setState(next: DeviceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.events.emit('state', next, previous);
  }
}

function asBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  return new BridgeError(BridgeErrorCode.PORT_CLOSED, `BMS link failed: ${String(err)}`, { cause: err });
}

function invalid(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(
    BridgeErrorCode.OPTION_INVALID,
    `Daly driver ${name} = ${String(value)} is invalid (${allowed})`,
  );
}
