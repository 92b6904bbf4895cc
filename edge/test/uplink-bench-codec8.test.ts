import { describe, expect, it } from 'vitest';
import { type AvlRecord, crc16Ibm, decodeAvlPacket, encodeAvlPacket } from '../bench/uplink/codec8.js';
import { fromAvlRecord, IO_FIELDS, type Snapshot, toAvlRecord } from '../bench/uplink/codec8-map.js';
import { recordsConfig } from '../src/records/config.js';
import { ReportByException } from '../src/records/rbe.js';
import { rideHour } from '../src/records/testing/ride-hour.js';

/** The Codec 8 baseline of the uplink bench (edge/bench/uplink/codec8.ts): layout, CRC and field mapping. */

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
/** Hex with its meaning beside each piece, as a capture would be annotated. */
const annotated = (lines: readonly (readonly [string, string])[]) => hex(lines.map(([bytes]) => bytes).join(''));

/**
 * Provenance: the first Codec 8 example of the Teltonika wiki, "Teltonika Data Sending Protocols",
 * section Codec 8 (one record, all-zero GPS element, IO 0x15=3, 0x01=1, 0x42=0x5E0F, 0xF1=0x601A, 0x4E=0).
 */
const WIKI_EXAMPLE = hex(`
  00000000 00000036 08 01
  0000016B40D8EA30 01 00000000 00000000 0000 0000 00 0000
  01 05  02 1503 0101  01 425E0F  01 F10000601A  01 4E0000000000000000
  01 0000C7CF`);
const WIKI_RECORD: AvlRecord = {
  timestamp: 0x16b40d8ea30,
  priority: 1,
  longitude: 0,
  latitude: 0,
  altitudeM: 0,
  angleDeg: 0,
  satellites: 0,
  speedKmh: 0,
  eventIoId: 1,
  io: [
    { id: 0x15, size: 1, value: 3n },
    { id: 0x01, size: 1, value: 1n },
    { id: 0x42, size: 2, value: 0x5e0fn },
    { id: 0xf1, size: 4, value: 0x601an },
    { id: 0x4e, size: 8, value: 0n },
  ],
};

/**
 * Provenance: written byte by byte from the layout in codec8.ts (the wiki's table); the CRC was
 * computed separately with a bitwise CRC-16/IBM in Python (binascii has none), not with crc16Ibm.
 */
const HAND_VECTOR = annotated([
  ['00000000 0000002E', 'preamble, data field length 46'],
  ['08 01', 'codec 8, one record'],
  ['000001976470E610', '2025-06-12T14:00:10.000Z'],
  ['00', 'priority low'],
  ['02E1DE11 1B467C85', 'lon 4.8356881°, lat 45.7604229° (× 1e7)'],
  ['00AC 0049 0A 0010', '172 m, 73°, 10 satellites, 16 km/h'],
  ['00 04', 'no event IO, 4 IO elements'],
  ['01 02 58', '1-byte: IO 2 (soc %) = 88'],
  ['02 03 14C5 04 FFEC', '2-byte: IO 3 (pack V × 100) = 53.17 V, IO 4 (pack A × 10) = -2.0 A'],
  ['01 5E 0003F48A', '4-byte: IO 94 (uptime s) = 259210'],
  ['00', 'no 8-byte IO'],
  ['01 00009F1D', 'one record, CRC-16/IBM 0x9F1D'],
]);
const HAND_RECORD: AvlRecord = {
  timestamp: Date.UTC(2025, 5, 12, 14, 0, 10),
  priority: 0,
  longitude: 48_356_881,
  latitude: 457_604_229,
  altitudeM: 172,
  angleDeg: 73,
  satellites: 10,
  speedKmh: 16,
  eventIoId: 0,
  io: [
    { id: 2, size: 1, value: 88n },
    { id: 3, size: 2, value: 5317n },
    { id: 4, size: 2, value: 0xffecn },
    { id: 94, size: 4, value: 259_210n },
  ],
};

describe('Codec 8 AVL packets', () => {
  it('computes CRC-16/IBM with the catalogue check value', () => {
    expect(crc16Ibm(new TextEncoder().encode('123456789'))).toBe(0xbb3d);
  });

  for (const [name, bytes, record] of [
    ['the Teltonika wiki example', WIKI_EXAMPLE, WIKI_RECORD],
    ['a hand-built vector', HAND_VECTOR, HAND_RECORD],
  ] as const) {
    it(`decodes ${name}`, () => {
      expect(decodeAvlPacket(bytes)).toEqual({ ok: true, records: [record] });
    });

    it(`encodes ${name} to the same bytes`, () => {
      expect(encodeAvlPacket([record])).toEqual(bytes);
    });
  }

  it('carries six records in one packet and reads them back in order', () => {
    const records = Array.from({ length: 6 }, (_, i) => ({
      ...HAND_RECORD,
      timestamp: HAND_RECORD.timestamp + i * 10_000,
    }));
    const packet = encodeAvlPacket(records);
    expect(packet.byteLength).toBe(12 + 3 + 6 * (HAND_VECTOR.byteLength - 15));
    expect(decodeAvlPacket(packet)).toEqual({ ok: true, records });
  });

  it('refuses damaged packets with a reason', () => {
    const damaged = (edit: (b: Uint8Array) => void) => {
      const copy = HAND_VECTOR.slice();
      edit(copy);
      return decodeAvlPacket(copy);
    };
    expect(decodeAvlPacket(HAND_VECTOR.subarray(0, 10))).toMatchObject({ ok: false, reason: 'short' });
    expect(damaged((b) => (b[0] = 1))).toMatchObject({ ok: false, reason: 'preamble' });
    expect(decodeAvlPacket(HAND_VECTOR.subarray(0, HAND_VECTOR.length - 1))).toMatchObject({
      ok: false,
      reason: 'length',
    });
    expect(damaged((b) => (b[20] = (b[20] ?? 0) ^ 1))).toMatchObject({ ok: false, reason: 'crc' });
  });

  it('refuses to encode a value that does not fit its field', () => {
    expect(() => encodeAvlPacket([{ ...HAND_RECORD, satellites: 300 }])).toThrow(RangeError);
    expect(() => encodeAvlPacket([{ ...HAND_RECORD, io: [{ id: 2, size: 1, value: 256n }] }])).toThrow(RangeError);
  });
});

describe('our fields in Codec 8 IO elements', () => {
  const hour = rideHour();
  const engine = new ReportByException(recordsConfig({ heartbeatMs: 10_000 }));
  const snapshots: { ts: number; snapshot: Snapshot }[] = [];
  for (const tick of hour) {
    for (const kind of ['battery', 'motor', 'position', 'aux', 'system', 'hotspot'] as const)
      engine.observe(tick[kind]);
    const out = engine.evaluate(tick.at);
    if (out) snapshots.push({ ts: tick.at, snapshot: out.body as Snapshot });
  }

  it('gives every IO a distinct one-byte id', () => {
    const ids = IO_FIELDS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id >= 0 && id <= 255)).toBe(true);
  });

  it('carries every field of every tick of an hour at its wire resolution', () => {
    expect(snapshots).toHaveLength(hour.length);
    for (const { ts, snapshot } of snapshots) {
      const record = toAvlRecord(snapshot, ts, { priority: 0, eventIoId: 0 });
      const decoded = decodeAvlPacket(encodeAvlPacket([record]));
      if (!decoded.ok) throw new Error(decoded.detail);
      const back = fromAvlRecord(decoded.records[0] as AvlRecord);
      for (const [kind, fields] of Object.entries(snapshot)) {
        for (const [name, value] of Object.entries(fields as Record<string, unknown>)) {
          // Not in Codec 8: the full marker, the quality map, and faultName (derivable from faultCode).
          if (name === 'full' || name === 'q' || name === 'faultName') continue;
          const got = back[kind as keyof Snapshot][name];
          const where = `${new Date(ts).toISOString()} ${kind}.${name}`;
          if (kind === 'position' && name === 'speedKmh') {
            // The GPS element holds whole km/h: within the 1 km/h deadband.
            expect(Math.abs((got as number) - (value as number)), where).toBeLessThanOrEqual(0.5);
          } else if (kind === 'position' && name === 'courseDeg') {
            expect(Math.abs((got as number) - (Math.round(value as number) % 360)), where).toBe(0);
          } else if (typeof value === 'number') expect(got, where).toBeCloseTo(value, 6);
          else expect(got, where).toEqual(value);
        }
      }
    }
  });
});
