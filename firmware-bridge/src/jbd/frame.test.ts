import { describe, expect, it } from 'vitest';
import { prng } from '../../test/support/prng.js';
import { debugSession, hex, requestVectors, responseVectors, vendorCallbackIdFrame } from '../../test/vectors/jbd.js';
import { encodeReadRequest } from './codec.js';
import { type JbdDirection, JbdFrameSplitter, type SplitDiscard, type SplitResult } from './frame.js';

const GOOD = hex('DD 04 00 08 0F 23 0F 1C 0F 12 0F 1D FF 4E 77');

function feed(direction: JbdDirection, chunks: Uint8Array[]): { results: SplitResult[]; splitter: JbdFrameSplitter } {
  const splitter = new JbdFrameSplitter({ direction });
  const results = chunks.flatMap((chunk) => splitter.push(chunk));
  return { results, splitter };
}

const framesOf = (results: SplitResult[]) => results.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
const discardsOf = (results: SplitResult[]) => results.filter((r): r is SplitDiscard => r.type === 'discarded');
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function cuts(bytes: Uint8Array): Uint8Array[][] {
  const ways = Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
  ways.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  return ways;
}

describe('JbdFrameSplitter on golden vectors', () => {
  const cases: [string, JbdDirection, Uint8Array][] = [
    ...responseVectors.map((v): [string, JbdDirection, Uint8Array] => [v.name, 'response', v.bytes]),
    ...requestVectors.map((v): [string, JbdDirection, Uint8Array] => [v.name, 'request', v.bytes]),
  ];

  for (const [name, direction, bytes] of cases) {
    it(`${name}: same single frame however the input is cut`, () => {
      for (const chunks of cuts(bytes)) {
        const { results, splitter } = feed(direction, chunks);
        expect(results).toEqual([{ type: 'frame', frame: bytes }]);
        expect(splitter.pendingBytes).toBe(0);
      }
    });
  }

  it('finds every response vector back to back, cut anywhere', () => {
    const all = responseVectors.map((v) => v.bytes);
    const stream = join(...all);
    for (const chunks of cuts(stream)) {
      expect(framesOf(feed('response', chunks).results)).toEqual(all);
    }
  });

  it('replays a captured session with split reads and stale bytes', () => {
    const { results, splitter } = feed('response', debugSession.chunks);
    expect(framesOf(results)).toEqual(debugSession.frames);
    expect(discardsOf(results)).toEqual(debugSession.discards.map((d) => ({ type: 'discarded', ...d })));
    expect(splitter.stats).toEqual({ frames: 6, discardEvents: 2, discardedBytes: 4 });
  });

  it('gives the same frames and discards for that session cut at every offset', () => {
    const stream = join(...debugSession.chunks);
    for (const chunks of cuts(stream)) {
      const { results } = feed('response', chunks);
      expect(framesOf(results)).toEqual(debugSession.frames);
      // Garbage may be reported in more pieces when the cut falls inside it; the bytes are the same.
      expect(join(...discardsOf(results).map((d) => d.bytes))).toEqual(hex('00 00 0F 3E'));
    }
  });
});

describe('JbdFrameSplitter on malformed input', () => {
  it('discards a frame with a bad checksum and counts it', () => {
    const bad = GOOD.slice();
    bad[5] = 0x24;
    const { results, splitter } = feed('response', [bad, GOOD]);
    expect(results).toEqual([
      { type: 'discarded', reason: 'bad-checksum', bytes: bad },
      { type: 'frame', frame: GOOD },
    ]);
    expect(splitter.stats).toEqual({ frames: 1, discardEvents: 1, discardedBytes: bad.length });
  });

  it('discards a frame with a wrong end byte', () => {
    const bad = GOOD.slice();
    bad[bad.length - 1] = 0x78;
    const { results } = feed('response', [bad, GOOD]);
    expect(results.map((r) => r.type === 'discarded' && r.reason)).toEqual(['bad-end', false]);
    expect(framesOf(results)).toEqual([GOOD]);
  });

  it('recovers the good frame after a truncated one', () => {
    const truncated = GOOD.subarray(0, 9);
    for (const chunks of cuts(join(truncated, GOOD))) {
      const { results } = feed('response', chunks);
      expect(framesOf(results)).toEqual([GOOD]);
      expect(discardsOf(results)).toEqual([{ type: 'discarded', reason: 'bad-end', bytes: truncated }]);
    }
  });

  it('refuses an implausible length at once instead of waiting for 200 bytes', () => {
    const { results, splitter } = feed('response', [hex('DD 03 00 C8'), GOOD]);
    expect(results).toEqual([
      { type: 'discarded', reason: 'too-long', bytes: hex('DD 03 00 C8') },
      { type: 'frame', frame: GOOD },
    ]);
    expect(splitter.pendingBytes).toBe(0);
  });

  it('does not let noise that looks like a long frame hold back a complete response behind it', () => {
    const { results, splitter } = feed('response', [join(hex('DD 03 00 40'), GOOD)]);
    expect(results).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: hex('DD 03 00 40') },
      { type: 'frame', frame: GOOD },
    ]);
    expect(splitter.pendingBytes).toBe(0);
  });

  it('honours a custom maxDataLength, capped at what one length byte can say', () => {
    const strict = new JbdFrameSplitter({ direction: 'response', maxDataLength: 4 });
    expect(strict.push(GOOD)).toEqual([
      { type: 'discarded', reason: 'too-long', bytes: GOOD.subarray(0, 4) },
      { type: 'discarded', reason: 'garbage', bytes: GOOD.subarray(4) },
    ]);
    const lax = new JbdFrameSplitter({ direction: 'response', maxDataLength: 1000 });
    const frame = join(hex('DD 10 00 FF'), new Uint8Array(255), hex('FF 01 77'));
    expect(lax.push(frame)).toEqual([{ type: 'frame', frame }]);
  });

  it('refuses the vendor example that carries callback-id bytes the length byte does not count', () => {
    const { results } = feed('response', [vendorCallbackIdFrame.bytes, GOOD]);
    expect(discardsOf(results).map((d) => d.reason)).toEqual(['bad-end', 'garbage']);
    expect(framesOf(results)).toEqual([GOOD]);
  });

  it('resyncs on a start byte inside a rejected candidate', () => {
    // A bad frame whose data holds the start of the next real frame.
    const { results } = feed('response', [join(hex('DD 04 00 08 01 02'), GOOD)]);
    expect(framesOf(results)).toEqual([GOOD]);
    expect(discardsOf(results)).toEqual([{ type: 'discarded', reason: 'bad-end', bytes: hex('DD 04 00 08 01 02') }]);
  });

  it('treats responses as garbage on the request side, and requests as frames on the response side', () => {
    const request = encodeReadRequest(0x03);
    const requestSide = feed('request', [GOOD, request]).results;
    expect(requestSide).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: GOOD },
      { type: 'frame', frame: request },
    ]);
    // An RS485 echo of our own request is a well-formed frame (register byte A5); the driver sorts it out.
    expect(feed('response', [request]).results).toEqual([{ type: 'frame', frame: request }]);
  });

  it('never throws on seeded random garbage, accounts for every byte, and still finds the good frame', () => {
    const random = prng(0x1ba77e7);
    for (let round = 0; round < 500; round++) {
      // Bias towards start and end bytes so the hard paths get exercised, not just plain garbage.
      const garbage = Uint8Array.from({ length: Math.floor(random() * 120) }, () => {
        const r = random();
        return r < 0.1 ? 0xdd : r < 0.15 ? 0x77 : Math.floor(random() * 256);
      });
      const stream = join(garbage, GOOD);
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < stream.length; ) {
        const size = 1 + Math.floor(random() * 16);
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      const { results, splitter } = feed('response', chunks);
      expect(framesOf(results).at(-1)).toEqual(GOOD);
      const frameBytes = framesOf(results).reduce((n, f) => n + f.length, 0);
      const { discardedBytes, discardEvents } = splitter.stats;
      expect(frameBytes + discardedBytes + splitter.pendingBytes).toBe(stream.length);
      expect(discardEvents).toBe(discardsOf(results).length);
    }
  });

  it('never throws on random bytes in either direction', () => {
    const random = prng(42);
    for (const direction of ['request', 'response'] as const) {
      const splitter = new JbdFrameSplitter({ direction });
      let seen = 0;
      let frameBytes = 0;
      for (let round = 0; round < 2000; round++) {
        const chunk = Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
        seen += chunk.length;
        for (const frame of framesOf(splitter.push(chunk))) frameBytes += frame.length;
      }
      const { discardedBytes, discardEvents } = splitter.stats;
      expect(frameBytes + discardedBytes + splitter.pendingBytes).toBe(seen);
      expect(discardEvents).toBeGreaterThan(100);
    }
  });

  it('holds back only what could still start a frame', () => {
    const splitter = new JbdFrameSplitter({ direction: 'response' });
    expect(splitter.push(hex('01 02 DD 04'))).toEqual([{ type: 'discarded', reason: 'garbage', bytes: hex('01 02') }]);
    expect(splitter.pendingBytes).toBe(2);
    expect(splitter.push(new Uint8Array(0))).toEqual([]);
  });
});
