/**
 * Teltonika Codec 8 AVL data packet, as the Teltonika wiki ("Teltonika Data Sending Protocols", Codec 8)
 * lays it out. All integers big-endian.
 *
 *   packet  = preamble u32 (0) · data field length u32 · codec id u8 (0x08) · number of data 1 u8
 *             · AVL data × n · number of data 2 u8 (= n) · CRC u32 (upper half 0)
 *   AVL     = timestamp u64 (ms since the epoch, UTC) · priority u8 (0 low, 1 high, 2 panic)
 *             · GPS element · IO element
 *   GPS     = longitude i32 · latitude i32 (degrees × 1e7, two's complement) · altitude i16 (m)
 *             · angle u16 (degrees from north, clockwise) · satellites u8 · speed u16 (km/h, 0 if invalid)
 *   IO      = event IO id u8 · total IO count u8 · then for values of 1, 2, 4 and 8 bytes in turn:
 *             count u8 · (IO id u8 · value) × count
 *
 * The data field length counts from the codec id to number of data 2; the CRC is CRC-16/IBM
 * (reflected polynomial 0xA001, initial value 0) over the same span. A bench baseline: the real device
 * speaks it over raw TCP; here it rides in MQTT publishes (see bench/README.md). Pure.
 */

export const CODEC8_ID = 0x08;

export type IoSize = 1 | 2 | 4 | 8;
export const IO_SIZES: readonly IoSize[] = [1, 2, 4, 8];

export interface AvlIo {
  id: number;
  size: IoSize;
  /** The raw unsigned value of `size` bytes (two's complement for the signed ones). */
  value: bigint;
}

export interface AvlRecord {
  timestamp: number;
  priority: 0 | 1 | 2;
  /** Degrees × 1e7. */
  longitude: number;
  latitude: number;
  altitudeM: number;
  angleDeg: number;
  satellites: number;
  speedKmh: number;
  eventIoId: number;
  io: AvlIo[];
}

export type Codec8Refusal = 'short' | 'preamble' | 'length' | 'codec' | 'count' | 'crc' | 'io';
export type Codec8Result = { ok: true; records: AvlRecord[] } | { ok: false; reason: Codec8Refusal; detail: string };

/** CRC-16/IBM (also called CRC-16/ARC): check value 0xBB3D over "123456789". */
export function crc16Ibm(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

const u8 = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 0 || value > 0xff)
    throw new RangeError(`codec 8: ${name} ${value} is not a byte`);
  return value;
};

function recordBytes(record: AvlRecord): number[] {
  const out: number[] = [];
  const push = (value: bigint, size: number) => {
    for (let i = size - 1; i >= 0; i--) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  };
  const signed = (value: number, size: number, name: string) => {
    const bits = BigInt(8 * size);
    const v = BigInt(Math.round(value));
    if (v < -(1n << (bits - 1n)) || v >= 1n << (bits - 1n)) throw new RangeError(`codec 8: ${name} ${value} overflows`);
    return BigInt.asUintN(8 * size, v);
  };
  const unsigned = (value: number, size: number, name: string) => {
    const v = BigInt(Math.round(value));
    if (v < 0n || v >= 1n << BigInt(8 * size)) throw new RangeError(`codec 8: ${name} ${value} overflows`);
    return v;
  };
  push(unsigned(record.timestamp, 8, 'timestamp'), 8);
  out.push(record.priority);
  push(signed(record.longitude, 4, 'longitude'), 4);
  push(signed(record.latitude, 4, 'latitude'), 4);
  push(signed(record.altitudeM, 2, 'altitude'), 2);
  push(unsigned(record.angleDeg, 2, 'angle'), 2);
  out.push(u8('satellites', record.satellites));
  push(unsigned(record.speedKmh, 2, 'speed'), 2);
  out.push(u8('event IO id', record.eventIoId), u8('IO count', record.io.length));
  for (const size of IO_SIZES) {
    const group = record.io.filter((io) => io.size === size);
    out.push(u8(`${size}-byte IO count`, group.length));
    for (const io of group) {
      out.push(u8('IO id', io.id));
      if (io.value < 0n || io.value >= 1n << BigInt(8 * size)) {
        throw new RangeError(`codec 8: IO ${io.id} value ${io.value} does not fit ${size} bytes`);
      }
      push(io.value, size);
    }
  }
  return out;
}

export function encodeAvlPacket(records: readonly AvlRecord[]): Uint8Array {
  const count = u8('number of data', records.length);
  const data = [CODEC8_ID, count, ...records.flatMap(recordBytes), count];
  const out = new Uint8Array(4 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(4, data.length);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc16Ibm(out.subarray(8, 8 + data.length)));
  return out;
}

/** Decodes one whole packet; never throws. */
export function decodeAvlPacket(bytes: Uint8Array): Codec8Result {
  const fail = (reason: Codec8Refusal, detail: string): Codec8Result => ({ ok: false, reason, detail });
  if (bytes.byteLength < 4 + 4 + 3 + 4) return fail('short', `${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== 0) return fail('preamble', `0x${view.getUint32(0).toString(16)}`);
  const length = view.getUint32(4);
  if (length + 12 !== bytes.byteLength)
    return fail('length', `field says ${length}, packet holds ${bytes.byteLength - 12}`);
  const crc = view.getUint32(8 + length);
  const computed = crc16Ibm(bytes.subarray(8, 8 + length));
  if (crc !== computed) return fail('crc', `0x${crc.toString(16)} on the wire, 0x${computed.toString(16)} computed`);
  if (view.getUint8(8) !== CODEC8_ID) return fail('codec', `codec id 0x${view.getUint8(8).toString(16)}`);
  const count = view.getUint8(9);
  if (view.getUint8(8 + length - 1) !== count) return fail('count', 'number of data 1 and 2 differ');
  let offset = 10;
  const end = 8 + length - 1;
  const records: AvlRecord[] = [];
  const need = (n: number) => offset + n <= end;
  for (let r = 0; r < count; r++) {
    if (!need(8 + 1 + 15 + 2)) return fail('io', `record ${r} is cut short`);
    const record: AvlRecord = {
      timestamp: Number(view.getBigUint64(offset)),
      priority: view.getUint8(offset + 8) as 0 | 1 | 2,
      longitude: view.getInt32(offset + 9),
      latitude: view.getInt32(offset + 13),
      altitudeM: view.getInt16(offset + 17),
      angleDeg: view.getUint16(offset + 19),
      satellites: view.getUint8(offset + 21),
      speedKmh: view.getUint16(offset + 22),
      eventIoId: view.getUint8(offset + 24),
      io: [],
    };
    const total = view.getUint8(offset + 25);
    offset += 26;
    for (const size of IO_SIZES) {
      if (!need(1)) return fail('io', `record ${r}: no ${size}-byte IO count`);
      const n = view.getUint8(offset);
      offset += 1;
      for (let i = 0; i < n; i++) {
        if (!need(1 + size)) return fail('io', `record ${r}: IO cut short`);
        let value = 0n;
        for (let b = 0; b < size; b++) value = (value << 8n) | BigInt(view.getUint8(offset + 1 + b));
        record.io.push({ id: view.getUint8(offset), size, value });
        offset += 1 + size;
      }
    }
    if (record.io.length !== total)
      return fail('io', `record ${r}: ${record.io.length} IO elements, total says ${total}`);
    records.push(record);
  }
  if (offset !== end) return fail('length', `${end - offset} bytes left after the records`);
  return { ok: true, records };
}
