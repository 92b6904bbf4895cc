import { describe, expect, it } from 'vitest';
import { prng } from '../../test/support/prng.js';
import {
  framingVectors,
  hex,
  mixedStream,
  negativeVectors,
  replyVectors,
  requestVectors,
} from '../../test/vectors/vesc.js';
import {
  encodeVescFrame,
  unwrapVescFrame,
  VescFrameSplitter,
  type VescFrameSplitterOptions,
  type VescSplitDiscard,
  type VescSplitResult,
} from './frame.js';

const GOOD = hex('02 01 04 40 84 03');

function feed(chunks: Uint8Array[], options?: VescFrameSplitterOptions) {
  const splitter = new VescFrameSplitter(options);
  const results = chunks.flatMap((chunk) => splitter.push(chunk));
  return { results, splitter };
}

const framesOf = (results: VescSplitResult[]) => results.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
const discardsOf = (results: VescSplitResult[]) => results.filter((r): r is VescSplitDiscard => r.type === 'discarded');
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function cuts(bytes: Uint8Array): Uint8Array[][] {
  const ways = Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
  ways.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  return ways;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const golden = [...replyVectors, ...requestVectors, ...framingVectors];

describe('VescFrameSplitter on golden vectors', () => {
  for (const { name, bytes } of golden) {
    it(`${name}: the same single frame however the input is cut`, () => {
      for (const chunks of cuts(bytes)) {
        const { results, splitter } = feed(chunks);
        expect(results).toEqual([{ type: 'frame', frame: bytes }]);
        expect(splitter.pendingBytes).toBe(0);
      }
    });
  }

  it('finds every golden frame back to back, cut anywhere', () => {
    const all = golden.map((v) => v.bytes);
    const stream = join(...all);
    for (const chunks of cuts(stream)) expect(framesOf(feed(chunks).results)).toEqual(all);
  });

  it('sorts a stream of captures, junk and a corrupted frame the same way wherever it is cut', () => {
    for (const chunks of cuts(mixedStream.bytes)) {
      const { results, splitter } = feed(chunks);
      expect(framesOf(results)).toEqual(mixedStream.frames);
      expect(join(...discardsOf(results).map((d) => d.bytes))).toEqual(mixedStream.discarded);
      expect(splitter.pendingBytes).toBe(0);
    }
  });
});

describe('VescFrameSplitter on malformed input', () => {
  for (const vector of negativeVectors) {
    it(`${vector.name}: ${vector.discards.join(', ') || 'held back'}, and the good frame after it still comes out`, () => {
      const alone = feed([vector.bytes]);
      expect(framesOf(alone.results)).toEqual([]);
      expect(discardsOf(alone.results).map((d) => d.reason)).toEqual(vector.discards);
      for (const chunks of cuts(join(vector.bytes, GOOD))) {
        const { results, splitter } = feed(chunks);
        expect(framesOf(results)).toEqual([GOOD]);
        expect(join(...discardsOf(results).map((d) => d.bytes))).toEqual(vector.bytes);
        expect(splitter.pendingBytes).toBe(0);
      }
    });
  }

  it('reports a bad CRC once, resyncs one byte on, and counts it', () => {
    const bad = GOOD.slice();
    bad[3] = 0x85;
    const { results, splitter } = feed([bad, GOOD]);
    // The bad frame's end byte could start a long frame: read with GOOD's first two bytes it claims 513 bytes.
    expect(results).toEqual([
      { type: 'discarded', reason: 'bad-checksum', bytes: bad.subarray(0, 5) },
      { type: 'discarded', reason: 'too-long', bytes: hex('03') },
      { type: 'frame', frame: GOOD },
    ]);
    expect(splitter.stats).toEqual({ frames: 1, discardEvents: 2, discardedBytes: 6 });
  });

  it('refuses a length above the bound at once instead of waiting for it', () => {
    const { results, splitter } = feed([hex('02 C8 04'), GOOD], { maxPayloadLength: 100 });
    expect(results).toEqual([
      { type: 'discarded', reason: 'too-long', bytes: hex('02 C8') },
      { type: 'discarded', reason: 'garbage', bytes: hex('04') },
      { type: 'frame', frame: GOOD },
    ]);
    expect(splitter.pendingBytes).toBe(0);
    // 03 02 17 claims 535 bytes: more than the firmware's 512, so it is refused on sight.
    expect(feed([hex('03 02 17')]).results.map((r) => r.type === 'discarded' && r.reason)).toEqual(['too-long']);
  });

  it('does not let a candidate that claims a long payload hold back a complete frame behind it', () => {
    const { results, splitter } = feed([join(hex('02 C8 04 11'), GOOD)]);
    expect(results).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: hex('02 C8 04 11') },
      { type: 'frame', frame: GOOD },
    ]);
    expect(splitter.pendingBytes).toBe(0);
  });

  it('holds back only what could still start a frame', () => {
    const splitter = new VescFrameSplitter();
    expect(splitter.push(hex('01 FF 02 49'))).toEqual([{ type: 'discarded', reason: 'garbage', bytes: hex('01 FF') }]);
    expect(splitter.pendingBytes).toBe(2);
    expect(splitter.push(new Uint8Array(0))).toEqual([]);
    expect(splitter.pendingBytes).toBe(2);
  });

  it('never throws on seeded random garbage, accounts for every byte, and still finds the good frame', () => {
    const random = prng(0x7e5c);
    for (let round = 0; round < 500; round++) {
      // Start and end bytes are frequent in real noise (every frame ends with 03), so bias towards them.
      const garbage = Uint8Array.from({ length: Math.floor(random() * 120) }, () => {
        const r = random();
        return r < 0.1 ? 0x02 : r < 0.2 ? 0x03 : Math.floor(random() * 256);
      });
      const stream = join(garbage, GOOD);
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < stream.length; ) {
        const size = 1 + Math.floor(random() * 16);
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      const { results, splitter } = feed(chunks);
      expect(framesOf(results).at(-1)).toEqual(GOOD);
      const frameBytes = framesOf(results).reduce((n, f) => n + f.length, 0);
      expect(frameBytes + splitter.stats.discardedBytes + splitter.pendingBytes).toBe(stream.length);
      expect(splitter.stats.discardEvents).toBe(discardsOf(results).length);
    }
  });
});

describe('encodeVescFrame / unwrapVescFrame', () => {
  it('round-trips every golden frame', () => {
    for (const { bytes } of golden) expect(encodeVescFrame(unwrapVescFrame(bytes))).toEqual(bytes);
    for (const { bytes, payload } of framingVectors) expect(unwrapVescFrame(bytes)).toEqual(payload);
  });

  it('switches to the long form above 255 bytes and back at 255', () => {
    expect(encodeVescFrame(new Uint8Array(255)).subarray(0, 2)).toEqual(hex('02 FF'));
    expect(encodeVescFrame(new Uint8Array(256)).subarray(0, 3)).toEqual(hex('03 01 00'));
    // The firmware also accepts 255 in the long form; so do we.
    const long255 = join(hex('03 00 FF'), new Uint8Array(255), hex('00 00 03'));
    expect(unwrapVescFrame(long255)).toHaveLength(255);
    expect(feed([long255]).results).toEqual([{ type: 'frame', frame: long255 }]);
  });

  it('refuses payloads it cannot frame with BRG_ENCODE_RANGE', () => {
    expect(codeOf(() => encodeVescFrame(new Uint8Array(0)))).toBe('BRG_ENCODE_RANGE');
    expect(codeOf(() => encodeVescFrame(new Uint8Array(0x10000)))).toBe('BRG_ENCODE_RANGE');
  });

  it.each([
    ['empty input', ''],
    ['a lone start byte', '02'],
    ['a truncated frame', '02 01 04 40 84'],
    ['trailing bytes', '02 01 04 40 84 03 00'],
    ['bad CRC', '02 01 04 40 85 03'],
    ['bad end byte', '02 01 04 40 84 04'],
    ['zero length', '02 00 00 00 03'],
    ['long form for a short payload', '03 00 01 04 40 84 03'],
  ])('refuses %s with BRG_FRAME_INVALID', (_, bytes) => {
    expect(codeOf(() => unwrapVescFrame(hex(bytes)))).toBe('BRG_FRAME_INVALID');
  });
});
