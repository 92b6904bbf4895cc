import { describe, expect, it } from 'vitest';
import type { SplitResult, SplitterStats } from './framing.js';
import { BufferedSplitter, FramingBuffer } from './framing-buffer.js';

type ToyReason = 'garbage' | 'bad-end' | 'suspect';

/**
 * A toy family to drive the shared part through: `AA <n> <n bytes> 55`. A wrong end byte
 * discards the start byte alone ('bad-end'); anything else that is no start is garbage.
 */
class ToySplitter extends BufferedSplitter<ToyReason, SplitterStats & { badEnds: number }> {
  constructor() {
    super({ badEnds: 0 });
  }

  protected scan(buf: Uint8Array): number {
    let at = 0;
    while (at < buf.length) {
      if (buf[at] !== 0xaa) {
        at++;
        continue;
      }
      const n = buf[at + 1];
      if (n === undefined || buf.length - at < n + 3) break;
      if (buf[at + n + 2] === 0x55) {
        at = this.buffer.frame(at, at + n + 3);
      } else {
        at = this.buffer.discard(at, at + 1, 'bad-end');
        this.buffer.counters.badEnds++;
      }
    }
    return at;
  }
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const frame = (b: Uint8Array): SplitResult => ({ type: 'frame', frame: b });
const discard = (b: Uint8Array, reason: ToyReason): SplitResult<ToyReason> => ({ type: 'discarded', bytes: b, reason });

describe('FramingBuffer', () => {
  it('reports the bytes passed over between two claims as one garbage run, then the claim', () => {
    const buffer = new FramingBuffer<ToyReason>();
    const buf = buffer.begin(bytes(1, 2, 3, 0xaa, 0, 0x55, 4));
    expect(buffer.frame(3, 6)).toBe(6);
    expect(buffer.end(6)).toEqual([discard(bytes(1, 2, 3), 'garbage'), frame(bytes(0xaa, 0, 0x55))]);
    expect(buffer.pendingBytes).toBe(1);
    expect(buf).toHaveLength(7);
    expect(buffer.stats).toEqual({ frames: 1, discardedBytes: 3, discardEvents: 1 });
  });

  it('holds back the tail and puts it in front of the next push', () => {
    const buffer = new FramingBuffer<ToyReason>();
    buffer.begin(bytes(9, 0xaa, 1));
    expect(buffer.end(1)).toEqual([discard(bytes(9), 'garbage')]);
    expect(buffer.pendingBytes).toBe(2);
    const buf = buffer.begin(bytes(7, 0x55));
    expect([...buf]).toEqual([0xaa, 1, 7, 0x55]);
    buffer.frame(0, 4);
    expect(buffer.end(4)).toEqual([frame(bytes(0xaa, 1, 7, 0x55))]);
    expect(buffer.pendingBytes).toBe(0);
  });

  it('gives out copies, so results survive the caller reusing its read buffer', () => {
    const buffer = new FramingBuffer<ToyReason>();
    const input = bytes(1, 0xaa, 0, 0x55, 0xaa);
    buffer.begin(input);
    buffer.frame(1, 4);
    const results = buffer.end(4);
    input.fill(0);
    expect(results).toEqual([discard(bytes(1), 'garbage'), frame(bytes(0xaa, 0, 0x55))]);
    expect([...buffer.begin(bytes())]).toEqual([0xaa]);
  });

  it('emits nothing for an empty run or an empty discard', () => {
    const buffer = new FramingBuffer<ToyReason>();
    buffer.begin(bytes(0xaa, 0, 0x55, 0xaa, 0, 0x55));
    buffer.frame(0, 3);
    buffer.discard(3, 3, 'bad-end');
    buffer.frame(3, 6);
    expect(buffer.end(6)).toHaveLength(2);
    expect(buffer.stats).toEqual({ frames: 2, discardedBytes: 0, discardEvents: 0 });
  });

  it('reports a run under the reason startRun() gave it, apart from the run before', () => {
    const buffer = new FramingBuffer<ToyReason>();
    buffer.begin(bytes(1, 2, 3, 4, 5, 0xaa, 0, 0x55, 6));
    buffer.startRun(2, 'suspect');
    buffer.frame(5, 8);
    expect(buffer.end(9)).toEqual([
      discard(bytes(1, 2), 'garbage'),
      discard(bytes(3, 4, 5), 'suspect'),
      frame(bytes(0xaa, 0, 0x55)),
      // After a claim, passed-over bytes are garbage again.
      discard(bytes(6), 'garbage'),
    ]);
    expect(buffer.stats).toEqual({ frames: 1, discardedBytes: 6, discardEvents: 3 });
  });

  it('ends a named run at the end of the push too, and starts the next push with garbage', () => {
    const buffer = new FramingBuffer<ToyReason>();
    buffer.begin(bytes(1, 2, 3));
    buffer.startRun(1, 'suspect');
    expect(buffer.end(3)).toEqual([discard(bytes(1), 'garbage'), discard(bytes(2, 3), 'suspect')]);
    buffer.begin(bytes(4));
    expect(buffer.end(1)).toEqual([discard(bytes(4), 'garbage')]);
  });

  it('hands out a fresh results array per push and copies of the counters', () => {
    const buffer = new FramingBuffer<ToyReason>();
    buffer.begin(bytes(1));
    const first = buffer.end(1);
    buffer.begin(bytes(2));
    const second = buffer.end(1);
    expect(first).not.toBe(second);
    expect(first).toHaveLength(1);
    const stats = buffer.stats;
    stats.frames = 99;
    expect(buffer.stats.frames).toBe(0);
  });

  it("keeps a family's own counters after the shared ones, in the family's order", () => {
    const buffer = new FramingBuffer<ToyReason, SplitterStats & { b: number; a: number }>({ b: 0, a: 0 });
    buffer.counters.a++;
    expect(Object.keys(buffer.stats)).toEqual(['frames', 'discardedBytes', 'discardEvents', 'b', 'a']);
    expect(buffer.stats).toEqual({ frames: 0, discardedBytes: 0, discardEvents: 0, b: 0, a: 1 });
  });
});

describe('BufferedSplitter', () => {
  const good = bytes(0xaa, 2, 0x10, 0x20, 0x55);
  const stream = join(bytes(1, 2), good, bytes(0xaa, 1, 0x30, 0x00), good, bytes(0xaa, 3, 0x99));

  it('splits through scan() and accounts for every byte', () => {
    const splitter = new ToySplitter();
    const results = splitter.push(stream);
    expect(results).toEqual([
      discard(bytes(1, 2), 'garbage'),
      frame(good),
      discard(bytes(0xaa), 'bad-end'),
      discard(bytes(1, 0x30, 0x00), 'garbage'),
      frame(good),
    ]);
    expect(splitter.pendingBytes).toBe(3);
    expect(splitter.stats).toEqual({ frames: 2, discardedBytes: 6, discardEvents: 3, badEnds: 1 });
  });

  it('gives the same frames and discarded bytes however the stream is cut', () => {
    const whole = new ToySplitter().push(stream);
    const framesOf = (rs: SplitResult[]) => rs.flatMap((r) => (r.type === 'frame' ? [[...r.frame]] : []));
    const discardedOf = (rs: SplitResult[]) => rs.flatMap((r) => (r.type === 'discarded' ? [...r.bytes] : []));
    for (let cut = 0; cut <= stream.length; cut++) {
      const splitter = new ToySplitter();
      const results = [...splitter.push(stream.subarray(0, cut)), ...splitter.push(stream.subarray(cut))];
      expect(framesOf(results)).toEqual(framesOf(whole));
      expect(discardedOf(results)).toEqual(discardedOf(whole));
      const { frames, discardedBytes } = splitter.stats;
      expect(frames * good.length + discardedBytes + splitter.pendingBytes).toBe(stream.length);
    }
  });

  it('byte by byte, holds back a partial frame and never loses a byte', () => {
    const splitter = new ToySplitter();
    let seen = 0;
    for (const b of stream) {
      splitter.push(bytes(b));
      seen++;
      const { frames, discardedBytes } = splitter.stats;
      expect(frames * good.length + discardedBytes + splitter.pendingBytes).toBe(seen);
    }
    expect(splitter.stats.frames).toBe(2);
  });
});
