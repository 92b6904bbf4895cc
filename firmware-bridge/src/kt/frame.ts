import type {
  CommonDiscardReason,
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitFrame,
  SplitterStats,
} from '../framing.js';
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

export class KtFrameSplitter implements FrameSplitter<KtDiscardReason> {
  private readonly keys: ReadonlySet<number>;
  private pending = new Uint8Array(0);
  private readonly counters: KtSplitterStats = {
    frames: 0,
    discardedBytes: 0,
    discardEvents: 0,
    controllerFrames: 0,
    lcdFrames: 0,
    checksumFailures: 0,
  };

  constructor(options: KtFrameSplitterOptions = {}) {
    this.keys = new Set(options.lcdChecksumKeys ?? KT_LCD_DEFAULT_KEYS);
  }

  get stats(): KtSplitterStats {
    return { ...this.counters };
  }

  get pendingBytes(): number {
    return this.pending.length;
  }

  push(bytes: Uint8Array): KtSplitResult[] {
    const buf = concat(this.pending, bytes);
    const out: KtSplitResult[] = [];
    let runFrom = 0;
    let runReason: KtDiscardReason = 'garbage';
    let at = 0;
    while (at < buf.length) {
      const verdict = this.judge(buf, at);
      if (verdict === 'wait') break;
      if (verdict === 'none' || verdict === 'bad-checksum') {
        if (verdict === 'bad-checksum') {
          // A corrupted frame starts here: report what came before apart, so the reason is honest.
          this.discard(out, buf.subarray(runFrom, at), runReason);
          runFrom = at;
          runReason = 'bad-checksum';
          this.counters.checksumFailures++;
        }
        at++;
        continue;
      }
      this.discard(out, buf.subarray(runFrom, at), runReason);
      const length = verdict === 'controller' ? KT_CONTROLLER_FRAME_LENGTH : KT_LCD_FRAME_LENGTH;
      out.push({ type: 'frame', frame: buf.slice(at, at + length) });
      this.counters.frames++;
      if (verdict === 'controller') this.counters.controllerFrames++;
      else this.counters.lcdFrames++;
      at += length;
      runFrom = at;
      runReason = 'garbage';
    }
    this.discard(out, buf.subarray(runFrom, at), runReason);
    this.pending = buf.slice(at);
    return out;
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

  private discard(out: KtSplitResult[], bytes: Uint8Array, reason: KtDiscardReason): void {
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
