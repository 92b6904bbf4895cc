import type {
  CommonDiscardReason,
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitFrame,
  SplitterStats,
} from '../framing.js';
import { BufferedSplitter } from '../framing-buffer.js';
import {
  isKtLcdTail,
  KT_CONTROLLER_FRAME_LENGTH,
  KT_CONTROLLER_START,
  KT_LCD_DEFAULT_KEYS,
  KT_LCD_FRAME_LENGTH,
  ktControllerChecksum,
  ktLcdXor,
} from './codec.js';

/**
 * Splits a KT display line into frames of both directions, so one tap on a shared line sees the
 * controller's 12-byte status and the LCD's 13-byte settings. Controller frames are anchored by
 * 0x41 and their XOR; LCD frames have no start byte, so they are anchored by their 32|37 0E tail
 * and an accepted checksum key. Every byte ends in exactly one frame or discard, or is pending.
 */
export type KtDiscardReason = Extract<CommonDiscardReason, 'garbage' | 'bad-checksum'>;
export type KtSplitDiscard = GenericSplitDiscard<KtDiscardReason>;
export type KtSplitResult = GenericSplitResult<KtDiscardReason>;
export type { SplitFrame };

export interface KtSplitterStats extends SplitterStats {
  controllerFrames: number;
  lcdFrames: number;
  /** Candidates with the right shape (0x41 start, or an LCD tail) whose checksum failed: line noise. */
  checksumFailures: number;
}

export interface KtFrameSplitterOptions {
  /** LCD checksum keys to accept; defaults to 0–50 as EBiCS does. Narrow it once you know your display's. */
  lcdChecksumKeys?: readonly number[];
}

type Verdict = 'controller' | 'lcd' | 'wait' | 'bad-checksum' | 'none';

export class KtFrameSplitter
  extends BufferedSplitter<KtDiscardReason, KtSplitterStats>
  implements FrameSplitter<KtDiscardReason>
{
  private readonly keys: ReadonlySet<number>;

  constructor(options: KtFrameSplitterOptions = {}) {
    super({ controllerFrames: 0, lcdFrames: 0, checksumFailures: 0 });
    this.keys = new Set(options.lcdChecksumKeys ?? KT_LCD_DEFAULT_KEYS);
  }

  protected scan(buf: Uint8Array): number {
    const counters = this.buffer.counters;
    let at = 0;
    while (at < buf.length) {
      const verdict = this.judge(buf, at);
      if (verdict === 'wait') break;
      if (verdict === 'none') {
        at++;
      } else if (verdict === 'bad-checksum') {
        // A corrupted frame starts here: report what came before apart, so the reason is honest.
        this.buffer.startRun(at, 'bad-checksum');
        counters.checksumFailures++;
        at++;
      } else if (verdict === 'controller') {
        at = this.buffer.frame(at, at + KT_CONTROLLER_FRAME_LENGTH);
        counters.controllerFrames++;
      } else {
        at = this.buffer.frame(at, at + KT_LCD_FRAME_LENGTH);
        counters.lcdFrames++;
      }
    }
    return at;
  }

  /**
   * Decides from the bytes at fixed offsets only, and waits whenever those are not all there yet:
   * that is what makes the result the same however the stream is cut. Controller first, since its
   * 12 bytes are known one byte before an LCD candidate at the same offset could be judged.
   */
  private judge(buf: Uint8Array, at: number): Verdict {
    const available = buf.length - at;
    let controllerBad = false;
    if (buf[at] === KT_CONTROLLER_START) {
      if (available < KT_CONTROLLER_FRAME_LENGTH) return 'wait';
      if (buf[at + 6] === ktControllerChecksum(buf, at)) return 'controller';
      controllerBad = true;
    }
    // An LCD frame can start on any byte; its tail (B11, B12) decides, so wait for it.
    if (available >= KT_LCD_FRAME_LENGTH - 1 && !isKtLcdTail(buf[at + 11], buf[at + 12] ?? 0x0e)) {
      return controllerBad ? 'bad-checksum' : 'none';
    }
    if (available < KT_LCD_FRAME_LENGTH) return 'wait';
    if (this.keys.has(ktLcdXor(buf, at) ^ (buf[at + 5] ?? 0))) return 'lcd';
    return 'bad-checksum';
  }
}
