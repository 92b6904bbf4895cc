import type {
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitFrame,
  SplitterStats,
} from '../framing.js';
import { DALY_DATA_LENGTH, DALY_FRAME_LENGTH, DALY_START, dalyChecksum } from './codec.js';

/**
 * Splits a Daly A5 byte stream into 13-byte frames, in either direction (the address byte, not
 * the shape, tells a request from a reply). Every byte pushed ends up in exactly one frame or one
 * discard, or is still pending.
 *
 * An 8-bit sum is weak: noise that happens to start with A5 and 08 passes it once in 256 tries.
 * Such a false frame can swallow the head of the real one behind it; the splitter is back in step
 * within one frame, because it resumes right after the false frame.
 */
export type DalyDiscardReason = 'bad-checksum' | 'garbage';
export type DalySplitDiscard = GenericSplitDiscard<DalyDiscardReason>;
export type DalySplitResult = GenericSplitResult<DalyDiscardReason>;
export type { SplitFrame };

export class DalyFrameSplitter implements FrameSplitter<DalyDiscardReason> {
  private pending = new Uint8Array(0);
  private readonly counters: SplitterStats = { frames: 0, discardedBytes: 0, discardEvents: 0 };

  get stats(): SplitterStats {
    return { ...this.counters };
  }

  /** Bytes held back because they may start a frame that has not fully arrived (at most 12). */
  get pendingBytes(): number {
    return this.pending.length;
  }

  push(bytes: Uint8Array): DalySplitResult[] {
    const buf = concat(this.pending, bytes);
    const out: DalySplitResult[] = [];
    let garbageFrom = 0;
    let at = 0;
    while (at < buf.length) {
      // A start byte followed by anything but the fixed length byte starts nothing.
      const len = buf[at + 3];
      if (buf[at] !== DALY_START || (len !== undefined && len !== DALY_DATA_LENGTH)) {
        at++;
        continue;
      }
      if (buf.length - at < DALY_FRAME_LENGTH) break;
      this.discard(out, buf.subarray(garbageFrom, at), 'garbage');
      if (buf[at + 12] === dalyChecksum(buf, at, at + 12)) {
        out.push({ type: 'frame', frame: buf.slice(at, at + DALY_FRAME_LENGTH) });
        this.counters.frames++;
        at += DALY_FRAME_LENGTH;
      } else {
        // Resync one byte on: up to the next start byte inside the candidate goes out with it.
        const found = buf.subarray(at + 1, at + DALY_FRAME_LENGTH).indexOf(DALY_START);
        const next = found < 0 ? at + DALY_FRAME_LENGTH : at + 1 + found;
        this.discard(out, buf.subarray(at, next), 'bad-checksum');
        at = next;
      }
      garbageFrom = at;
    }
    this.discard(out, buf.subarray(garbageFrom, at), 'garbage');
    this.pending = buf.slice(at);
    return out;
  }

  private discard(out: DalySplitResult[], bytes: Uint8Array, reason: DalyDiscardReason): void {
    if (bytes.length === 0) return;
    out.push({ type: 'discarded', bytes: bytes.slice(), reason });
    this.counters.discardEvents++;
    this.counters.discardedBytes += bytes.length;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
