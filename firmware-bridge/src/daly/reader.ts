import type { Clock } from '../clock.js';
import { asLinkError, type LinkSession } from '../driver/polling-link.js';
import { type BridgeError, BridgeErrorCode, isBridgeError } from '../errors.js';
import type { WaitHandle } from '../waiter.js';
import {
  DalyDataId,
  type DalyKind,
  type DalyLink,
  type DalyResponse,
  decodeResponse,
  encodeReadRequest,
  isHostAddress,
} from './codec.js';
import { FrameCollector } from './collector.js';
import type { DalyWarning } from './driver.js';
import { DalyFrameSplitter, type DalySplitDiscard } from './frame.js';
import {
  DALY_CELLS_PER_FRAME,
  DALY_TEMPERATURES_PER_FRAME,
  type DalyCellVoltageRange,
  type DalyTemperatureRange,
} from './measurements.js';
import type { DalyPartialCycle, Reading } from './sample.js';
import type { DalyAlarms, DalyMosStatus, DalyStatusInfo } from './status.js';

/**
 * The request/response half of the Daly driver: the splitter, frame matching, and the reads of
 * one poll cycle, over the waiter of the driver's PollingLink. Values a cycle fails to read are
 * repeated from the last good read and marked stale.
 */
export interface DalyLinkReaderOptions {
  clock: Clock;
  /** The driver's polling link: its waiter, whether it runs, and where answers are reported. */
  session: LinkSession<DalyInbound>;
  link: DalyLink;
  responseTimeoutMs: number;
  multiFrameTimeoutMs: number;
  onDiscard: (discard: DalySplitDiscard) => void;
}

export type DalyInbound = DalyResponse | { kind: 'undecodable'; id: number; error: BridgeError };
type SingleKind = Exclude<DalyKind, 'cellVoltages' | 'temperatures'>;

interface LastValues {
  cellVoltageRange?: DalyCellVoltageRange;
  temperatureRange?: DalyTemperatureRange;
  mos?: DalyMosStatus;
  status?: DalyStatusInfo;
  cellsV?: number[];
  temperaturesC?: number[];
  alarms?: DalyAlarms;
}

/** 0x95 has 16 frames at most (48 cells), 0x96 three (21 sensors). */
const MAX_CELLS = 48;
const MAX_SENSORS = 21;

export class DalyLinkReader {
  private readonly splitter = new DalyFrameSplitter();
  private readonly counters = {
    requests: 0,
    retries: 0,
    timeouts: 0,
    decodeErrors: 0,
    unexpectedFrames: 0,
    extraFrames: 0,
    echoes: 0,
    missingFrames: 0,
  };
  private last: LastValues = {};
  /** Set while a frame is offered, when a multi-frame collector kept it without finishing. */
  private took = false;

  constructor(private readonly options: DalyLinkReaderOptions) {}

  get stats() {
    return { ...this.counters, ...this.splitter.stats };
  }

  /** One poll cycle. Only the first read (0x90) failing fails the cycle; later failures are problems. */
  async readCycle(): Promise<{ data: DalyPartialCycle; problems: BridgeError[]; warnings: DalyWarning[] }> {
    // Retried once: a frame lost to noise should not cost a whole cycle.
    const { soc } = await this.single('soc', 2);
    const problems: BridgeError[] = [];
    const warnings: DalyWarning[] = [];
    const keep = <K extends keyof LastValues>(key: K, get: () => Promise<NonNullable<LastValues[K]>>) =>
      this.keep(key, get, problems);
    const cellVoltageRange = await keep('cellVoltageRange', async () => (await this.single('cellVoltageRange')).range);
    const temperatureRange = await keep('temperatureRange', async () => (await this.single('temperatureRange')).range);
    const mos = await keep('mos', async () => (await this.single('mosStatus')).mos);
    const status = await keep('status', async () => (await this.single('statusInfo')).status);
    const cellsV =
      status && (await this.multi('cellVoltages', Math.min(status.value.cellCount, MAX_CELLS), warnings, problems));
    const temperaturesC =
      status && (await this.multi('temperatures', Math.min(status.value.sensorCount, MAX_SENSORS), warnings, problems));
    const alarms = await keep('alarms', async () => (await this.single('alarms')).alarms);
    const data: DalyPartialCycle = { at: this.options.clock.now(), soc };
    Object.assign(data, defined({ cellVoltageRange, temperatureRange, mos, status, cellsV, temperaturesC, alarms }));
    return { data, problems, warnings };
  }

  /** Every chunk from the transport, while the link runs. */
  onBytes(bytes: Uint8Array): void {
    for (const result of this.splitter.push(bytes)) {
      if (result.type === 'discarded') {
        this.options.onDiscard(result);
        continue;
      }
      // Our own request read back, as half-duplex RS485 adapters do.
      if (isHostAddress(result.frame[1] ?? 0)) {
        this.counters.echoes++;
        continue;
      }
      let inbound: DalyInbound;
      try {
        inbound = decodeResponse(result.frame);
      } catch (err) {
        this.counters.decodeErrors++;
        inbound = { kind: 'undecodable', id: result.frame[2] ?? 0, error: asLinkError(err, 'BMS') };
      }
      this.took = false;
      if (this.options.session.waiter.offer(inbound) || this.took) continue;
      // Boards send more 0x95/0x96 frames than the counts need (all 16 behind a Bluetooth module).
      if (inbound.kind === 'cellVoltages' || inbound.kind === 'temperatures') this.counters.extraFrames++;
      else this.counters.unexpectedFrames++;
    }
  }

  private async keep<K extends keyof LastValues>(
    key: K,
    get: () => Promise<NonNullable<LastValues[K]>>,
    problems: BridgeError[],
  ): Promise<Reading<NonNullable<LastValues[K]>> | undefined> {
    try {
      const value = await get();
      this.last[key] = value;
      return { value, stale: false };
    } catch (err) {
      if (!this.options.session.running || isBridgeError(err, BridgeErrorCode.ABORTED)) throw err;
      problems.push(asLinkError(err, 'BMS'));
      const previous = this.last[key];
      return previous === undefined ? undefined : { value: previous as NonNullable<LastValues[K]>, stale: true };
    }
  }

  /** 0x95 or 0x96: all frames, or the ones that came, merged with the last good values. */
  private async multi(
    kind: 'cellVoltages' | 'temperatures',
    items: number,
    warnings: DalyWarning[],
    problems: BridgeError[],
  ): Promise<Reading<number[]> | undefined> {
    if (items === 0) return { value: [], stale: false };
    const key = kind === 'cellVoltages' ? 'cellsV' : 'temperaturesC';
    const perFrame = kind === 'cellVoltages' ? DALY_CELLS_PER_FRAME : DALY_TEMPERATURES_PER_FRAME;
    const previous = this.last[key];
    let collector: FrameCollector<number[]>;
    try {
      collector = await this.collect(kind, Math.ceil(items / perFrame));
    } catch (err) {
      if (!this.options.session.running || isBridgeError(err, BridgeErrorCode.ABORTED)) throw err;
      problems.push(asLinkError(err, 'BMS'));
      return previous === undefined ? undefined : { value: previous, stale: true };
    }
    const values = collector
      .ordered()
      .flatMap((frame) => frame ?? Array<number | undefined>(perFrame).fill(undefined))
      .slice(0, items);
    const missing = collector.missing();
    if (missing.length === 0) {
      const complete = values as number[];
      this.last[key] = complete;
      return { value: complete, stale: false };
    }
    this.counters.missingFrames += missing.length;
    warnings.push({ kind: 'frames-missing', at: this.options.clock.now(), id: DalyDataId[kind], missing });
    if (previous?.length !== items) return undefined;
    return { value: values.map((v, i) => v ?? previous[i] ?? 0), stale: true };
  }

  private async collect(kind: 'cellVoltages' | 'temperatures', frames: number): Promise<FrameCollector<number[]>> {
    const id = DalyDataId[kind];
    const collector = new FrameCollector<number[]>(frames);
    const wait = this.options.session.waiter.waitFor(
      (m) => {
        if (m.kind !== kind) return false;
        this.took = true;
        this.options.session.markAnswered();
        if (m.kind === 'cellVoltages') return collector.add(m.cells.frame, m.cells.cellsV);
        return m.kind === 'temperatures' && collector.add(m.temperatures.frame, m.temperatures.temperaturesC);
      },
      this.options.multiFrameTimeoutMs,
      `Daly read 0x${hex(id)}`,
    );
    try {
      await this.send(id, wait);
    } catch (err) {
      if (!isBridgeError(err, BridgeErrorCode.TIMEOUT)) throw err;
      this.counters.timeouts++;
    }
    return collector;
  }

  private async single<K extends SingleKind>(kind: K, attempts = 1): Promise<Extract<DalyResponse, { kind: K }>> {
    const id = DalyDataId[kind];
    for (let attempt = 1; ; attempt++) {
      const { waiter } = this.options.session;
      const wait = waiter.waitFor((m) => m.id === id, this.options.responseTimeoutMs, `Daly read 0x${hex(id)}`);
      let answer: DalyInbound;
      try {
        answer = await this.send(id, wait);
      } catch (err) {
        if (isBridgeError(err, BridgeErrorCode.TIMEOUT)) {
          this.counters.timeouts++;
          if (attempt < attempts && this.options.session.running) {
            this.counters.retries++;
            continue;
          }
        }
        throw err;
      }
      this.options.session.markAnswered();
      if (answer.kind === 'undecodable') throw answer.error;
      // Matched on the id, and decodeResponse picks the kind from the id.
      return answer as Extract<DalyResponse, { kind: K }>;
    }
  }

  /** Writes one read after its wait is in place, so a fast answer finds it. */
  private send(id: number, wait: WaitHandle<DalyInbound>): Promise<DalyInbound> {
    this.counters.requests++;
    return this.options.session.send(encodeReadRequest(id, this.options.link), wait);
  }
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
