import type {
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitFrame,
} from '../framing.js';
import { BufferedSplitter } from '../framing-buffer.js';
import { DALY_DATA_LENGTH, DALY_FRAME_LENGTH, DALY_START, dalyChecksum } from './codec.js';

/**
 * Splits a Daly A5 byte stream into 13-byte frames, in either direction (the address byte, not
 * the shape, tells a request from a reply). Every byte pushed ends up in exactly one frame or one
 * discard, or is still pending.
 *
 * An 8-bit sum is weak: noise that happens to start with A5 and 08 passes it once in 256 tries.
 * Such a false frame can swallow the head of the real one behind it; the splitter is back in step
 * within one frame, because it resumes right after the false frame. At most 12 bytes are ever
 * held back: a frame's start waiting for the rest of it.
 */
export type DalyDiscardReason = 'bad-checksum' | 'garbage';
export type DalySplitDiscard = GenericSplitDiscard<DalyDiscardReason>;
export type DalySplitResult = GenericSplitResult<DalyDiscardReason>;
export type { SplitFrame };

export class DalyFrameSplitter extends BufferedSplitter<DalyDiscardReason> implements FrameSplitter<DalyDiscardReason> {
  protected scan(buf: Uint8Array): number {
    let at = 0;
    while (at < buf.length) {
      // A start byte followed by anything but the fixed length byte starts nothing.
      const len = buf[at + 3];
      if (buf[at] !== DALY_START || (len !== undefined && len !== DALY_DATA_LENGTH)) {
        at++;
        continue;
      }
      if (buf.length - at < DALY_FRAME_LENGTH) break;
      if (buf[at + 12] === dalyChecksum(buf, at, at + 12)) {
        at = this.buffer.frame(at, at + DALY_FRAME_LENGTH);
      } else {
        // Resync one byte on: up to the next start byte inside the candidate goes out with it.
        const found = buf.subarray(at + 1, at + DALY_FRAME_LENGTH).indexOf(DALY_START);
        at = this.buffer.discard(at, found < 0 ? at + DALY_FRAME_LENGTH : at + 1 + found, 'bad-checksum');
      }
    }
    return at;
  }
}
