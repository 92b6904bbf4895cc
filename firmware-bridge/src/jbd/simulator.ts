import { type Clock, systemClock } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { ProtectionFlag } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import {
  decodeRequest,
  encodeBasicInfo,
  encodeCellVoltages,
  encodeHardwareVersion,
  encodeResponse,
  JbdRegister,
  type JbdRequest,
  JbdStatus,
} from './codec.js';
import { JbdFrameSplitter } from './frame.js';
import { PackModel, type PackSnapshot } from './pack-model.js';

/**
 * A JBD BMS on the far end of a transport: it reads real request frames and answers with real
 * response frames, so drivers, demos and tests exercise the actual wire format.
 */
export interface JbdSimulatorOptions {
  transport: ByteTransport;
  clock?: Clock;
  /** Series cells; 13 makes a 48 V pack. */
  cells?: number;
  nominalAh?: number;
  initialSocPct?: number;
  /** Steady discharge current in amperes; negative charges the pack. Settable at runtime. */
  dischargeA?: number;
  /** Simulated time per clock time: 60 discharges the pack 60× faster, for demos. */
  timeScale?: number;
  /** Number of temperature probes. */
  ntc?: number;
  protection?: ProtectionFlag[];
  /** Ignore every request, like a parked BMS. Settable at runtime. */
  asleep?: boolean;
  /** Drop the first request after waking, as real JBD boards do. */
  dropFirstAfterWake?: boolean;
  /** Answer to register 0x05. */
  model?: string;
}

export interface JbdSimulatorStats {
  requests: number;
  responses: number;
  ignoredAsleep: number;
  droppedAfterWake: number;
  discardEvents: number;
  discardedBytes: number;
  writeErrors: number;
}

/** A fixed identity for the simulated board: made 2024-03-18, 37 cycles, firmware 0x21. */
const IDENTITY = { productionDate: { year: 2024, month: 3, day: 18 }, cycles: 37, softwareVersion: 0x21 };

export class JbdSimulator {
  dropFirstAfterWake: boolean;
  readonly model: string;
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly pack: PackModel;
  private readonly splitter = new JbdFrameSplitter({ direction: 'request' });
  private readonly counters = { requests: 0, responses: 0, ignoredAsleep: 0, droppedAfterWake: 0, writeErrors: 0 };
  private sleeping: boolean;
  private dropNext = false;
  private unsubscribe: (() => void) | undefined;

  constructor(options: JbdSimulatorOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.sleeping = options.asleep ?? false;
    this.dropFirstAfterWake = options.dropFirstAfterWake ?? false;
    this.model = options.model ?? 'TRIPORTEUR-SIM-JBD';
    const cells = options.cells ?? 13;
    const ntc = options.ntc ?? 2;
    // Fail at construction, not on the first request: the wire carries at most 32 balance bits.
    if (!Number.isInteger(cells) || cells < 1 || cells > 32) throw outOfRange('cells', cells, '1–32');
    if (!Number.isInteger(ntc) || ntc < 0 || ntc > 8) throw outOfRange('ntc', ntc, '0–8');
    this.pack = new PackModel(
      {
        cells,
        nominalAh: options.nominalAh ?? 20,
        initialSocPct: options.initialSocPct ?? 90,
        dischargeA: options.dischargeA ?? 8,
        timeScale: options.timeScale ?? 1,
        ntc,
        protection: options.protection ?? [],
      },
      this.clock.now(),
    );
  }

  get asleep(): boolean {
    return this.sleeping;
  }

  set asleep(value: boolean) {
    if (this.sleeping && !value && this.dropFirstAfterWake) this.dropNext = true;
    this.sleeping = value;
  }

  get dischargeA(): number {
    return this.pack.dischargeA;
  }

  set dischargeA(amperes: number) {
    this.pack.snapshot(this.clock.now()); // settle the charge used at the old current first
    this.pack.dischargeA = amperes;
  }

  get protection(): ProtectionFlag[] {
    return [...this.pack.protection];
  }

  set protection(flags: ProtectionFlag[]) {
    this.pack.protection = [...flags];
  }

  get stats(): JbdSimulatorStats {
    const { discardEvents, discardedBytes } = this.splitter.stats;
    return { ...this.counters, discardEvents, discardedBytes };
  }

  /** What the BMS would report right now. */
  snapshot(): PackSnapshot {
    return this.pack.snapshot(this.clock.now());
  }

  start(): void {
    this.unsubscribe ??= this.transport.onData((bytes) => this.onBytes(bytes));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onBytes(bytes: Uint8Array): void {
    for (const result of this.splitter.push(bytes)) {
      if (result.type === 'frame') this.onRequest(decodeRequest(result.frame));
    }
  }

  private onRequest(request: JbdRequest): void {
    this.counters.requests++;
    if (this.sleeping) {
      this.counters.ignoredAsleep++;
      return;
    }
    if (this.dropNext) {
      this.dropNext = false;
      this.counters.droppedAfterWake++;
      return;
    }
    this.transport.write(this.answer(request)).then(
      () => {
        this.counters.responses++;
      },
      () => {
        this.counters.writeErrors++;
      },
    );
  }

  private answer(request: JbdRequest): Uint8Array {
    // Read-only, like a BMS outside factory mode: writes and unknown registers get status 0x80.
    if (request.action === 'read') {
      switch (request.register) {
        case JbdRegister.basicInfo:
          return encodeResponse(request.register, JbdStatus.ok, this.basicInfo());
        case JbdRegister.cellVoltages:
          return encodeResponse(request.register, JbdStatus.ok, encodeCellVoltages(this.snapshot().cellsV));
        case JbdRegister.hardwareVersion:
          return encodeResponse(request.register, JbdStatus.ok, encodeHardwareVersion(this.model));
      }
    }
    return encodeResponse(request.register, JbdStatus.error, new Uint8Array(0));
  }

  private basicInfo(): Uint8Array {
    const pack = this.snapshot();
    return encodeBasicInfo({
      ...IDENTITY,
      voltageV: pack.voltageV,
      currentA: pack.currentA,
      remainingAh: pack.remainingAh,
      nominalAh: pack.nominalAh,
      // Balancing only while charging or at rest, on cells more than 5 mV above the lowest.
      balancing: pack.cellsV.map((v) => pack.currentA >= 0 && v - Math.min(...pack.cellsV) > 0.005),
      protection: pack.protection,
      protectionOtherBits: 0,
      socPct: Math.round(pack.socPct),
      fets: pack.fets,
      fetOtherBits: 0,
      cellCount: pack.cellsV.length,
      temperaturesC: pack.temperaturesC,
      extra: new Uint8Array(0),
    });
  }
}

function outOfRange(name: string, value: number, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `simulator ${name} = ${value} is out of range (${allowed})`);
}
