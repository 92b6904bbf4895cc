import { describe, expect, it } from 'vitest';
import { malformedVectors, requestVectors, responseVectors, streamVectors } from '../../test/vectors/daly.js';
import { BridgeErrorCode } from '../errors.js';
import { dalyDecoder } from './decoder.js';

describe('dalyDecoder', () => {
  it('is named daly and splits with a fresh splitter each time', () => {
    expect(dalyDecoder.name).toBe('daly');
    const a = dalyDecoder.createSplitter();
    a.push(Uint8Array.of(0xa5));
    expect(dalyDecoder.createSplitter().pendingBytes).toBe(0);
  });

  for (const vector of responseVectors) {
    it(`${vector.name}: a JSON-able reply message`, () => {
      const outcome = dalyDecoder.decode(vector.bytes);
      expect(outcome).toEqual({ ok: true, message: { direction: 'response', ...vector.expected } });
      if (outcome.ok) expect(JSON.parse(JSON.stringify(outcome.message))).toEqual(outcome.message);
    });
  }

  it('decodes requests too, naming the data id and the link', () => {
    const [soc] = requestVectors;
    expect(dalyDecoder.decode(soc?.bytes ?? new Uint8Array(0))).toEqual({
      ok: true,
      message: { direction: 'request', kind: 'soc', link: 'rs485', address: 0x40, id: 0x90, data: Array(8).fill(0) },
    });
    const write = requestVectors.find((v) => v.expected.id === 0xd9);
    expect(dalyDecoder.decode(write?.bytes ?? new Uint8Array(0))).toMatchObject({
      ok: true,
      message: { direction: 'request', kind: 'other' },
    });
  });

  it('decodes every frame a captured stream splits into', () => {
    for (const vector of streamVectors) {
      const splitter = dalyDecoder.createSplitter();
      const outcomes = splitter
        .push(vector.bytes)
        .flatMap((r) => (r.type === 'frame' ? [dalyDecoder.decode(r.frame)] : []));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(outcomes).toHaveLength(vector.frames.length);
    }
  });

  for (const vector of malformedVectors) {
    it(`${vector.name}: ok false with BRG_FRAME_INVALID, no throw`, () => {
      expect(dalyDecoder.decode(vector.bytes)).toMatchObject({ ok: false, reason: BridgeErrorCode.FRAME_INVALID });
    });
  }

  it('handles an empty frame', () => {
    expect(dalyDecoder.decode(new Uint8Array(0))).toMatchObject({ ok: false, reason: BridgeErrorCode.FRAME_INVALID });
  });
});
