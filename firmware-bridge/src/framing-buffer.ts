import type { FrameSplitter, SplitResult, SplitterStats } from './framing.js';

/** The counters a family adds to SplitterStats, which it starts at zero itself. */
export type ExtraCounters<S extends SplitterStats> = Omit<S, keyof SplitterStats>;

/** Constructor arguments: nothing for plain SplitterStats, the starting values of the extra counters otherwise. */
export type ExtraCountersArg<S extends SplitterStats> = keyof ExtraCounters<S> extends never
  ? []
  : [counters: ExtraCounters<S>];

const EMPTY = new Uint8Array(0);

/**
 * The bookkeeping every frame splitter shares, so that each family's frame.ts holds only how its
 * frames are recognised. It keeps the bytes held back between pushes, the results of the push
 * under way and the counters, and it makes sure each byte lands in exactly one result.
 *
 * One push is begin(bytes), which gives the buffer to scan; then the family's claims on spans of
 * it, frame() and discard(); then end(at), `at` being the first byte to hold back (BufferedSplitter
 * below does the begin and the end). Bytes passed over between claims form a run, reported as one
 * discard (reason 'garbage', unless startRun() named another) when the next span is claimed or the
 * push ends: one discard per run rather than one per byte.
 *
 * The family's own counters live in `counters` too, so that `stats` copies them all at once. No
 * allocation per byte: per push, one joined buffer (only when bytes were held back), the results
 * array, and one copy per result and for the bytes held back.
 */
export class FramingBuffer<R extends string, S extends SplitterStats = SplitterStats> {
  /** Live counters; a family bumps its own ones here. Read them through `stats`, which copies. */
  readonly counters: S;
  private pending: Uint8Array = EMPTY;
  private buf: Uint8Array = EMPTY;
  private out: SplitResult<R | 'garbage'>[] = [];
  private runFrom = 0;
  private runReason: R | 'garbage' = 'garbage';

  /** A family with counters beyond SplitterStats passes their starting values (zeroes). */
  constructor(...extra: ExtraCountersArg<S>) {
    // The base three come first, so stats keep the key order they always had.
    this.counters = { frames: 0, discardedBytes: 0, discardEvents: 0, ...extra[0] } as S;
  }

  get stats(): S {
    return { ...this.counters };
  }

  /** Bytes held back because they may start a frame that has not fully arrived. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Starts a push: the bytes held back followed by `bytes`, the buffer every offset refers to. */
  begin(bytes: Uint8Array): Uint8Array {
    const held = this.pending;
    let buf = bytes;
    if (held.length > 0) {
      buf = new Uint8Array(held.length + bytes.length);
      buf.set(held);
      buf.set(bytes, held.length);
    }
    this.buf = buf;
    this.runFrom = 0;
    this.runReason = 'garbage';
    return buf;
  }

  /** Gives out buf[from, to) as a frame (a copy) and counts it; returns `to`, where scanning resumes. */
  frame(from: number, to: number): number {
    this.flushRun(from);
    this.out.push({ type: 'frame', frame: this.buf.slice(from, to) });
    this.counters.frames++;
    this.runFrom = to;
    this.runReason = 'garbage';
    return to;
  }

  /** Gives out buf[from, to) as one discard (a copy, none if empty) and counts it; returns `to`. */
  discard(from: number, to: number, reason: R): number {
    this.flushRun(from);
    this.emitDiscard(from, to, reason);
    this.runFrom = to;
    this.runReason = 'garbage';
    return to;
  }

  /**
   * Ends the run under way before `at` and starts a new one there with `reason`: for bytes the
   * family can tell more about than 'garbage', such as a corrupted frame without a clear end.
   */
  startRun(at: number, reason: R): void {
    this.flushRun(at);
    this.runFrom = at;
    this.runReason = reason;
  }

  /** Ends the push: the run before `at` goes out, buf[at…] is held back, and the results are handed over. */
  end(at: number): SplitResult<R | 'garbage'>[] {
    this.flushRun(at);
    const buf = this.buf;
    this.pending = at < buf.length ? buf.slice(at) : EMPTY;
    // Drop the reference to the caller's bytes; the next push's results go into a fresh array.
    this.buf = EMPTY;
    const out = this.out;
    this.out = [];
    return out;
  }

  private flushRun(to: number): void {
    this.emitDiscard(this.runFrom, to, this.runReason);
  }

  private emitDiscard(from: number, to: number, reason: R | 'garbage'): void {
    if (to <= from) return;
    const bytes = this.buf.slice(from, to);
    if (bytes.length === 0) return; // a span past the end of the buffer, clamped to nothing
    this.out.push({ type: 'discarded', bytes, reason });
    this.counters.discardEvents++;
    this.counters.discardedBytes += bytes.length;
  }
}

/**
 * The FrameSplitter surface over a FramingBuffer, so that a family's splitter writes only scan().
 * The buffer is a separate object rather than base-class state so that its hot methods see one
 * object shape whichever families run in the same process.
 */
export abstract class BufferedSplitter<R extends string, S extends SplitterStats = SplitterStats>
  implements FrameSplitter<R | 'garbage'>
{
  protected readonly buffer: FramingBuffer<R, S>;

  constructor(...extra: ExtraCountersArg<S>) {
    this.buffer = new FramingBuffer<R, S>(...extra);
  }

  get stats(): S {
    return this.buffer.stats;
  }

  /** Bytes held back because they may start a frame that has not fully arrived. */
  get pendingBytes(): number {
    return this.buffer.pendingBytes;
  }

  push(bytes: Uint8Array): SplitResult<R | 'garbage'>[] {
    return this.buffer.end(this.scan(this.buffer.begin(bytes)));
  }

  /**
   * Claims the frames and discards in `buf` (held-back bytes first, then the pushed ones) through
   * `this.buffer`, and returns the offset of the first byte to hold back for the next push.
   */
  protected abstract scan(buf: Uint8Array): number;
}
