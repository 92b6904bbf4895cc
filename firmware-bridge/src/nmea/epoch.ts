import type { GpsFix } from '../samples.js';
import type { GgaSentence, GsaSentence, NmeaSentence, RmcSentence, VtgSentence } from './sentences.js';
import { KNOTS_TO_KMH } from './sentences.js';

/**
 * Groups the GGA, RMC, GSA and VTG of one navigation epoch. Pure: no timers (the receiver adds
 * the timeout for an epoch nothing closes).
 *
 * An epoch ends when a sentence carries another time, when a talker+type repeats, or as soon as
 * it matches the shape of the last complete epoch (same count, same last sentence): receivers
 * send the same cycle every second, so after one full cycle each epoch closes on its own last
 * sentence instead of waiting a second for the next one. GSA and VTG carry no time; they belong
 * to the epoch they arrive in, as every receiver sends them after its first timed sentence.
 */
export interface NmeaEpoch {
  /** UTC time of day shared by the timed sentences, when any carried one. */
  timeMs?: number;
  /** The GGA used; 'GN' (combined) wins over single-system talkers. */
  gga?: GgaSentence;
  rmc?: RmcSentence;
  vtg?: VtgSentence;
  gsa: GsaSentence[];
  /** GGA/RMC/GSA/VTG sentences merged, whatever their talker. */
  sentences: number;
}

interface OpenEpoch extends NmeaEpoch {
  keys: Set<string>;
  lastKey: string;
}

/** `complete`: closed by the next epoch's first sentence or its own learned shape, not by a timeout. */
export type EpochListener = (epoch: NmeaEpoch, complete: boolean) => void;

export class EpochAssembler {
  private current: OpenEpoch | undefined;
  private shape: { sentences: number; lastKey: string } | undefined;

  constructor(private readonly listener: EpochListener) {}

  /** True while an epoch has sentences and has not been closed. */
  get open(): boolean {
    return this.current !== undefined;
  }

  push(sentence: NmeaSentence): void {
    if (sentence.type === 'other') return;
    const key = sentence.talker + sentence.type;
    const time = sentence.type === 'GGA' || sentence.type === 'RMC' ? sentence.timeMs : undefined;
    let epoch = this.current;
    if (epoch !== undefined) {
      const newTime = time !== undefined && epoch.timeMs !== undefined && time !== epoch.timeMs;
      if (newTime || (sentence.type !== 'GSA' && epoch.keys.has(key))) {
        // The previous epoch is over, and it was whole: learn its shape.
        this.shape = { sentences: epoch.sentences, lastKey: epoch.lastKey };
        this.close(true);
        epoch = undefined;
      }
    }
    epoch ??= this.current = { gsa: [], sentences: 0, keys: new Set(), lastKey: '' };
    epoch.keys.add(key);
    epoch.sentences++;
    epoch.lastKey = key;
    if (time !== undefined) epoch.timeMs ??= time;
    switch (sentence.type) {
      case 'GGA':
        if (preferred(epoch.gga, sentence)) epoch.gga = sentence;
        break;
      case 'RMC':
        if (preferred(epoch.rmc, sentence)) epoch.rmc = sentence;
        break;
      case 'VTG':
        if (preferred(epoch.vtg, sentence)) epoch.vtg = sentence;
        break;
      case 'GSA':
        epoch.gsa.push(sentence);
        break;
    }
    if (this.shape !== undefined && epoch.sentences === this.shape.sentences && key === this.shape.lastKey) {
      this.close(true);
    }
  }

  /** Closes the open epoch, if any (the receiver's timeout). */
  flush(): void {
    if (this.current !== undefined) this.close(false);
  }

  private close(complete: boolean): void {
    const epoch = this.current;
    if (epoch === undefined) return;
    this.current = undefined;
    const { keys: _keys, lastKey: _lastKey, ...closed } = epoch;
    this.listener(closed, complete);
  }
}

function preferred<T extends { talker: string }>(kept: T | undefined, candidate: T): boolean {
  return kept === undefined || (candidate.talker === 'GN' && kept.talker !== 'GN');
}

/** What one epoch says, before any plausibility check. */
export interface RawPosition {
  /** Clock time the epoch was closed. */
  at: number;
  fix: GpsFix;
  lat?: number;
  lon?: number;
  speedKmh?: number;
  courseDeg?: number;
  altitudeM?: number;
  satellites?: number;
  hdop?: number;
  gpsTime?: number;
}

const FIX_BY_TYPE: Record<number, GpsFix> = { 1: 'none', 2: '2d', 3: '3d' };

export function epochToRaw(epoch: NmeaEpoch, at: number): RawPosition {
  const { gga, rmc, vtg, gsa } = epoch;
  const raw: RawPosition = { at, fix: fixOf(epoch) };
  const located = gga?.lat !== undefined && gga.lon !== undefined ? gga : rmc;
  if (located?.lat !== undefined && located.lon !== undefined) {
    raw.lat = located.lat;
    raw.lon = located.lon;
  }
  const knots = vtg?.speedKnots ?? rmc?.speedKnots;
  const speedKmh = vtg?.speedKmh ?? (knots === undefined ? undefined : knots * KNOTS_TO_KMH);
  if (speedKmh !== undefined) raw.speedKmh = speedKmh;
  const course = vtg?.courseTrueDeg ?? rmc?.courseDeg;
  if (course !== undefined) raw.courseDeg = course;
  if (gga?.altitudeM !== undefined) raw.altitudeM = gga.altitudeM;
  // u-blox caps GGA at 12 satellites; the GSAs (one per constellation) list them all.
  const listed = gsa.length === 0 ? undefined : gsa.reduce((n, s) => n + s.prns.length, 0);
  const satellites = Math.max(gga?.satellites ?? -1, listed ?? -1);
  if (satellites >= 0) raw.satellites = satellites;
  const hdop = gga?.hdop ?? gsa.find((s) => s.hdop !== undefined)?.hdop;
  if (hdop !== undefined) raw.hdop = hdop;
  // A receiver without a fix may print its unsynchronised RTC: only a valid RMC sets the clock.
  if (rmc?.status === 'A' && rmc.date !== undefined && rmc.timeMs !== undefined) {
    raw.gpsTime = Date.UTC(rmc.date.year, rmc.date.month - 1, rmc.date.day) + rmc.timeMs;
  }
  return raw;
}

function fixOf({ gga, rmc, gsa }: NmeaEpoch): GpsFix {
  if (rmc?.status === 'V' || gga?.quality === 0) return 'none';
  const fixType = gsa.reduce((best, s) => Math.max(best, s.fixType ?? 0), 0);
  if (fixType > 0) return FIX_BY_TYPE[fixType] ?? 'none';
  if (gga?.quality !== undefined) return gga.altitudeM === undefined ? '2d' : '3d';
  return rmc?.status === 'A' ? '2d' : 'none';
}
