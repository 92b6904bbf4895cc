import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { mulberry32 } from '../simulation/random.js';
import type { ByteTransport } from '../transport/transport.js';
import { encodeSentence } from './encode.js';
import { type LatLon, Route, VAULX_EN_VELIN_LOOP } from './route.js';
import type { GsaSentence, NmeaDate, NmeaSentence } from './sentences.js';
import { KNOTS_TO_KMH } from './sentences.js';

/**
 * A GPS receiver on the far end of a transport: every `intervalMs` it sends one epoch of real
 * NMEA (RMC, VTG, GGA, GSA — u-blox order), riding a loop, parked with jitter, or without a fix.
 *
 * Scenarios:
 * - ride: moving along the route at `speedKmh`;
 * - park: standing still; position and speed jitter by a metre or two, as a parked receiver does;
 * - cold-start: no time, no date, no position (empty fields), like a receiver just powered on;
 * - bridge: still moving, time and date known, but no fix (status V, quality 0).
 * `noisy` adds garbage between sentences and corrupts about one sentence in twenty.
 */
export type NmeaScenario = 'ride' | 'park' | 'cold-start' | 'bridge';

export interface NmeaSimulatorOptions {
  transport: ByteTransport;
  clock?: Clock;
  scenario?: NmeaScenario;
  /** GP (GPS only, one GSA) or GN (GPS + Galileo, one GSA per system). Default GN. */
  talker?: 'GP' | 'GN';
  speedKmh?: number;
  intervalMs?: number;
  noisy?: boolean;
  /** Seed of the jitter and noise, so a run can be replayed. */
  seed?: number;
  route?: readonly LatLon[];
}

export interface NmeaSimulatorStats {
  epochs: number;
  sentences: number;
  garbageBytes: number;
  corruptedSentences: number;
  writeErrors: number;
}

const GPS_PRNS = [2, 5, 12, 15, 18, 24, 25, 29];
const GALILEO_PRNS = [4, 11, 19, 36];
/** Vaulx-en-Velin stands about 170 m above sea level; the geoid is ~49.6 m above the ellipsoid there. */
const ALTITUDE_M = 171.8;
const GEOID_SEPARATION_M = 49.6;
const METRES_PER_DEG_LAT = 111_320;

export class NmeaSimulator {
  scenario: NmeaScenario;
  noisy: boolean;
  speedKmh: number;
  readonly talker: 'GP' | 'GN';
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly route: Route;
  private readonly random: () => number;
  private readonly counters = { epochs: 0, sentences: 0, garbageBytes: 0, corruptedSentences: 0, writeErrors: 0 };
  private travelledM = 0;
  private lastTickAt: number;
  private timer: TimerHandle | undefined;

  constructor(options: NmeaSimulatorOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.scenario = options.scenario ?? 'ride';
    this.talker = options.talker ?? 'GN';
    this.speedKmh = options.speedKmh ?? 14;
    this.intervalMs = options.intervalMs ?? 1000;
    this.noisy = options.noisy ?? false;
    if (!Number.isFinite(this.speedKmh) || this.speedKmh < 0) throw invalid('speedKmh', this.speedKmh);
    if (!Number.isFinite(this.intervalMs) || this.intervalMs < 10) throw invalid('intervalMs', this.intervalMs);
    this.route = new Route(options.route ?? VAULX_EN_VELIN_LOOP);
    this.random = mulberry32(options.seed ?? 0x6e6d6561);
    this.lastTickAt = this.clock.now();
  }

  get stats(): NmeaSimulatorStats {
    return { ...this.counters };
  }

  /** Where the tricycle really is, whatever the receiver reports. */
  truth(): LatLon & { courseDeg: number; travelledM: number } {
    return { ...this.route.at(this.travelledM), travelledM: this.travelledM };
  }

  /** Sends the first epoch at once, then one every intervalMs. */
  start(): void {
    if (this.timer !== undefined) return;
    this.lastTickAt = this.clock.now();
    this.tick();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The sentences of the epoch at the current clock time (moving the tricycle first). */
  epoch(): NmeaSentence[] {
    const now = this.clock.now();
    if (this.scenario === 'ride' || this.scenario === 'bridge') {
      this.travelledM += (this.speedKmh / 3.6) * ((now - this.lastTickAt) / 1000);
    }
    this.lastTickAt = now;
    const talker = this.talker;
    if (this.scenario === 'cold-start') {
      return [
        { type: 'RMC', talker, status: 'V', mode: 'N' },
        { type: 'VTG', talker, mode: 'N' },
        { type: 'GGA', talker, quality: 0, satellites: 0, hdop: 99.99 },
        ...this.gsa(1, [], [], 99.99),
      ];
    }
    // Hundredths of a second, as u-blox prints them.
    const timeMs = Math.floor((now % 86_400_000) / 10) * 10;
    const day = new Date(now);
    const date: NmeaDate = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
    if (this.scenario === 'bridge') {
      return [
        { type: 'RMC', talker, timeMs, status: 'V', date, mode: 'N' },
        { type: 'VTG', talker, mode: 'N' },
        { type: 'GGA', talker, timeMs, quality: 0, satellites: 2, hdop: 99.99 },
        ...this.gsa(1, GPS_PRNS.slice(0, 2), [], 99.99),
      ];
    }
    const here = this.route.at(this.travelledM);
    let { lat, lon, courseDeg } = here;
    let speedKmh = this.speedKmh;
    if (this.scenario === 'park') {
      // A parked receiver wanders by a metre or two and reports a crawl in a random direction.
      lat += ((this.random() - 0.5) * 3) / METRES_PER_DEG_LAT;
      lon += ((this.random() - 0.5) * 3) / (METRES_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));
      speedKmh = this.random() * 0.4;
      courseDeg = this.random() * 359.99;
    }
    const knots = round(speedKmh / KNOTS_TO_KMH, 3);
    const course = round(courseDeg, 2);
    return [
      { type: 'RMC', talker, timeMs, status: 'A', lat, lon, speedKnots: knots, courseDeg: course, date, mode: 'A' },
      { type: 'VTG', talker, courseTrueDeg: course, speedKnots: knots, speedKmh: round(speedKmh, 3), mode: 'A' },
      {
        type: 'GGA',
        talker,
        timeMs,
        lat,
        lon,
        quality: 1,
        satellites: GPS_PRNS.length + (talker === 'GN' ? GALILEO_PRNS.length : 0),
        hdop: 0.92,
        altitudeM: ALTITUDE_M,
        geoidSeparationM: GEOID_SEPARATION_M,
      },
      ...this.gsa(3, GPS_PRNS, GALILEO_PRNS, 0.92),
    ];
  }

  private gsa(fixType: 1 | 3, gps: number[], galileo: number[], hdop: number): GsaSentence[] {
    const dops = fixType === 3 ? { pdop: 1.61, hdop, vdop: 1.32 } : { pdop: 99.99, hdop, vdop: 99.99 };
    if (this.talker === 'GP') return [{ type: 'GSA', talker: 'GP', selection: 'A', fixType, prns: gps, ...dops }];
    // NMEA 4.10 receivers send one GSA per constellation, told apart by the system id.
    return [
      { type: 'GSA', talker: 'GN', selection: 'A', fixType, prns: gps, ...dops, systemId: 1 },
      { type: 'GSA', talker: 'GN', selection: 'A', fixType, prns: galileo, ...dops, systemId: 3 },
    ];
  }

  private tick(): void {
    const parts: Uint8Array[] = [];
    for (const sentence of this.epoch()) {
      if (this.noisy) parts.push(this.garbage());
      parts.push(this.maybeCorrupt(encodeSentence(sentence)));
      this.counters.sentences++;
    }
    this.counters.epochs++;
    this.transport.write(concat(parts)).catch(() => {
      this.counters.writeErrors++;
    });
    this.timer = this.clock.setTimeout(() => this.tick(), this.intervalMs);
  }

  /** Line noise between sentences: nothing most of the time, else a few bytes with stray '$' and line ends. */
  private garbage(): Uint8Array {
    if (this.random() < 0.6) return new Uint8Array(0);
    const bytes = Uint8Array.from({ length: 1 + Math.floor(this.random() * 12) }, () => {
      const r = this.random();
      return r < 0.1 ? 0x24 : r < 0.2 ? 0x0a : r < 0.25 ? 0x0d : Math.floor(this.random() * 256);
    });
    this.counters.garbageBytes += bytes.length;
    return bytes;
  }

  private maybeCorrupt(sentence: Uint8Array): Uint8Array {
    if (!this.noisy || this.random() >= 0.05) return sentence;
    // Flip one low bit inside the body: printable stays printable, the checksum no longer matches.
    const at = 1 + Math.floor(this.random() * (sentence.length - 6));
    sentence[at] = (sentence[at] as number) ^ 0x01;
    this.counters.corruptedSentences++;
    return sentence;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

function invalid(name: string, value: number): BridgeError {
  return new BridgeError(BridgeErrorCode.OPTION_INVALID, `simulator ${name} = ${value} is invalid`);
}
