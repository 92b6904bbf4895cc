import { describe, expect, it } from 'vitest';
import { bafangStreams, bafangVectors, hex } from '../../test/vectors/bafang.js';
import { BafangFrameSplitter, type BafangSplitDiscard, type BafangSplitResult } from './frame.js';

/** A status exchange: what follows a vector in a real poll round, and what lets a last request be judged. */
const NEXT = hex('11 08 01');

function feed(chunks: Uint8Array[]) {
  const splitter = new BafangFrameSplitter();
  const results = chunks.flatMap((chunk) => splitter.push(chunk));
  return { results, splitter };
}

const framesOf = (results: BafangSplitResult[]) => results.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
const discardsOf = (results: BafangSplitResult[]) =>
  results.filter((r): r is BafangSplitDiscard => r.type === 'discarded');
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function cuts(bytes: Uint8Array): Uint8Array[][] {
  const ways = Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
  ways.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  return ways;
}

describe('BafangFrameSplitter on golden vectors', () => {
  for (const vector of bafangVectors) {
    it(`${vector.name}: the same frame however the input is cut`, () => {
      for (const chunks of cuts(join(vector.bytes, NEXT))) {
        const { results, splitter } = feed(chunks);
        expect(results).toEqual([
          { type: 'frame', frame: vector.bytes },
          { type: 'frame', frame: NEXT },
        ]);
        expect(splitter.pendingBytes).toBe(0);
      }
    });
  }

  for (const stream of bafangStreams) {
    it(`${stream.name}: frames and discarded bytes independent of the cuts`, () => {
      for (const chunks of cuts(stream.bytes)) {
        const { results, splitter } = feed(chunks);
        expect(framesOf(results)).toEqual(stream.frames);
        expect(join(...discardsOf(results).map((d) => d.bytes))).toEqual(join(...stream.discards.map((d) => d.bytes)));
        expect(splitter.pendingBytes).toBe(0);
      }
      const whole = discardsOf(feed([stream.bytes]).results).map(({ reason, bytes }) => ({ reason, bytes }));
      expect(whole).toEqual(stream.discards);
    });
  }

  it('counts exchanges, writes and unanswered requests', () => {
    const all = join(...bafangStreams.map((s) => s.bytes));
    expect(feed([all]).splitter.stats).toEqual({
      frames: 13,
      exchanges: 10,
      writes: 1,
      unanswered: 2,
      discardEvents: 4,
      discardedBytes: 12,
    });
  });
});

describe('BafangFrameSplitter on malformed input', () => {
  it('waits for the reply, then gives the request out alone when what follows is no reply', () => {
    const splitter = new BafangFrameSplitter();
    expect(splitter.push(hex('11 20 00'))).toEqual([]);
    expect(splitter.pendingBytes).toBe(3);
    expect(framesOf(splitter.push(hex('11 0A 10 10')))).toEqual([hex('11 20'), hex('11 0A 10 10')]);
  });

  it('does not let an unknown opcode swallow a frame that starts in its second byte', () => {
    const { results } = feed([hex('11 16 1A F1')]);
    expect(results).toEqual([
      { type: 'discarded', reason: 'unknown-opcode', bytes: hex('11') },
      { type: 'frame', frame: hex('16 1A F1') },
    ]);
  });

  it('resyncs on a start byte inside a write with a bad checksum', () => {
    const { results } = feed([hex('16 0C 11 08 01')]);
    expect(results).toEqual([
      { type: 'discarded', reason: 'bad-checksum', bytes: hex('16 0C') },
      { type: 'frame', frame: hex('11 08 01') },
    ]);
  });

  it('reads 11 0A 11 11 as 8.5 A when the bytes after it rule out a battery poll', () => {
    const { results } = feed([hex('11 0A 11 11 11 20 00 A1 C1')]);
    expect(framesOf(results)).toEqual([hex('11 0A 11 11'), hex('11 20 00 A1 C1')]);
  });

  it('holds back nothing but an unfinished frame', () => {
    const splitter = new BafangFrameSplitter();
    expect(splitter.push(hex('00 01 02 11'))).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: hex('00 01 02') },
    ]);
    expect(splitter.pendingBytes).toBe(1);
    expect(splitter.push(new Uint8Array(0))).toEqual([]);
  });
});
