/**
 * NMEA 0183 sentences as the bridge uses them. An empty field is `undefined` (absent), never 0:
 * a GPS without a fix sends empty fields, and 0 °N 0 °E is a real place.
 */

/** Talkers seen on GNSS receivers: GPS, combined, GLONASS, Galileo, BeiDou (two spellings), QZSS (two), NavIC. */
export const NMEA_TALKERS = ['GP', 'GN', 'GL', 'GA', 'GB', 'BD', 'GQ', 'QZ', 'GI'] as const;

export interface NmeaDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

export interface GgaSentence {
  type: 'GGA';
  talker: string;
  /** UTC time of day of the fix, ms since midnight. */
  timeMs?: number;
  /** Degrees, north positive. */
  lat?: number;
  /** Degrees, east positive. */
  lon?: number;
  /** 0 no fix, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning, … */
  quality?: number;
  satellites?: number;
  hdop?: number;
  /** Above mean sea level. */
  altitudeM?: number;
  geoidSeparationM?: number;
}

export interface RmcSentence {
  type: 'RMC';
  talker: string;
  timeMs?: number;
  /** A = data valid, V = warning (no fix). */
  status?: 'A' | 'V';
  lat?: number;
  lon?: number;
  speedKnots?: number;
  /** Course over ground, degrees true. */
  courseDeg?: number;
  date?: NmeaDate;
  /** East positive. */
  magneticVariationDeg?: number;
  /** NMEA 2.3+ mode indicator: A autonomous, D differential, E estimated, N not valid, … */
  mode?: string;
}

export interface GsaSentence {
  type: 'GSA';
  talker: string;
  /** A = automatic 2D/3D, M = manual. */
  selection?: 'A' | 'M';
  /** 1 no fix, 2 2D, 3 3D. */
  fixType?: 1 | 2 | 3;
  /** Satellites used in the solution, in the order sent. */
  prns: number[];
  pdop?: number;
  hdop?: number;
  vdop?: number;
  /** NMEA 4.10+: 1 GPS, 2 GLONASS, 3 Galileo, 4 BeiDou, 5 QZSS, 6 NavIC. */
  systemId?: number;
}

export interface VtgSentence {
  type: 'VTG';
  talker: string;
  courseTrueDeg?: number;
  courseMagneticDeg?: number;
  speedKnots?: number;
  speedKmh?: number;
  mode?: string;
}

/** Any other well-formed sentence (GSV, GLL, ZDA, TXT, proprietary $P…): kept as raw fields. */
export interface OtherSentence {
  type: 'other';
  /** Two letters, or 'P' for a proprietary sentence. */
  talker: string;
  /** The whole address field, e.g. 'GPGSV' or 'PUBX'. */
  address: string;
  fields: string[];
}

export type NmeaSentence = GgaSentence | RmcSentence | GsaSentence | VtgSentence | OtherSentence;

export const KNOTS_TO_KMH = 1.852;
