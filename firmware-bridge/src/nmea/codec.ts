import { BridgeError, BridgeErrorCode } from '../errors.js';
import { ascii, hexDigit, LETTERS, parseDecimal, parseDegreesMinutes, talkerOf, twoDigits } from './bytes.js';
import type {
  GgaSentence,
  GsaSentence,
  NmeaDate,
  NmeaSentence,
  OtherSentence,
  RmcSentence,
  VtgSentence,
} from './sentences.js';

/**
 * Decodes one NMEA sentence straight from its bytes. Pure, and built for a hot path: fields are
 * read in place (no split, no regex, no string per field), and only GGA/RMC/GSA/VTG are parsed.
 * Malformed input throws BRG_FRAME_INVALID; nothing else escapes.
 */
const DOLLAR = 0x24;
const STAR = 0x2a;
const COMMA = 0x2c;
const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;
const ZERO = 0x30;
const A = 0x41;
const Z = 0x5a;

/** Comma positions of the sentence being decoded; decode is synchronous, so one scratch array is safe. */
let commas = new Int32Array(128);
/** Field bounds of the sentence being decoded: field k runs [fieldFrom(k), fieldTo(k)). */
let fieldCount = 0;
let contentEnd = 0;

/** XOR of the bytes between '$' and '*' (or of a sentence body given without them). */
export function nmeaChecksum(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let xor = 0;
  for (let i = from; i < to; i++) xor ^= bytes[i] as number;
  return xor;
}

/** Decodes one sentence, with or without its line end. A missing checksum is accepted; a wrong one is not. */
export function decodeSentence(frame: Uint8Array): NmeaSentence {
  let end = frame.length;
  while (end > 0 && (frame[end - 1] === LF || frame[end - 1] === CR)) end--;
  if (frame[0] !== DOLLAR || end < 2) throw invalid('a sentence starts with $');
  contentEnd = end;
  let count = 0;
  let starAt = -1;
  let xor = 0;
  if (commas.length < end) commas = new Int32Array(end + 1);
  // One pass: printable check, field bounds and checksum together.
  for (let i = 1; i < end; i++) {
    const b = frame[i] as number;
    if (b < 0x20 || b > 0x7e || b === DOLLAR) throw invalid(`byte 0x${b.toString(16)} inside a sentence`);
    if (b === COMMA) commas[count++] = i;
    else if (b === STAR) {
      starAt = i;
      break;
    }
    xor ^= b;
  }
  if (starAt >= 0) {
    if (starAt !== end - 3) throw invalid('checksum must be two hex digits after *');
    const hi = hexDigit(frame[end - 2] as number);
    const lo = hexDigit(frame[end - 1] as number);
    if (hi < 0 || lo < 0) throw invalid('checksum must be two hex digits after *');
    if (((hi << 4) | lo) !== xor) throw invalid('checksum mismatch');
    contentEnd = starAt;
  }
  fieldCount = count;
  const addressEnd = count > 0 ? (commas[0] as number) : contentEnd;
  const t0 = frame[1] as number;
  const t1 = frame[2] as number;
  if (addressEnd === 6 && t0 >= A && t0 <= Z && t1 >= A && t1 <= Z) {
    const type = ((frame[3] as number) << 16) | ((frame[4] as number) << 8) | (frame[5] as number);
    const talker = talkerOf(t0, t1);
    switch (type) {
      case GGA:
        return decodeGga(frame, talker);
      case RMC:
        return decodeRmc(frame, talker);
      case GSA:
        return decodeGsa(frame, talker);
      case VTG:
        return decodeVtg(frame, talker);
    }
  }
  return decodeOther(frame, addressEnd);
}

const GGA = (0x47 << 16) | (0x47 << 8) | 0x41;
const RMC = (0x52 << 16) | (0x4d << 8) | 0x43;
const GSA = (0x47 << 16) | (0x53 << 8) | 0x41;
const VTG = (0x56 << 16) | (0x54 << 8) | 0x47;

function decodeGga(f: Uint8Array, talker: string): GgaSentence {
  return {
    type: 'GGA',
    talker,
    timeMs: time(f, 1),
    lat: coordinate(f, 2, 90),
    lon: coordinate(f, 4, 180),
    quality: integer(f, 6, 9, 'fix quality'),
    satellites: integer(f, 7, 99, 'satellites'),
    hdop: number(f, 8, 'HDOP'),
    altitudeM: number(f, 9, 'altitude'),
    geoidSeparationM: number(f, 11, 'geoid separation'),
  };
}

function decodeRmc(f: Uint8Array, talker: string): RmcSentence {
  const status = letter(f, 2);
  if (status !== undefined && status !== 'A' && status !== 'V') throw invalid(`RMC status ${status}`);
  // NMEA 2.3 receivers that drop the variation side put the mode indicator in field 11.
  const side = letter(f, 11);
  const modeInSideField = fieldCount === 11 && side !== undefined && side !== 'E' && side !== 'W';
  return {
    type: 'RMC',
    talker,
    timeMs: time(f, 1),
    status: status as RmcSentence['status'],
    lat: coordinate(f, 3, 90),
    lon: coordinate(f, 5, 180),
    speedKnots: number(f, 7, 'speed'),
    courseDeg: number(f, 8, 'course'),
    date: date(f, 9),
    magneticVariationDeg: variation(f, side),
    mode: modeInSideField ? side : letter(f, 12),
  };
}

/** Receivers fill this with junk (999.9, side 'N'); it is not worth losing the sentence over. */
function variation(f: Uint8Array, side: string | undefined): number | undefined {
  const value = number(f, 10, 'magnetic variation');
  if (value === undefined || value < 0 || value > 180) return undefined;
  if (side === 'W') return -value;
  return side === undefined || side === 'E' ? value : undefined;
}

function decodeGsa(f: Uint8Array, talker: string): GsaSentence {
  const selection = letter(f, 1);
  if (selection !== undefined && selection !== 'A' && selection !== 'M') throw invalid(`GSA mode ${selection}`);
  const fixType = integer(f, 2, 3, 'fix type');
  if (fixType === 0) throw invalid('GSA fix type 0');
  const prns: number[] = [];
  for (let k = 3; k <= 14; k++) {
    const prn = integer(f, k, 999, 'PRN');
    if (prn !== undefined) prns.push(prn);
  }
  return {
    type: 'GSA',
    talker,
    selection: selection as GsaSentence['selection'],
    fixType: fixType as GsaSentence['fixType'],
    prns,
    pdop: number(f, 15, 'PDOP'),
    hdop: number(f, 16, 'HDOP'),
    vdop: number(f, 17, 'VDOP'),
    systemId: systemId(f),
  };
}

/** NMEA 4.10 system id; SiRF-TriG puts a float there (gpsd's beidou-bd.log), which is no id at all. */
function systemId(f: Uint8Array): number | undefined {
  const value = number(f, 18, 'system id');
  return value !== undefined && Number.isInteger(value) && value <= 15 ? value : undefined;
}

function decodeVtg(f: Uint8Array, talker: string): VtgSentence {
  return {
    type: 'VTG',
    talker,
    courseTrueDeg: number(f, 1, 'course'),
    courseMagneticDeg: number(f, 3, 'magnetic course'),
    speedKnots: number(f, 5, 'speed'),
    speedKmh: number(f, 7, 'speed'),
    mode: letter(f, 9),
  };
}

function decodeOther(f: Uint8Array, addressEnd: number): OtherSentence {
  if (addressEnd === 1) throw invalid('empty address field');
  // Proprietary addresses are free-form (SiRF sends "$PSRFTXTVersion GSW3…" with no comma).
  for (let i = 1; i < addressEnd && f[1] !== 0x50; i++) {
    const c = f[i] as number;
    if (!((c >= A && c <= Z) || (c >= ZERO && c <= ZERO + 9))) throw invalid('address field must be A–Z, 0–9');
  }
  const address = ascii(f, 1, addressEnd);
  const fields: string[] = [];
  for (let k = 1; k <= fieldCount; k++) fields.push(ascii(f, fieldFrom(k), fieldTo(k)));
  const talker = address.startsWith('P') ? 'P' : address.slice(0, 2);
  return { type: 'other', talker, address, fields };
}

function fieldFrom(k: number): number {
  return (commas[k - 1] as number) + 1;
}

function fieldTo(k: number): number {
  return k < fieldCount ? (commas[k] as number) : contentEnd;
}

/** A decimal number, or undefined for an empty (or missing) field. */
function number(f: Uint8Array, k: number, what: string): number | undefined {
  if (k > fieldCount) return undefined;
  const from = fieldFrom(k);
  const to = fieldTo(k);
  if (from === to) return undefined;
  const value = parseDecimal(f, from, to);
  if (Number.isNaN(value)) throw invalid(`${what} is not a number`);
  return value;
}

function integer(f: Uint8Array, k: number, max: number, what: string): number | undefined {
  const value = number(f, k, what);
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > max)) {
    throw invalid(`${what} ${value} out of range 0–${max}`);
  }
  return value;
}

function letter(f: Uint8Array, k: number): string | undefined {
  if (k > fieldCount) return undefined;
  const from = fieldFrom(k);
  const to = fieldTo(k);
  if (from === to) return undefined;
  if (to - from !== 1) throw invalid(`field ${k} must be one character`);
  return LETTERS[f[from] as number];
}

/** ddmm.mmmm (lat) or dddmm.mmmm (lon) in field k, hemisphere letter in field k+1. */
function coordinate(f: Uint8Array, k: number, maxDeg: number): number | undefined {
  const side = letter(f, k + 1);
  const from = k > fieldCount ? 0 : fieldFrom(k);
  const to = k > fieldCount ? 0 : fieldTo(k);
  if (from === to) {
    if (side !== undefined) throw invalid('hemisphere without a coordinate');
    return undefined;
  }
  const deg = parseDegreesMinutes(f, from, to);
  if (Number.isNaN(deg)) throw invalid('coordinate is not (d)ddmm.mmmm');
  // Receivers without a fix send placeholders such as 8960.0000 N or 36000.0000 N: no position.
  if (deg > maxDeg) return undefined;
  if (maxDeg === 90 ? side === 'S' : side === 'W') return -deg;
  if (side === (maxDeg === 90 ? 'N' : 'E')) return deg;
  throw invalid(`hemisphere ${side ?? '(none)'}`);
}

/** hhmmss[.sss] → ms since midnight. */
function time(f: Uint8Array, k: number): number | undefined {
  if (k > fieldCount) return undefined;
  const from = fieldFrom(k);
  const to = fieldTo(k);
  if (from === to) return undefined;
  const hh = twoDigits(f, from);
  const mm = twoDigits(f, from + 2);
  const ss = twoDigits(f, from + 4);
  if (to - from < 6 || hh > 23 || mm > 59 || ss > 60) throw invalid('time must be hhmmss[.sss]');
  let ms = 0;
  if (to - from > 6) {
    const fraction = parseDecimal(f, from + 6, to);
    if (f[from + 6] !== DOT || Number.isNaN(fraction)) throw invalid('time fraction');
    ms = Math.round(fraction * 1000);
  }
  return ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
}

/**
 * ddmmyy; two-digit years from 80 are 19xx (the GPS epoch is 1980). A malformed date is absent,
 * not fatal: receivers hit by a GPS week rollover print junk here (gpsd's april6_2019.log).
 */
function date(f: Uint8Array, k: number): NmeaDate | undefined {
  if (k > fieldCount) return undefined;
  const from = fieldFrom(k);
  const to = fieldTo(k);
  if (from === to) return undefined;
  const day = twoDigits(f, from);
  const month = twoDigits(f, from + 2);
  const yy = twoDigits(f, from + 4);
  if (to - from !== 6 || day < 1 || day > 31 || month < 1 || month > 12 || yy > 99) return undefined;
  return { year: yy < 80 ? 2000 + yy : 1900 + yy, month, day };
}

function invalid(why: string): BridgeError {
  return new BridgeError(BridgeErrorCode.FRAME_INVALID, `not a valid NMEA sentence: ${why}`);
}
