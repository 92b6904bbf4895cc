import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { PositionSample, QualityMap } from '../samples.js';
import type { RawPosition } from './epoch.js';

/**
 * Turns raw fixes into PositionSamples with honest quality marks, for both the NMEA receiver and
 * the gpsd client. Nothing is hidden: an implausible value is kept and marked 'out-of-range'; a
 * lost fix repeats the last good position marked 'stale' for a while, then drops it.
 */
export interface PositionQualityOptions {
  /** Faster than this is implausible for a cargo tricycle, in km/h. Default 60. */
  maxSpeedKmh?: number;
  /** A fix with a worse HDOP is not trusted. Default 20. */
  maxHdop?: number;
  /** How long the last good position is repeated as 'stale' once the fix is lost; 0 never. Default 5 min. */
  staleForMs?: number;
  /** Consecutive fixes that agree with each other after a jump before the jump is believed. Default 3. */
  reanchorAfter?: number;
}

/** A PositionSample plus the age of a repeated position (a candidate for samples.ts). */
export interface GpsPositionSample extends PositionSample {
  /** Set with stale lat/lon: ms since the position was last measured. */
  fixAgeMs?: number;
}

/** Distance a fix may move beyond `maxSpeedKmh × Δt` before it counts as a jump: GPS noise plus one HDOP-sized error. */
const JUMP_SLACK_M = 25;
const EARTH_RADIUS_M = 6_371_000;

interface Fix {
  lat: number;
  lon: number;
  /** GPS time when known (replays run faster than real time), else clock time. */
  time: number;
}

export function checkQualityOptions(options: PositionQualityOptions): Required<PositionQualityOptions> {
  const resolved = {
    maxSpeedKmh: options.maxSpeedKmh ?? 60,
    maxHdop: options.maxHdop ?? 20,
    staleForMs: options.staleForMs ?? 300_000,
    reanchorAfter: options.reanchorAfter ?? 3,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `${name} = ${value} must be a finite number ≥ 0`);
    }
  }
  return resolved;
}

export class PositionGate {
  private readonly options: Required<PositionQualityOptions>;
  /** Last accepted fix: the reference for the jump check. */
  private anchor: Fix | undefined;
  /** Last accepted position, for stale repeats; `at` is clock time. */
  private lastGood: { lat: number; lon: number; altitudeM?: number; at: number } | undefined;
  /** Fixes that jumped away from the anchor but agree with each other. */
  private candidate: (Fix & { count: number }) | undefined;

  constructor(
    private readonly source: PositionSample['source'],
    options: PositionQualityOptions = {},
  ) {
    this.options = checkQualityOptions(options);
  }

  /** Forgets the past (a different receiver, a long gap). */
  reset(): void {
    this.anchor = undefined;
    this.lastGood = undefined;
    this.candidate = undefined;
  }

  apply(raw: RawPosition): GpsPositionSample {
    const { maxSpeedKmh, maxHdop } = this.options;
    const sample: GpsPositionSample = { kind: 'position', source: this.source, at: raw.at, fix: raw.fix };
    const quality: QualityMap<Omit<PositionSample, 'quality'>> = {};
    if (raw.satellites !== undefined) sample.satellites = raw.satellites;
    if (raw.hdop !== undefined) sample.hdop = raw.hdop;
    if (raw.gpsTime !== undefined) sample.gpsTime = raw.gpsTime;
    const badHdop = raw.hdop !== undefined && raw.hdop > maxHdop;
    if (badHdop) quality.hdop = 'out-of-range';

    if (raw.fix !== 'none' && raw.lat !== undefined && raw.lon !== undefined) {
      sample.lat = raw.lat;
      sample.lon = raw.lon;
      if (raw.altitudeM !== undefined) sample.altitudeM = raw.altitudeM;
      if (raw.speedKmh !== undefined) sample.speedKmh = raw.speedKmh;
      if (raw.courseDeg !== undefined) sample.courseDeg = raw.courseDeg;
      if (raw.speedKmh !== undefined && raw.speedKmh > maxSpeedKmh) quality.speedKmh = 'out-of-range';
      const fix = { lat: raw.lat, lon: raw.lon, time: raw.gpsTime ?? raw.at };
      // 0,0 ("null island") is what some receivers print before their first fix.
      const nullIsland = raw.lat === 0 && raw.lon === 0;
      if (badHdop || nullIsland || !this.believe(fix)) {
        quality.lat = 'out-of-range';
        quality.lon = 'out-of-range';
      } else {
        this.lastGood = { lat: raw.lat, lon: raw.lon, at: raw.at };
        if (raw.altitudeM !== undefined) this.lastGood.altitudeM = raw.altitudeM;
      }
    } else if (this.lastGood !== undefined && raw.at - this.lastGood.at <= this.options.staleForMs) {
      // Speed and course mean nothing without a fix; the last position still says where we were.
      sample.lat = this.lastGood.lat;
      sample.lon = this.lastGood.lon;
      quality.lat = 'stale';
      quality.lon = 'stale';
      if (this.lastGood.altitudeM !== undefined) {
        sample.altitudeM = this.lastGood.altitudeM;
        quality.altitudeM = 'stale';
      }
      sample.fixAgeMs = raw.at - this.lastGood.at;
    }
    if (Object.keys(quality).length > 0) sample.quality = quality;
    return sample;
  }

  /** The jump check: a fix must be reachable from the anchor at maxSpeedKmh, or be confirmed by the next ones. */
  private believe(fix: Fix): boolean {
    if (this.anchor === undefined || this.reachable(this.anchor, fix)) {
      this.anchor = fix;
      this.candidate = undefined;
      return true;
    }
    const count = this.candidate !== undefined && this.reachable(this.candidate, fix) ? this.candidate.count + 1 : 1;
    this.candidate = { ...fix, count };
    if (count < Math.max(1, this.options.reanchorAfter)) return false;
    // It really moved (carried in a van, a cold start far away): follow it.
    this.anchor = fix;
    this.candidate = undefined;
    return true;
  }

  private reachable(from: Fix, to: Fix): boolean {
    const seconds = Math.max(0, (to.time - from.time) / 1000);
    return distanceM(from, to) <= (this.options.maxSpeedKmh / 3.6) * seconds + JUMP_SLACK_M;
  }
}

/** Great-circle distance (haversine). */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
