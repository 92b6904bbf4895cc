import { describe, expect, it } from 'vitest';
import { hex, ktNegativeVectors, ktVectors } from '../../test/vectors/kt.js';
import { KtFrameSplitter, type KtFrameSplitterOptions, type KtSplitDiscard, type KtSplitResult } from './frame.js';

const CONTROLLER = hex('41 10 30 00 8B 00 A4 02 0D 00 00 00');
const LCD = hex('0C 00 95 A0 29 66 12 4A 04 14 00 32 0E');

function feed(chunks: Uint8Array[], options: KtFrameSplitterOptions = {}) {
  const splitter = new KtFrameSplitter(options);
  const results = chunks.flatMap((chunk) => splitter.push(chunk));
  return { results, splitter };
}

const framesOf = (results: KtSplitResult[]) => results.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
const discardsOf = (results: KtSplitResult[]) => results.filter((r): r is KtSplitDiscard => r.type === 'discarded');
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function cuts(bytes: Uint8Array): Uint8Array[][] {
  const ways = Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
  ways.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  return ways;
}

describe('KtFrameSplitter on golden vectors', () => {
  for (const vector of ktVectors) {
    it(`${vector.name}: the same single frame however the input is cut`, () => {
      for (const chunks of cuts(vector.bytes)) {
        const { results, splitter } = feed(chunks);
        expect(results).toEqual([{ type: 'frame', frame: vector.bytes }]);
        expect(splitter.pendingBytes).toBe(0);
      }
    });
  }

  it('finds both directions of a shared line back to back, cut anywhere, and tells them apart', () => {
    const all = ktVectors.map((v) => v.bytes);
    for (const chunks of cuts(join(...all))) {
      const { results, splitter } = feed(chunks);
      expect(framesOf(results)).toEqual(all);
      expect(splitter.stats).toMatchObject({
        controllerFrames: 3,
        lcdFrames: 4,
        discardEvents: 0,
        checksumFailures: 0,
      });
    }
  });
});

describe('KtFrameSplitter on malformed input', () => {
  for (const vector of ktNegativeVectors) {
    it(`${vector.name}: discarded, and the good frame after it still found, however cut`, () => {
      const options = vector.lcdChecksumKeys === undefined ? {} : { lcdChecksumKeys: vector.lcdChecksumKeys };
      for (const chunks of cuts(join(vector.bytes, CONTROLLER))) {
        const { results, splitter } = feed(chunks, options);
        expect(framesOf(results)).toEqual([CONTROLLER]);
        expect(join(...discardsOf(results).map((d) => d.bytes))).toEqual(vector.bytes);
        expect(splitter.stats.discardedBytes).toBe(vector.bytes.length);
      }
      // Uncut, the reasons are exactly these (a cut may split a run into more pieces).
      expect(discardsOf(feed([join(vector.bytes, CONTROLLER)], options).results).map((d) => d.reason)).toEqual(
        vector.discardReasons,
      );
    });
  }

  it('counts a corrupted frame once, whatever the cut', () => {
    const bad = CONTROLLER.slice();
    bad[8] = 0x0e;
    for (const chunks of cuts(join(bad, LCD))) {
      expect(feed(chunks).splitter.stats).toMatchObject({ checksumFailures: 1, frames: 1, discardedBytes: 12 });
    }
  });

  it('keeps the garbage before a bad frame apart from the bad frame', () => {
    const bad = CONTROLLER.slice();
    bad[6] = 0;
    expect(discardsOf(feed([join(hex('00 01'), bad, LCD)]).results)).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: hex('00 01') },
      { type: 'discarded', reason: 'bad-checksum', bytes: bad },
    ]);
  });

  it('accepts only the configured LCD keys', () => {
    const lcd8 = ktVectors.find((v) => v.name.startsWith('LCD8'))?.bytes ?? new Uint8Array(0);
    expect(framesOf(feed([lcd8, LCD], { lcdChecksumKeys: [31] }).results)).toEqual([lcd8]);
    expect(framesOf(feed([lcd8, LCD], { lcdChecksumKeys: [2] }).results)).toEqual([LCD]);
  });

  it('holds back less than a frame, and emits a controller frame as soon as it is whole', () => {
    const splitter = new KtFrameSplitter();
    // 11 bytes cannot be judged yet: with two more they could still end an LCD frame.
    expect(splitter.push(new Uint8Array(40))).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: new Uint8Array(29) },
    ]);
    expect(splitter.pendingBytes).toBe(11);
    expect(framesOf(splitter.push(CONTROLLER))).toEqual([CONTROLLER]);
    expect(splitter.pendingBytes).toBe(0);
    expect(splitter.push(new Uint8Array(0))).toEqual([]);
  });
});
