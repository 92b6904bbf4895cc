import { BridgeError, BridgeErrorCode } from '../errors.js';

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/**
 * Reads hex the way people paste it: "DD 03 00", "dd:03:00", "0xDD,0x03" or "dd0300", across lines.
 * Anything else is a coded error naming the offending token, never a silent skip.
 */
export function parseHex(text: string): Uint8Array {
  const cleaned = text
    .replace(/0x/gi, ' ')
    .replace(/[\s,:;-]+/g, ' ')
    .trim();
  if (cleaned === '') return new Uint8Array(0);
  const digits = cleaned.split(' ').join('');
  const bad = /[^0-9a-fA-F]/.exec(digits);
  if (bad) throw new BridgeError(BridgeErrorCode.HEX_INVALID, `not a hex digit: "${bad[0]}" at position ${bad.index}`);
  // Tokens like "D" in "DD 3 00" are ambiguous; insist on whole bytes.
  if (digits.length % 2 !== 0) throw new BridgeError(BridgeErrorCode.HEX_INVALID, 'odd number of hex digits');
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Plain-JSON view of decoded messages: byte arrays become hex strings. */
export function jsonable(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(jsonable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonable(v)]));
  }
  return value;
}
