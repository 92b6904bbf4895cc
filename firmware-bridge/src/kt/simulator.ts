import { type Clock, systemClock } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { LineEmitter } from '../simulation/emitter.js';
import type { ByteTransport } from '../transport/transport.js';
import { encodeControllerFrame, encodeLcdFrame, KT_STOPPED_PERIOD_MS } from './codec.js';
import { KT_WHEEL_SIZES } from './tables.js';

/**
 * A KT controller and its LCD on one line, for tests and demos: every interval the LCD sends its
 * 13-byte settings frame and the controller answers with its 12-byte status, as on a real bike
 * (EBiCS answers each valid LCD frame). Unlike the sniffer it transmits: it plays the devices.
 */
export type KtScenario = 'ride' | 'park' | 'fault' | 'noisy';

export interface KtSimulatorOptions {
  transport: ByteTransport;
  clock?: Clock;
  scenario?: KtScenario;
  intervalMs?: number;
  /** LCD wheel size code; 0x14 is 26" (2.0625 m). */
  wheelSizeCode?: number;
  nominalVoltageV?: number;
  /** The LCD's checksum key: 2 for the LCD3 in the OSEC notes. */
  lcdChecksumKey?: number;
  /** park: how long the bike stands before the display is switched off. */
  sleepAfterMs?: number;
  /** fault: the error byte the controller reports (0x21 short circuit by default). */
  faultCode?: number;
  /** noisy: seed of the garbage between frames, and how many bytes at most per gap. */
  seed?: number;
  noiseBytes?: number;
}

export interface KtSimulatorStats {
  lcdFrames: number;
  controllerFrames: number;
  noiseBytes: number;
  writeErrors: number;
}

/** Fixed LCD parameters, taken from the LCD3 example frame in the OSEC notes. */
const LCD_BASE = {
  p5: 12,
  p1: 160,
  p2: 1,
  p3: 1,
  p4: 0,
  c1: 2,
  c2: 2,
  c4: 0,
  c5: 10,
  c12: 4,
  c13: 0,
  c14: 2,
  l1: 0,
  l3: 0,
  terminator: 0x32,
  spareBits: { b1: 0, b6: 0, b7: 0, b8: 0, b9: 0, b10: 0 },
};

export class KtSimulator {
  speedKmh: number;
  currentA: number;
  motorTempC: number;
  assistLevel = 3;
  light = false;
  errorCode: number;
  readonly scenario: KtScenario;
  private readonly wheelSizeCode: number;
  private readonly circumferenceM: number;
  private readonly nominalVoltageV: number;
  private readonly key: number;
  private readonly line: LineEmitter<'lcdFrames' | 'controllerFrames'>;

  constructor(options: KtSimulatorOptions) {
    this.scenario = options.scenario ?? 'ride';
    const intervalMs = options.intervalMs ?? 200;
    this.wheelSizeCode = options.wheelSizeCode ?? 0x14;
    const wheel = KT_WHEEL_SIZES.get(this.wheelSizeCode)?.circumferenceM;
    if (wheel === undefined) throw invalid('wheelSizeCode', this.wheelSizeCode, 'a code with a known circumference');
    if (!(intervalMs > 0)) throw invalid('intervalMs', intervalMs, 'a positive number');
    this.circumferenceM = wheel;
    this.nominalVoltageV = options.nominalVoltageV ?? 48;
    this.key = options.lcdChecksumKey ?? 2;
    this.line = new LineEmitter({
      transport: options.transport,
      clock: options.clock ?? systemClock,
      intervalMs,
      counters: ['lcdFrames', 'controllerFrames'],
      tick: () => {
        this.line.send(this.lcdFrame(), 'lcdFrames');
        this.line.send(this.controllerFrame(), 'controllerFrames');
      },
      sleepAfterMs: this.scenario === 'park' ? (options.sleepAfterMs ?? 10_000) : undefined,
      noise: this.scenario === 'noisy' ? { seed: options.seed ?? 1, maxBytes: options.noiseBytes ?? 6 } : undefined,
    });
    const riding = this.scenario === 'ride' || this.scenario === 'noisy';
    this.speedKmh = riding ? 20 : 0;
    this.currentA = riding ? 8 : 0;
    this.motorTempC = riding ? 45 : 25;
    this.errorCode = this.scenario === 'fault' ? (options.faultCode ?? 0x21) : 0;
  }

  get stats(): KtSimulatorStats {
    return this.line.stats;
  }

  /** False once the display is switched off (park scenario, or by hand): the line goes quiet. */
  get displayOn(): boolean {
    return this.line.displayOn;
  }

  set displayOn(value: boolean) {
    this.line.displayOn = value;
  }

  /** The period the controller reports for the current speed. */
  get wheelPeriodMs(): number {
    if (this.speedKmh <= 0) return KT_STOPPED_PERIOD_MS;
    return Math.min(KT_STOPPED_PERIOD_MS, Math.round((this.circumferenceM * 3600) / this.speedKmh));
  }

  start(): void {
    this.line.start();
  }

  stop(): void {
    this.line.stop();
  }

  private lcdFrame(): Uint8Array {
    return encodeLcdFrame({
      ...LCD_BASE,
      assistLevel: this.assistLevel,
      light: this.light,
      maxSpeedKmh: 25,
      wheelSizeCode: this.wheelSizeCode,
      checksumKey: this.key,
    });
  }

  private controllerFrame(): Uint8Array {
    const moving = this.speedKmh > 0;
    return encodeControllerFrame({
      batteryLevel: 12,
      nominalVoltageV: this.nominalVoltageV,
      wheelPeriodMs: this.wheelPeriodMs,
      errorCode: this.errorCode,
      // Bit 4 "assist" while the motor helps, as the LCD3 notes describe.
      modeBits: moving && this.currentA > 0 ? 0x10 : 0,
      currentA: Math.min(63.75, Math.max(0, this.currentA)),
      motorTempC: Math.round(this.motorTempC),
      reserved: [0, 0],
    });
  }
}

function invalid(name: string, value: unknown, wanted: string): BridgeError {
  return new BridgeError(BridgeErrorCode.OPTION_INVALID, `simulator ${name} = ${String(value)}: expected ${wanted}`);
}
