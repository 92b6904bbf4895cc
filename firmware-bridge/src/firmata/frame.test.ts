import { describe, expect, it } from 'vitest';
import { hex, messageVectors, streamVectors } from '../../test/vectors/firmata.js';
import { decodeFirmataMessage } from './codec.js';
import {
  type FirmataDirection,
  FirmataFrameSplitter,
  type FirmataSplitResult,
  firmataMessageLength,
  type FirmataFrameSplitter as Splitter,
} from './frame.js';

function feed(direction: FirmataDirection, chunks: Uint8Array[], maxSysexLength?: number) {
  const splitter: Splitter = new FirmataFrameSplitter({ direction, maxSysexLength });
  const results = chunks.flatMap((chunk) => splitter.push(chunk));
  return { results, splitter };
}

const framesOf = (results: FirmataSplitResult[]) => results.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Discards with neighbours of the same reason merged: a cut inside a garbage run splits it in two. */
function discardsOf(results: FirmataSplitResult[]): { reason: string; bytes: Uint8Array }[] {
  const merged: { reason: string; bytes: Uint8Array }[] = [];
  let previous: FirmataSplitResult | undefined;
  for (const result of results) {
    const last = merged.at(-1);
    if (result.type === 'discarded') {
      if (last !== undefined && previous?.type === 'discarded' && last.reason === result.reason) {
        last.bytes = join(last.bytes, result.bytes);
      } else {
        merged.push({ reason: result.reason, bytes: result.bytes });
      }
    }
    previous = result;
  }
  return merged;
}

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function cuts(bytes: Uint8Array): Uint8Array[][] {
  const ways = Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
  ways.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  return ways;
}

describe('FirmataFrameSplitter on golden vectors', () => {
  for (const vector of messageVectors) {
    it(`${vector.name}: one frame however the input is cut`, () => {
      for (const chunks of cuts(vector.bytes)) {
        const { results, splitter } = feed(vector.direction, chunks);
        expect(results).toEqual([{ type: 'frame', frame: vector.bytes }]);
        expect(splitter.pendingBytes).toBe(0);
      }
    });
  }

  for (const vector of streamVectors) {
    it(`${vector.name}: the frames and discards the capture holds, cut anywhere`, () => {
      const whole = feed(vector.direction, [vector.bytes]);
      const kinds: Record<string, number> = {};
      for (const frame of framesOf(whole.results)) {
        const decoded = decodeFirmataMessage(frame);
        if (!decoded.ok) throw new Error(`undecodable frame ${decoded.detail}`);
        kinds[decoded.message.kind] = (kinds[decoded.message.kind] ?? 0) + 1;
      }
      expect(kinds).toEqual(vector.frameKinds);
      expect(discardsOf(whole.results)).toEqual(vector.discards);
      expect(whole.splitter.pendingBytes).toBe(0);
      for (const chunks of cuts(vector.bytes)) {
        const { results } = feed(vector.direction, chunks);
        expect(framesOf(results)).toEqual(framesOf(whole.results));
        expect(discardsOf(results)).toEqual(vector.discards);
      }
    });
  }
});

describe('FirmataFrameSplitter on malformed input', () => {
  const analog = hex('E0 41 02');

  it('discards a message cut short by the next command byte, and keeps the next one', () => {
    expect(feed('fromBoard', [hex('E0 41 E0 41 02')]).results).toEqual([
      { type: 'discarded', reason: 'truncated', bytes: hex('E0 41') },
      { type: 'frame', frame: analog },
    ]);
  });

  it('discards a sysex interrupted by a command byte', () => {
    expect(feed('fromBoard', [hex('F0 79 02 F9 02 05')]).results).toEqual([
      { type: 'discarded', reason: 'truncated', bytes: hex('F0 79 02') },
      { type: 'frame', frame: hex('F9 02 05') },
    ]);
  });

  it('refuses an oversized sysex at once, with the rest of it up to F7, then resyncs', () => {
    const long = join(hex('F0 71'), new Uint8Array(20).fill(0x41), hex('F7'));
    const { results, splitter } = feed('fromBoard', [long, analog], 8);
    expect(results).toEqual([
      { type: 'discarded', reason: 'too-long', bytes: long.subarray(0, 8) },
      { type: 'discarded', reason: 'too-long', bytes: long.subarray(8) },
      { type: 'frame', frame: analog },
    ]);
    expect(splitter.stats).toEqual({ frames: 1, discardEvents: 2, discardedBytes: long.length });
  });

  it('accepts a sysex of exactly maxSysexLength bytes', () => {
    const frame = hex('F0 6D 07 F7');
    expect(feed('toBoard', [frame], 4).results).toEqual([{ type: 'frame', frame }]);
  });

  it('treats undefined command bytes and their data as one unknown-command discard', () => {
    expect(feed('fromBoard', [hex('80 3C 40 FE'), analog]).results).toEqual([
      { type: 'discarded', reason: 'unknown-command', bytes: hex('80 3C 40 FE') },
      { type: 'frame', frame: analog },
    ]);
  });

  it('keeps the reason of a stray run across pushes', () => {
    expect(discardsOf(feed('fromBoard', [hex('A0 01'), hex('02'), analog]).results)).toEqual([
      { reason: 'unknown-command', bytes: hex('A0 01 02') },
    ]);
  });

  it('reads a lone F9 as a whole message only on the host side', () => {
    expect(feed('toBoard', [hex('F9 F0 79 F7')]).results.map((r) => r.type)).toEqual(['frame', 'frame']);
    expect(feed('fromBoard', [hex('F9 F0 79 F7')]).results).toEqual([
      { type: 'discarded', reason: 'truncated', bytes: hex('F9') },
      { type: 'frame', frame: hex('F0 79 F7') },
    ]);
  });

  it('holds only the message in progress', () => {
    const splitter = new FirmataFrameSplitter({ direction: 'fromBoard' });
    expect(splitter.push(hex('01 02 F0 79 02'))).toEqual([
      { type: 'discarded', reason: 'garbage', bytes: hex('01 02') },
    ]);
    expect(splitter.pendingBytes).toBe(3);
    expect(splitter.push(new Uint8Array(0))).toEqual([]);
    expect(splitter.push(hex('05 F7'))).toEqual([{ type: 'frame', frame: hex('F0 79 02 05 F7') }]);
    expect(splitter.stats).toEqual({ frames: 1, discardEvents: 1, discardedBytes: 2 });
  });

  it('returns copies, not views of the caller buffer', () => {
    const input = hex('E0 41 02 41');
    const results = feed('fromBoard', [input]).results;
    input.fill(0);
    expect(results).toEqual([
      { type: 'frame', frame: analog },
      { type: 'discarded', reason: 'garbage', bytes: hex('41') },
    ]);
  });
});

describe('firmataMessageLength', () => {
  it.each([
    [0x90, 3],
    [0xe5, 3],
    [0xc3, 2],
    [0xdf, 2],
    [0xf4, 3],
    [0xf5, 3],
    [0xff, 1],
    [0xf0, -1],
    [0x80, 0],
    [0xa0, 0],
    [0xb0, 0],
    [0xf6, 0],
    [0x41, 0],
  ])('0x%s takes %i bytes (-1 sysex, 0 unknown)', (command, length) => {
    expect(firmataMessageLength(command, 'fromBoard')).toBe(length);
  });

  it('gives F9 three bytes from the board and one from the host', () => {
    expect(firmataMessageLength(0xf9, 'fromBoard')).toBe(3);
    expect(firmataMessageLength(0xf9, 'toBoard')).toBe(1);
  });
});
