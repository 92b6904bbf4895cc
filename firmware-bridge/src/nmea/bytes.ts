/**
 * Byte-level readers for NMEA fields: numbers and strings straight out of a Uint8Array, without
 * the string-per-field and regex of a text parser. NaN (or -1) for malformed input, never a throw;
 * the codec decides what is fatal.
 */
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;
const ZERO = 0x30;

/**
 * (d)ddmm.mmmm → degrees, NaN if malformed. Degrees and whole minutes are split on the integer
 * digits, so the minutes keep every decimal the receiver sent.
 */
export function parseDegreesMinutes(f: Uint8Array, from: number, to: number): number {
  let whole = 0;
  let fraction = 0;
  let scale = 1;
  let dot = false;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const d = (f[i] as number) - ZERO;
    if (d >= 0 && d <= 9) {
      if (dot) {
        fraction = fraction * 10 + d;
        scale *= 10;
      } else whole = whole * 10 + d;
      digits++;
    } else if (f[i] === DOT && !dot) dot = true;
    else return Number.NaN;
  }
  const degrees = Math.floor(whole / 100);
  const minutes = whole - degrees * 100 + fraction / scale;
  if (digits === 0) return Number.NaN;
  return minutes >= 60 ? Number.POSITIVE_INFINITY : degrees + minutes / 60;
}

/** Two ASCII digits as a number; 100+ for anything else, which every caller rejects. */
export function twoDigits(f: Uint8Array, at: number): number {
  const hi = (f[at] ?? 0) - ZERO;
  const lo = (f[at + 1] ?? 0) - ZERO;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : 100;
}

/** [+-]digits[.digits] without allocating; NaN if anything else is there. */
export function parseDecimal(f: Uint8Array, from: number, to: number): number {
  let i = from;
  let negative = false;
  if (f[i] === MINUS || f[i] === PLUS) negative = f[i++] === MINUS;
  let whole = 0;
  let fraction = 0;
  let scale = 1;
  let digits = 0;
  let dot = false;
  for (; i < to; i++) {
    const d = (f[i] as number) - ZERO;
    if (d >= 0 && d <= 9) {
      if (dot) {
        fraction = fraction * 10 + d;
        scale *= 10;
      } else whole = whole * 10 + d;
      digits++;
    } else if (f[i] === DOT && !dot) dot = true;
    else return Number.NaN;
  }
  if (digits === 0) return Number.NaN;
  const value = whole + fraction / scale;
  return negative ? -value : value;
}

/** One hex digit (either case) as its value, -1 for anything else. */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

export function ascii(f: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += LETTERS[f[i] as number];
  return s;
}

/** One-character strings for every byte, made once, so single-letter fields never allocate. */
export const LETTERS = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c));
const TALKERS = new Map<number, string>();

export function talkerOf(t0: number, t1: number): string {
  const key = (t0 << 8) | t1;
  let talker = TALKERS.get(key);
  if (talker === undefined) {
    talker = String.fromCharCode(t0, t1);
    TALKERS.set(key, talker);
  }
  return talker;
}
