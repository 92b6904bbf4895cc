import type {
  CommonDiscardReason,
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitFrame,
  SplitterStats,
} from '../framing.js';
import { BufferedSplitter } from '../framing-buffer.js';
import { JBD_ACTION_READ, JBD_ACTION_WRITE, JBD_END, JBD_FRAME_OVERHEAD, JBD_START, jbdChecksum } from './codec.js';

/**
 * Splits a JBD byte stream into whole frames. Every byte pushed ends up in exactly one frame or
 * one `discarded` result (or is still pending at the end of the buffer), so nothing vanishes silently.
 */
export type DiscardReason = CommonDiscardReason;
export type SplitDiscard = GenericSplitDiscard<DiscardReason>;
export type SplitResult = GenericSplitResult<DiscardReason>;
export type { SplitFrame };

/** 'response' on the host side (frames from the BMS), 'request' on the BMS/simulator side. */
export type JbdDirection = 'response' | 'request';

export interface JbdFrameSplitterOptions {
  direction: JbdDirection;
  /**
   * Longest data field believed. A corrupt length byte would otherwise make the splitter sit on
   * up to 262 bytes while good frames wait behind it. Defaults: 128 for responses (32 cells of
   * 0x04 is 64), 64 for requests (reads carry none, writes a few).
   */
  maxDataLength?: number;
}

export type JbdSplitterStats = SplitterStats;

type Verdict =
  | { kind: 'incomplete' }
  | { kind: 'not-a-start' }
  | { kind: 'frame'; length: number }
  | { kind: 'bad'; reason: DiscardReason; extent: number };

export class JbdFrameSplitter extends BufferedSplitter<DiscardReason> implements FrameSplitter<DiscardReason> {
  readonly direction: JbdDirection;
  private readonly maxDataLength: number;

  constructor(options: JbdFrameSplitterOptions) {
    super();
    this.direction = options.direction;
    this.maxDataLength = Math.min(0xff, options.maxDataLength ?? (options.direction === 'response' ? 128 : 64));
  }

  protected scan(buf: Uint8Array): number {
    let at = 0;
    while (at < buf.length) {
      if (buf[at] !== JBD_START) {
        at++;
        continue;
      }
      const verdict = this.judge(buf, at);
      if (verdict.kind === 'incomplete' && !this.wholeFrameAfter(buf, at)) break;
      // A start byte that is no start, or whose frame a complete valid frame further on has
      // overtaken (noise before a response), is plain garbage: it must not hold that frame back.
      if (verdict.kind === 'incomplete' || verdict.kind === 'not-a-start') {
        at++;
      } else if (verdict.kind === 'frame') {
        at = this.buffer.frame(at, at + verdict.length);
      } else {
        // Resync one byte past the bad start; the bytes up to the next start byte inside the
        // rejected candidate would be garbage anyway, so they go out in the same discard.
        at = this.buffer.discard(at, nextStart(buf, at + 1, at + verdict.extent), verdict.reason);
      }
    }
    return at;
  }

  private judge(buf: Uint8Array, at: number): Verdict {
    const available = buf.length - at;
    if (this.direction === 'request') {
      const action = buf[at + 1];
      if (action === undefined) return { kind: 'incomplete' };
      if (action !== JBD_ACTION_READ && action !== JBD_ACTION_WRITE) return { kind: 'not-a-start' };
    }
    const len = buf[at + 3];
    if (len === undefined) return { kind: 'incomplete' };
    if (len > this.maxDataLength) return { kind: 'bad', reason: 'too-long', extent: 4 };
    const length = len + JBD_FRAME_OVERHEAD;
    if (available < length) return { kind: 'incomplete' };
    if (buf[at + length - 1] !== JBD_END) return { kind: 'bad', reason: 'bad-end', extent: length };
    const carried = ((buf[at + len + 4] ?? 0) << 8) | (buf[at + len + 5] ?? 0);
    if (carried !== jbdChecksum(buf, at + 2, at + len + 4))
      return { kind: 'bad', reason: 'bad-checksum', extent: length };
    return { kind: 'frame', length };
  }

  private wholeFrameAfter(buf: Uint8Array, at: number): boolean {
    for (let next = buf.indexOf(JBD_START, at + 1); next >= 0; next = buf.indexOf(JBD_START, next + 1)) {
      if (this.judge(buf, next).kind === 'frame') return true;
    }
    return false;
  }
}

function nextStart(buf: Uint8Array, from: number, to: number): number {
  const found = buf.subarray(from, to).indexOf(JBD_START);
  return found < 0 ? to : from + found;
}
