import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BATCH_DICTIONARY_1,
  decodeBatch,
  encodeBatch,
  MAX_INFLATED_BYTES,
  type TelemetryBatch,
  unwrapBatch,
} from './encoding.js';
import { MAX_PAYLOAD_BYTES } from './parse.js';

const v2: TelemetryBatch = {
  v: 2,
  bootId: '0f1e2d3c-aaaa',
  records: [
    {
      seq: 0,
      ts: 1_749_715_200_000,
      hotspot: { sessionsNow: 2, sessionsToday: 9, distinctDevicesToday: 7, full: true },
      system: { cpuTempC: 51.2, uptimeS: 3600, full: true },
    },
    { seq: 1, ts: 1_749_715_210_000, battery: { voltageV: 51.25, currentA: -10.5 }, position: { lat: 45.7, lon: 4.8 } },
  ],
};
const v1: TelemetryBatch = {
  v: 1,
  bootId: '0f1e2d3c-aaaa',
  records: [
    {
      seq: 0,
      ts: 1_700_000_000_000,
      historical: false,
      battery: {
        state: 'connected',
        socPct: 81,
        voltageV: 50.12,
        currentA: -7.9,
        remainingAh: 16.2,
        nominalAh: 20,
        cycles: 12,
        temperaturesC: [21.5],
        protection: [],
        fets: { charge: true, discharge: true },
      },
    },
  ],
};
const text = (s: string) => new TextEncoder().encode(s);
const withHeader = (header: number, body: Uint8Array) => Uint8Array.from([header, ...body]);

describe('batch encoding', () => {
  it.each([
    ['json', 0x10],
    ['deflate-raw', 0x11],
    ['deflate-raw-dict', 0x12],
  ] as const)('round-trips %s behind header 0x%s', (encoding, header) => {
    for (const payload of [v1, v2]) {
      const bytes = encodeBatch(payload, { encoding });
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes[0]).toBe(header);
      expect(decodeBatch(bytes)).toEqual({ ok: true, value: payload });
    }
  });

  it('picks the dictionary by default and plain JSON only when that is smaller', () => {
    const bytes = encodeBatch(v2);
    expect(bytes[0]).toBe(0x12);
    expect(bytes.byteLength).toBeLessThan(encodeBatch(v2, { encoding: 'deflate-raw' }).byteLength);
    expect(bytes.byteLength).toBeLessThan(encodeBatch(v2, { encoding: 'json' }).byteLength);
  });

  it('still decodes headerless JSON from units that predate the header', () => {
    expect(decodeBatch(text(JSON.stringify(v1)))).toEqual({ ok: true, value: v1 });
  });

  it('keeps the dictionary byte for byte: units in the field depend on it', () => {
    const digest = createHash('sha256').update(BATCH_DICTIONARY_1).digest('hex');
    expect(BATCH_DICTIONARY_1.length).toBe(1843);
    expect(digest).toBe('67b3894c01431e02feda7d6b9e3d9f7d7c70991f6cbb8eb918ccc580decd8023');
  });

  it.each([
    ['no bytes', new Uint8Array(0), 'empty'],
    ['an unknown header version', withHeader(0x20, text('{}')), 'bad-header'],
    ['header version 0', withHeader(0x01, text('{}')), 'bad-header'],
    ['an unknown encoding', withHeader(0x1f, text('{}')), 'bad-header'],
    ['a truncated deflate stream', encodeBatch(v2, { encoding: 'deflate-raw' }).subarray(0, 20), 'corrupt'],
    ['garbage after a deflate header', withHeader(0x11, Uint8Array.from([0xff, 0xff, 0xff, 0xff])), 'corrupt'],
    [
      'a dictionary stream labelled as plain deflate',
      withHeader(0x11, encodeBatch(v2, { encoding: 'deflate-raw-dict' }).subarray(1)),
      'corrupt',
    ],
    ['JSON that is not a batch', withHeader(0x10, text('{"v":2,"bootId":"x","records":[]}')), 'schema'],
    [
      'a v2 batch with an unknown kind',
      withHeader(0x10, text(JSON.stringify({ ...v2, records: [{ seq: 0, ts: 1, mac: 'x' }] }))),
      'schema',
    ],
    ['text that is not JSON', withHeader(0x10, text('{"v":2,')), 'not-json'],
    ['deflated text that is not JSON', withHeader(0x11, deflateRawSync(text('not json'))), 'not-json'],
    ['too many bytes on the wire', withHeader(0x10, new Uint8Array(MAX_PAYLOAD_BYTES)), 'too-large'],
  ])('refuses %s with a coded reason, without throwing', (_label, bytes, reason) => {
    const result = decodeBatch(bytes);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
    expect(!result.ok && result.detail.length).toBeGreaterThan(0);
  });

  it('refuses a decompression bomb without inflating it all', () => {
    // 64 MiB of spaces deflate to ~64 kB: small on the wire, far past the inflate limit.
    const bomb = withHeader(0x11, deflateRawSync(new Uint8Array(64 * 1024 * 1024).fill(0x20), { level: 9 }));
    expect(bomb.byteLength).toBeLessThan(MAX_PAYLOAD_BYTES);
    const result = unwrapBatch(bomb);
    expect(!result.ok && result.reason).toBe('inflate-limit');
  });

  it('accepts a stream that inflates to exactly the limit', () => {
    const exact = withHeader(0x11, deflateRawSync(new Uint8Array(MAX_INFLATED_BYTES).fill(0x20)));
    const result = unwrapBatch(exact);
    expect(result.ok && result.value.length).toBe(MAX_INFLATED_BYTES);
  });
});
