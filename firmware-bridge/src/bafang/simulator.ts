import { type Clock, systemClock } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { LineEmitter } from '../simulation/emitter.js';
import type { ByteTransport } from '../transport/transport.js';
import { type BafangMessage, encodeBafangFrame, encodeSpeedLimit } from './codec.js';

/**
 * A Bafang display and its controller on one line, for tests and demos: the display polls status,
 * current, wheel speed, moving and battery in turn, one request every interval, and the controller
 * answers each at once, in bbs-fw's format. At start (and on every assist change) the display
 * also sends its write commands. Unlike the sniffer it transmits: it plays both devices.
 */
export type BafangScenario = 'ride' | 'park' | 'fault' | 'noisy';

export interface BafangSimulatorOptions {
  transport: ByteTransport;
  clock?: Clock;
  scenario?: BafangScenario;
  /** Time between two polls; a full round of five takes five intervals. */
  intervalMs?: number;
  wheelCircumferenceM?: number;
  /** park: how long the bike stands before the display is switched off. */
  sleepAfterMs?: number;
  /** fault: the status byte the controller reports (0x08, hall sensor, by default). */
  faultCode?: number;
  seed?: number;
  noiseBytes?: number;
}

export interface BafangSimulatorStats {
  requests: number;
  replies: number;
  writes: number;
  noiseBytes: number;
  writeErrors: number;
}

type Poll = 'status' | 'current' | 'wheelSpeed' | 'moving' | 'battery';
const ROUND: readonly Poll[] = ['status', 'current', 'wheelSpeed', 'moving', 'battery'];
const ASSIST_CODES = [0x00, 0x0b, 0x0d, 0x15, 0x17, 0x03]; // the 5-level display's codes

export class BafangSimulator {
  speedKmh: number;
  currentA: number;
  socPct = 80;
  status: number;
  lights = false;
  /** False makes the controller ignore the polls, as a dead or unpowered one would. */
  controllerAnswers = true;
  readonly scenario: BafangScenario;
  private readonly circumferenceM: number;
  private readonly line: LineEmitter<'requests' | 'replies' | 'writes'>;
  private level = 2;
  private next = 0;

  constructor(options: BafangSimulatorOptions) {
    this.scenario = options.scenario ?? 'ride';
    const intervalMs = options.intervalMs ?? 100;
    this.circumferenceM = options.wheelCircumferenceM ?? 2.0625;
    if (!(intervalMs > 0)) throw invalid('intervalMs', intervalMs);
    if (!(this.circumferenceM > 0)) throw invalid('wheelCircumferenceM', this.circumferenceM);
    this.line = new LineEmitter({
      transport: options.transport,
      clock: options.clock ?? systemClock,
      intervalMs,
      counters: ['requests', 'replies', 'writes'],
      tick: () => this.tick(),
      // At power-on, and again when switched back on, the display sends its settings.
      onWake: () => this.sendSettings(),
      sleepAfterMs: this.scenario === 'park' ? (options.sleepAfterMs ?? 10_000) : undefined,
      // Noise only before the display's bytes: the controller answers at once, and noise inside an
      // exchange would just turn it into an unanswered request, which the tests cover separately.
      noise:
        this.scenario === 'noisy'
          ? { seed: options.seed ?? 1, maxBytes: options.noiseBytes ?? 4, except: ['replies'] }
          : undefined,
    });
    const riding = this.scenario === 'ride' || this.scenario === 'noisy';
    this.speedKmh = riding ? 20 : 0;
    this.currentA = riding ? 8 : 0;
    this.status = this.scenario === 'fault' ? (options.faultCode ?? 0x08) : 0x01;
  }

  get stats(): BafangSimulatorStats {
    return this.line.stats;
  }

  get displayOn(): boolean {
    return this.line.displayOn;
  }

  set displayOn(value: boolean) {
    this.line.displayOn = value;
  }

  /** Assist level 0–5 as a 5-level display sends it; changing it sends 16 0B at once. */
  get assistLevel(): number {
    return this.level;
  }

  set assistLevel(level: number) {
    if (!Number.isInteger(level) || level < 0 || level > 5) throw invalid('assistLevel', level);
    this.level = level;
    if (this.line.running && this.line.displayOn) {
      this.write({ direction: 'write', kind: 'assistLevel', ...assist(level) }, 'writes');
    }
  }

  /** The wheel rpm the controller reports for the current speed. */
  get wheelRpm(): number {
    return Math.round((this.speedKmh * 1000) / 60 / this.circumferenceM);
  }

  start(): void {
    this.line.start();
  }

  stop(): void {
    this.line.stop();
  }

  private tick(): void {
    const poll = ROUND[this.next % ROUND.length] ?? 'status';
    this.next++;
    const exchange = encodeBafangFrame(this.reply(poll));
    this.line.send(exchange.subarray(0, 2), 'requests');
    if (this.controllerAnswers) this.line.send(exchange.subarray(2), 'replies');
  }

  private reply(poll: Poll): BafangMessage {
    switch (poll) {
      case 'status':
        return {
          direction: 'exchange',
          kind: 'status',
          code: this.status,
          faultCode: 0,
          faultName: '',
          braking: false,
        };
      case 'current':
        return {
          direction: 'exchange',
          kind: 'current',
          currentA: Math.min(127.5, Math.round(Math.max(0, this.currentA) * 2) / 2),
        };
      case 'wheelSpeed':
        return { direction: 'exchange', kind: 'wheelSpeed', wheelRpm: Math.min(0xffff, Math.max(0, this.wheelRpm)) };
      case 'moving':
        return { direction: 'exchange', kind: 'moving', moving: this.wheelRpm > 0 };
      case 'battery':
        return { direction: 'exchange', kind: 'battery', socPct: Math.min(100, Math.max(0, Math.round(this.socPct))) };
    }
  }

  private sendSettings(): void {
    this.write({ direction: 'write', kind: 'assistLevel', ...assist(this.level) }, 'writes');
    this.write({ direction: 'write', kind: 'lights', on: this.lights }, 'writes');
    // 25 km/h as a wheel rpm limit, the reading bbs-fw gives the 16 1F value.
    this.line.send(encodeSpeedLimit(Math.round(25_000 / 60 / this.circumferenceM)), 'writes');
  }

  private write(message: BafangMessage, counter: 'writes'): void {
    this.line.send(encodeBafangFrame(message), counter);
  }
}

function assist(level: number): { code: number; level: number | null; level5: number | null; walk: boolean } {
  return { code: ASSIST_CODES[level] ?? 0, level: null, level5: level, walk: false };
}

function invalid(name: string, value: unknown): BridgeError {
  return new BridgeError(BridgeErrorCode.OPTION_INVALID, `Bafang simulator ${name} = ${String(value)} is not valid`);
}
