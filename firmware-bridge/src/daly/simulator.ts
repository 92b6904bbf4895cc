import { type Clock, systemClock } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { ByteTransport } from '../transport/transport.js';
import type { DalyAlarmFlag } from './alarms.js';
import { DalyDataId, DalyHostAddress, decodeRequest, encodeResponse } from './codec.js';
import { DalyFrameSplitter } from './frame.js';
import { DalyPack, type DalyPackSnapshot } from './pack.js';
import { simulatedReplies } from './replies.js';

/**
 * A Daly BMS on the far end of a transport: it reads real A5 requests and answers with real
 * replies from address 0x01, including the numbered 0x95/0x96 frames, so drivers and demos
 * exercise the actual wire format. Like a real Daly, it stays silent when asleep.
 */
export type DalyScenario =
  /** Stop-and-go delivery riding: the current changes every 20 s of clock time. */
  | 'ride'
  /** Parked at rest, then asleep (no answers at all) after sleepAfterMs. */
  | 'park-then-sleep'
  /** On the charger at 10 A. */
  | 'charge'
  /** Discharge over-current tripped: discharge MOSFET open, level 1 and 2 alarms, a fault code. */
  | 'fault'
  /** Garbage bytes on the line before every frame. */
  | 'noisy-line';

export interface DalySimulatorOptions {
  transport: ByteTransport;
  clock?: Clock;
  /** Series cells (1–48); 13 makes a 48 V pack. */
  cells?: number;
  /** Temperature sensors (0–21). */
  sensors?: number;
  nominalAh?: number;
  initialSocPct?: number;
  /** Amperes out of the pack; negative charges it. Settable at runtime. */
  dischargeA?: number;
  /** Simulated time per clock time. */
  timeScale?: number;
  /** How this firmware puts the current on the wire: 1 = charging above 30000, −1 = below. */
  wireCurrentSign?: 1 | -1;
  /** Request addresses answered; others are ignored. Default 0x40 and 0x80. */
  hostAddresses?: number[];
  /** Ignore every request, like a sleeping Daly. Settable at runtime. */
  asleep?: boolean;
  /** Number 0x95/0x96 frames from 0 (the V1.2 text) instead of 1 (real boards). */
  frameBase?: 0 | 1;
  /** Send every frame the protocol has room for (16 cell frames, 3 temperature frames), as boards behind a Bluetooth module do. */
  allFrames?: boolean;
  /** Send multi-frame replies last frame first. */
  reverseFrames?: boolean;
  /** Frame numbers of 0x95/0x96 replies that never leave (lost on the line). Settable at runtime. */
  dropFrames?: number[];
  /** Alarms raised on top of what the pack raises itself. Settable at runtime. */
  alarms?: DalyAlarmFlag[];
  faultCode?: number;
  scenario?: DalyScenario;
  /** For 'park-then-sleep'. Default 120 s. */
  sleepAfterMs?: number;
  /** Seed of the 'noisy-line' garbage. */
  seed?: number;
  cycles?: number;
}

export interface DalySimulatorStats {
  requests: number;
  responses: number;
  framesSent: number;
  ignoredAsleep: number;
  ignoredAddress: number;
  ignoredUnknown: number;
  garbageBytes: number;
  discardEvents: number;
  discardedBytes: number;
  writeErrors: number;
}

const RIDE_PHASES_A = [18, 30, 6, 0];
const RIDE_PHASE_MS = 20_000;

export class DalySimulator {
  asleep: boolean;
  alarms: DalyAlarmFlag[];
  dropFrames: number[];
  faultCode: number;
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly pack: DalyPack;
  private readonly options: DalySimulatorOptions;
  private readonly cells: number;
  private readonly sensors: number;
  private readonly hostAddresses: Set<number>;
  private readonly splitter = new DalyFrameSplitter();
  private readonly counters = {
    requests: 0,
    responses: 0,
    framesSent: 0,
    ignoredAsleep: 0,
    ignoredAddress: 0,
    ignoredUnknown: 0,
    garbageBytes: 0,
    writeErrors: 0,
  };
  private readonly startedAt: number;
  private life = 0;
  private noise: number;
  private sleptOnce = false;
  private unsubscribe: (() => void) | undefined;

  constructor(options: DalySimulatorOptions) {
    this.options = options;
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.cells = options.cells ?? 13;
    this.sensors = options.sensors ?? 2;
    if (!Number.isInteger(this.cells) || this.cells < 1 || this.cells > 48) throw invalid('cells', this.cells, '1–48');
    if (!Number.isInteger(this.sensors) || this.sensors < 0 || this.sensors > 21) {
      throw invalid('sensors', this.sensors, '0–21');
    }
    const fault = options.scenario === 'fault';
    this.asleep = options.asleep ?? false;
    this.alarms = [
      ...(options.alarms ?? []),
      ...(fault ? (['dischargeOverCurrentL1', 'dischargeOverCurrentL2'] as const) : []),
    ];
    this.dropFrames = [...(options.dropFrames ?? [])];
    // Daly does not document its fault codes; 1 only shows that one is set.
    this.faultCode = options.faultCode ?? (fault ? 1 : 0);
    this.hostAddresses = new Set(options.hostAddresses ?? [DalyHostAddress.rs485, DalyHostAddress.uart]);
    this.noise = (options.seed ?? 0x5eed) >>> 0 || 1;
    this.startedAt = this.clock.now();
    const scenarioA = { charge: -10, fault: 0, 'park-then-sleep': 0, ride: RIDE_PHASES_A[0] ?? 0 } as const;
    this.pack = new DalyPack(
      {
        cells: this.cells,
        sensors: this.sensors,
        nominalAh: options.nominalAh ?? 20,
        initialSocPct: options.initialSocPct ?? 90,
        dischargeA: scenarioA[options.scenario as keyof typeof scenarioA] ?? options.dischargeA ?? 8,
        timeScale: options.timeScale ?? 1,
      },
      this.startedAt,
    );
  }

  get dischargeA(): number {
    return this.pack.dischargeA;
  }

  set dischargeA(amperes: number) {
    this.pack.snapshot(this.clock.now()); // book the charge moved at the old current first
    this.pack.dischargeA = amperes;
  }

  get stats(): DalySimulatorStats {
    const { discardEvents, discardedBytes } = this.splitter.stats;
    return { ...this.counters, discardEvents, discardedBytes };
  }

  snapshot(): DalyPackSnapshot {
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
      if (result.type !== 'frame') continue;
      const address = result.frame[1] ?? 0;
      // Other BMS replies on a shared bus, or requests to another host address.
      if (!this.hostAddresses.has(address)) {
        this.counters.ignoredAddress++;
        continue;
      }
      this.onRequest(decodeRequest(result.frame).id);
    }
  }

  private onRequest(id: number): void {
    this.counters.requests++;
    this.followScenario();
    if (this.asleep) {
      this.counters.ignoredAsleep++;
      return;
    }
    if (id === DalyDataId.mosStatus) this.life = (this.life + 1) & 0xff;
    const replies = simulatedReplies(id, this.snapshot(), {
      cells: this.cells,
      sensors: this.sensors,
      wireCurrentSign: this.options.wireCurrentSign ?? 1,
      dischargeBlocked: this.options.scenario === 'fault',
      life: this.life,
      alarms: this.alarms,
      faultCode: this.faultCode,
      cycles: this.options.cycles ?? 37,
      frameBase: this.options.frameBase ?? 1,
      allFrames: this.options.allFrames ?? false,
      reverseFrames: this.options.reverseFrames ?? false,
      dropFrames: this.dropFrames,
    });
    if (replies.length === 0) {
      this.counters.ignoredUnknown++;
      return;
    }
    const noisy = this.options.scenario === 'noisy-line';
    const bytes = replies.flatMap((reply) => [...(noisy ? this.garbage() : []), ...encodeResponse(reply)]);
    this.transport.write(Uint8Array.from(bytes)).then(
      () => {
        this.counters.responses++;
        this.counters.framesSent += replies.length;
      },
      () => {
        this.counters.writeErrors++;
      },
    );
  }

  /** Scenario changes that depend on time are applied when a request comes in: no timers needed. */
  private followScenario(): void {
    const elapsed = this.clock.now() - this.startedAt;
    if (this.options.scenario === 'ride') {
      const phase = RIDE_PHASES_A[Math.floor(elapsed / RIDE_PHASE_MS) % RIDE_PHASES_A.length] ?? 0;
      if (phase !== this.pack.dischargeA) this.dischargeA = phase;
    }
    if (
      this.options.scenario === 'park-then-sleep' &&
      !this.sleptOnce &&
      elapsed >= (this.options.sleepAfterMs ?? 120_000)
    ) {
      this.sleptOnce = true;
      this.asleep = true;
    }
  }

  /** 1–6 bytes of xorshift noise. Never 0xA5: noise that could start a frame belongs in the fuzz tests, not a demo. */
  private garbage(): number[] {
    const next = () => {
      this.noise ^= this.noise << 13;
      this.noise ^= this.noise >>> 17;
      this.noise ^= this.noise << 5;
      this.noise >>>= 0;
      return this.noise;
    };
    const bytes = Array.from({ length: 1 + (next() % 6) }, () => next() & 0xff).map((b) => (b === 0xa5 ? 0x5a : b));
    this.counters.garbageBytes += bytes.length;
    return bytes;
  }
}

function invalid(name: string, value: number, allowed: string): BridgeError {
  return new BridgeError(
    BridgeErrorCode.OPTION_INVALID,
    `Daly simulator ${name} = ${value} is out of range (${allowed})`,
  );
}
