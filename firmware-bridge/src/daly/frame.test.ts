import { describe, expect, it } from 'vitest';
import {
  fromHex,
  malformedVectors,
  requestVectors,
  responseVectors,
  SOLARREADER_SESSION,
  streamVectors,
} from '../../test/vectors/daly.js';
import { encodeReadRequest } from './codec.js';
import { DalyFrameSplitter, type DalySplitDiscard, type DalySplitResult } from './frame.js';

const GOOD = fromHex(SOLARREADER_SESSION.range);

function feed(chunks: Uint8Array[]): { results: DalySplitResult[]; splitter: DalyFrameSplitter } {
  const splitter = new DalyFrameSplitter();
  const results = chunks.flatMap((chunk) => splitter.push(chunk));
  return { results, splitter };
}

const framesOf = (results: DalySplitResult[]) => results.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
const discardsOf = (results: DalySplitResult[]) => results.filter((r): r is DalySplitDiscard => r.type === 'discarded');
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function cuts(bytes: Uint8Array): Uint8Array[][] {
  const ways = Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
  ways.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  return ways;
}

describe('DalyFrameSplitter on golden vectors', () => {
  for (const { name, bytes } of [...responseVectors, ...requestVectors]) {
    it(`${name}: the same single frame however the input is cut`, () => {
      for (const chunks of cuts(bytes)) {
        const { results, splitter } = feed(chunks);
        expect(results).toEqual([{ type: 'frame', frame: bytes }]);
        expect(splitter.pendingBytes).toBe(0);
      }
    });
  }

  it('finds every response vector back to back, cut anywhere', () => {
    const all = responseVectors.map((v) => v.bytes);
    for (const chunks of cuts(join(...all))) {
      expect(framesOf(feed(chunks).results)).toEqual(all);
    }
  });

  for (const vector of [...streamVectors, ...malformedVectors]) {
    it(`${vector.name}: the same frames, discarded bytes and pending bytes at every cut`, () => {
      const whole = feed([vector.bytes]);
      expect(framesOf(whole.results)).toEqual(vector.frames);
      expect(discardsOf(whole.results)).toEqual(vector.discards.map((d) => ({ type: 'discarded', ...d })));
      expect(whole.splitter.pendingBytes).toBe(vector.pending);
      for (const chunks of cuts(vector.bytes)) {
        const { results, splitter } = feed(chunks);
        expect(framesOf(results)).toEqual(vector.frames);
        // A cut inside garbage may report it in two pieces; the bytes and reasons are the same.
        expect(join(...discardsOf(results).map((d) => d.bytes))).toEqual(join(...vector.discards.map((d) => d.bytes)));
        expect(new Set(discardsOf(results).map((d) => d.reason))).toEqual(
          new Set(vector.discards.map((d) => d.reason)),
        );
        expect(splitter.pendingBytes).toBe(vector.pending);
      }
    });
  }
});

describe('DalyFrameSplitter on malformed input', () => {
  it('counts frames and discards exactly', () => {
    const bad = GOOD.slice();
    bad[6] = 0x06;
    const { results, splitter } = feed([fromHex('00 11'), bad, GOOD]);
    expect(results).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: fromHex('00 11') },
      { type: 'discarded', reason: 'bad-checksum', bytes: bad },
      { type: 'frame', frame: GOOD },
    ]);
    expect(splitter.stats).toEqual({ frames: 1, discardEvents: 2, discardedBytes: 15 });
  });

  it('judges a start byte as soon as the length byte is in, and holds back no more than a frame', () => {
    const splitter = new DalyFrameSplitter();
    expect(splitter.push(fromHex('01 02 A5 01'))).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: fromHex('01 02') },
    ]);
    expect(splitter.pendingBytes).toBe(2);
    expect(splitter.push(fromHex('90 07'))).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: fromHex('A5 01 90 07') },
    ]);
    expect(splitter.pendingBytes).toBe(0);
    expect(splitter.push(GOOD.subarray(0, 12))).toEqual([]);
    expect(splitter.pendingBytes).toBe(12);
    expect(splitter.push(new Uint8Array(0))).toEqual([]);
    expect(splitter.push(GOOD.subarray(12))).toEqual([{ type: 'frame', frame: GOOD }]);
  });

  it('passes requests through as frames (RS485 echoes are the driver’s business)', () => {
    const request = encodeReadRequest(0x90, 'rs485');
    expect(feed([request, GOOD]).results).toEqual([
      { type: 'frame', frame: request },
      { type: 'frame', frame: GOOD },
    ]);
  });

  it('finds a frame whose data holds start and length bytes', () => {
    // A5 .. .. 08 inside the data must not confuse a splitter that is already in step.
    const tricky = fromHex('A5 01 95 08 01 A5 01 95 08 00 00 00 00');
    tricky[12] = tricky.subarray(0, 12).reduce((sum, b) => sum + b, 0) & 0xff;
    expect(framesOf(feed([tricky, GOOD]).results)).toEqual([tricky, GOOD]);
  });
});
