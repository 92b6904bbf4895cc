import { type Clock, systemClock } from '../clock.js';
import { PollingLink } from '../driver/polling-link.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { BatterySample, DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import type { DalyLink } from './codec.js';
import type { DalySplitDiscard } from './frame.js';
import { type DalyInbound, DalyLinkReader } from './reader.js';
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

type CycleAnswer = Awaited<ReturnType<DalyLinkReader['readCycle']>>;

export class DalyDriver {
  private readonly sampleOptions: { nominalAh: number; currentSign: 1 | -1; currentDeadbandA: number };
  private readonly events = new TypedEvents<DalyDriverEvents>();
  private readonly link: PollingLink<DalyInbound, CycleAnswer>;
  private readonly reader: DalyLinkReader;
  private counters = { samples: 0, currentSignMismatches: 0 };

  constructor(options: DalyDriverOptions) {
    const currentSign = options.currentSign ?? 1;
    if (currentSign !== 1 && currentSign !== -1) throw invalid('currentSign', currentSign, '1 or −1');
    if (!(options.nominalAh > 0) || !Number.isFinite(options.nominalAh)) {
      throw invalid('nominalAh', options.nominalAh, 'a positive number of Ah');
    }
    const deadband = options.currentDeadbandA ?? 1;
    if (!(deadband >= 0) || !Number.isFinite(deadband)) throw invalid('currentDeadbandA', deadband, '≥ 0');
    const hostLink = options.link ?? 'uart';
    if (hostLink !== 'uart' && hostLink !== 'rs485') throw invalid('link', hostLink, "'uart' or 'rs485'");
    const clock = options.clock ?? systemClock;
    this.sampleOptions = { nominalAh: options.nominalAh, currentSign, currentDeadbandA: deadband };
    this.link = new PollingLink<DalyInbound, CycleAnswer>({
      transport: options.transport,
      clock,
      pollIntervalMs: options.pollIntervalMs ?? 5000,
      failedCyclesBeforeOffline: options.failedCyclesBeforeOffline,
      device: 'BMS',
      driver: 'Daly',
      events: this.events,
      onBytes: (bytes) => this.reader.onBytes(bytes),
      poll: () => this.reader.readCycle(),
      deliver: (answer) => this.deliver(answer),
    });
    const responseTimeoutMs = options.responseTimeoutMs ?? 1000;
    this.reader = new DalyLinkReader({
      clock,
      session: this.link,
      link: hostLink,
      responseTimeoutMs,
      multiFrameTimeoutMs: options.multiFrameTimeoutMs ?? responseTimeoutMs,
      onDiscard: (discard) => this.events.emit('discard', discard),
    });
  }

  get state(): DeviceState {
    return this.link.state;
  }

  get stats(): DalyDriverStats {
    return { ...this.link.stats, ...this.counters, ...this.reader.stats };
  }

  on<K extends keyof DalyDriverEvents>(event: K, listener: (...args: DalyDriverEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  /** Starts polling at once, then every pollIntervalMs. Calling it twice is harmless. */
  start(): void {
    this.link.start();
  }

  /** Stops polling and abandons the request in flight (BRG_ABORTED, never reported). Leaves the transport open. */
  stop(): Promise<void> {
    return this.link.stop();
  }

  /** False when the cycle cannot make a sample: the link counts it failed, though the BMS is awake. */
  private deliver(result: CycleAnswer): boolean {
    for (const problem of result.problems) this.events.emit('error', problem);
    for (const warning of result.warnings) this.events.emit('warning', warning);
    const { mos, status } = result.data;
    if (mos === undefined || status === undefined) {
      // It answered 0x90 but never 0x93/0x94: no honest sample can be built yet.
      return false;
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
    return true;
  }
}

function invalid(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(
    BridgeErrorCode.OPTION_INVALID,
    `Daly driver ${name} = ${String(value)} is invalid (${allowed})`,
  );
}
