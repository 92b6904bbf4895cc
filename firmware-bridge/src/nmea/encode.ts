import { BridgeError, BridgeErrorCode } from '../errors.js';
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
 * Sentence builders for the simulator and for round trips: absent values become empty fields,
 * numbers get as many decimals as they need (within what receivers send), and the checksum and
 * CR LF are added. Values the wire cannot carry throw BRG_ENCODE_RANGE.
 */
export function encodeSentence(sentence: NmeaSentence): Uint8Array {
  switch (sentence.type) {
    case 'GGA':
      return encodeGga(sentence);
    case 'RMC':
      return encodeRmc(sentence);
    case 'GSA':
      return encodeGsa(sentence);
    case 'VTG':
      return encodeVtg(sentence);
    case 'other':
      return encodeOther(sentence);
  }
}

export function encodeGga(s: GgaSentence): Uint8Array {
  return frameSentence(address(s.talker, 'GGA'), [
    time(s.timeMs),
    ...latitude(s.lat),
    ...longitude(s.lon),
    integer('quality', s.quality, 9, 1),
    integer('satellites', s.satellites, 99, 2),
    decimal('hdop', s.hdop, 1, 3, 0),
    decimal('altitudeM', s.altitudeM, 1, 3),
    s.altitudeM === undefined ? '' : 'M',
    decimal('geoidSeparationM', s.geoidSeparationM, 1, 3),
    s.geoidSeparationM === undefined ? '' : 'M',
    '',
    '',
  ]);
}

export function encodeRmc(s: RmcSentence): Uint8Array {
  const variation = s.magneticVariationDeg;
  return frameSentence(address(s.talker, 'RMC'), [
    time(s.timeMs),
    oneOf('status', s.status, ['A', 'V']),
    ...latitude(s.lat),
    ...longitude(s.lon),
    decimal('speedKnots', s.speedKnots, 1, 6, 0),
    decimal('courseDeg', s.courseDeg, 1, 3, 0, 360),
    date(s.date),
    decimal('magneticVariationDeg', variation === undefined ? undefined : Math.abs(variation), 1, 4, 0, 180),
    variation === undefined ? '' : variation < 0 ? 'W' : 'E',
    mode(s.mode),
  ]);
}

export function encodeGsa(s: GsaSentence): Uint8Array {
  if (s.prns.length > 12) throw range('prns', s.prns.length, 'at most 12 satellites');
  const slots = Array.from({ length: 12 }, (_, i) => integer('prn', s.prns[i], 999, 2));
  const fields = [
    oneOf('selection', s.selection, ['A', 'M']),
    integer('fixType', s.fixType, 3, 1),
    ...slots,
    decimal('pdop', s.pdop, 1, 3, 0),
    decimal('hdop', s.hdop, 1, 3, 0),
    decimal('vdop', s.vdop, 1, 3, 0),
  ];
  if (s.systemId !== undefined) fields.push(integer('systemId', s.systemId, 15, 1));
  return frameSentence(address(s.talker, 'GSA'), fields);
}

export function encodeVtg(s: VtgSentence): Uint8Array {
  return frameSentence(address(s.talker, 'VTG'), [
    decimal('courseTrueDeg', s.courseTrueDeg, 1, 3, 0, 360),
    'T',
    decimal('courseMagneticDeg', s.courseMagneticDeg, 1, 3, 0, 360),
    'M',
    decimal('speedKnots', s.speedKnots, 1, 6, 0),
    'N',
    decimal('speedKmh', s.speedKmh, 1, 6, 0),
    'K',
    mode(s.mode),
  ]);
}

export function encodeOther(s: OtherSentence): Uint8Array {
  return frameSentence(s.address, s.fields);
}

/** `$address,fields…*hh\r\n` as bytes. Fields must not hold the characters NMEA reserves. */
export function frameSentence(addressField: string, fields: readonly string[]): Uint8Array {
  // Proprietary ($P…) addresses are free-form; the rest are talker + type.
  if (!/^(P[^,]*|[A-Z0-9]+)$/.test(addressField)) throw range('address', addressField, 'A–Z and 0–9, or P…');
  const split = fields.find((field) => field.includes(','));
  if (split !== undefined) throw range('field', JSON.stringify(split), 'no comma inside a field');
  const body = fields.length === 0 ? addressField : `${addressField},${fields.join(',')}`;
  const bytes = new Uint8Array(body.length + 6);
  bytes[0] = 0x24;
  let xor = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x24 || c === 0x2a) {
      throw range('field', JSON.stringify(body), 'printable ASCII without $ or *');
    }
    bytes[i + 1] = c;
    xor ^= c;
  }
  const tail = `*${xor.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
  for (let i = 0; i < tail.length; i++) bytes[body.length + 1 + i] = tail.charCodeAt(i);
  return bytes;
}

function address(talker: string, type: string): string {
  if (!/^[A-Z]{2}$/.test(talker)) throw range('talker', talker, 'two letters A–Z');
  return talker + type;
}

function time(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (!Number.isInteger(ms) || ms < 0 || ms >= 86_401_000) throw range('timeMs', ms, '0–86400999, whole ms');
  const fraction = ms % 1000;
  // Most receivers send hundredths; keep milliseconds when they carry more (SiRF sends .997).
  const tail = (fraction / 1000).toFixed(fraction % 10 === 0 ? 2 : 3).slice(1);
  // A leap second is 23:59:60, not 24:00:00.
  if (ms >= 86_400_000) return `235960${tail}`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h, 2)}${pad(m, 2)}${pad(s, 2)}${tail}`;
}

function date(d: NmeaDate | undefined): string {
  if (d === undefined) return '';
  const { year, month, day } = d;
  if (!Number.isInteger(year) || year < 1980 || year > 2079) throw range('date.year', year, '1980–2079');
  if (!Number.isInteger(month) || month < 1 || month > 12) throw range('date.month', month, '1–12');
  if (!Number.isInteger(day) || day < 1 || day > 31) throw range('date.day', day, '1–31');
  return `${pad(day, 2)}${pad(month, 2)}${pad(year % 100, 2)}`;
}

function latitude(deg: number | undefined): [string, string] {
  return coordinate('lat', deg, 90, 2, 'N', 'S');
}

function longitude(deg: number | undefined): [string, string] {
  return coordinate('lon', deg, 180, 3, 'E', 'W');
}

function coordinate(
  name: string,
  deg: number | undefined,
  max: number,
  width: number,
  plus: string,
  minus: string,
): [string, string] {
  if (deg === undefined) return ['', ''];
  if (!Number.isFinite(deg) || Math.abs(deg) > max) throw range(name, deg, `±${max}°`);
  const abs = Math.abs(deg);
  let whole = Math.floor(abs);
  let minutes = decimal(name, (abs - whole) * 60, 4, 8);
  // Rounding can carry 59.999999999 up to 60.
  if (minutes.startsWith('60')) {
    whole++;
    minutes = (0).toFixed(4);
  }
  const [int = '0', fraction = ''] = minutes.split('.');
  return [`${pad(whole, width)}${pad(Number(int), 2)}.${fraction}`, deg < 0 ? minus : plus];
}

/** Fixed point with trailing zeros trimmed down to `minDecimals`. */
function decimal(
  name: string,
  value: number | undefined,
  minDecimals: number,
  maxDecimals: number,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value) || value < min || value > max) throw range(name, value, `${min}–${max}`);
  const text = value.toFixed(maxDecimals);
  let end = text.length;
  const keep = text.indexOf('.') + 1 + minDecimals;
  while (end > keep && text[end - 1] === '0') end--;
  return text.slice(0, end);
}

function integer(name: string, value: number | undefined, max: number, width: number): string {
  if (value === undefined) return '';
  if (!Number.isInteger(value) || value < 0 || value > max) throw range(name, value, `0–${max}`);
  return pad(value, width);
}

function oneOf(name: string, value: string | undefined, allowed: readonly string[]): string {
  if (value === undefined) return '';
  if (!allowed.includes(value)) throw range(name, value, allowed.join(' or '));
  return value;
}

function mode(value: string | undefined): string {
  if (value === undefined) return '';
  if (!/^[A-Z]$/.test(value)) throw range('mode', value, 'one letter A–Z');
  return value;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}
