import { BridgeError, BridgeErrorCode } from '../errors.js';

/**
 * Shared helpers for the eight data bytes of each Daly frame: big-endian fields, range checks
 * that throw BRG_ENCODE_RANGE, and the offsets Daly puts on current and temperature.
 */
export const DALY_CURRENT_OFFSET = 30000;
export const DALY_TEMPERATURE_OFFSET = 40;

export function viewOf(data: Uint8Array, what: string): DataView {
  if (data.length < 8) {
    throw new BridgeError(BridgeErrorCode.PAYLOAD_SHORT, `${what} needs 8 data bytes, got ${data.length}`);
  }
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

/** Eight bytes with `reserved` copied in from offset `at` to the end. */
export function withReserved(at: number, reserved: readonly number[]): Uint8Array {
  if (reserved.length !== 8 - at) throw range('reserved', reserved.length, `${8 - at} bytes`);
  const data = new Uint8Array(8);
  reserved.forEach((value, i) => {
    data[at + i] = u8('reserved', value);
  });
  return data;
}

export function u16(name: string, value: number, scale: number, offset = 0): number {
  const raw = Math.round(value * scale) + offset;
  if (!Number.isFinite(raw) || raw < 0 || raw > 0xffff) {
    throw range(name, value, `${-offset / scale}–${(0xffff - offset) / scale}`);
  }
  return raw;
}

export function u8(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw range(name, value, '0–255');
  return value;
}

export function temperature(name: string, celsius: number): number {
  const raw = Math.round(celsius) + DALY_TEMPERATURE_OFFSET;
  if (!Number.isFinite(raw) || raw < 0 || raw > 0xff) throw range(name, celsius, '−40–215 °C');
  return raw;
}

export function bits(name: string, flags: readonly boolean[], count: number): number {
  if (flags.length !== count) throw range(name, flags.length, `exactly ${count} flags`);
  return flags.reduce((acc, on, i) => (on ? acc | (1 << i) : acc), 0);
}

export function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}
