import type {
  CommonDiscardReason,
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitterStats,
} from '../framing.js';
import { hexDigit } from './bytes.js';

/**
 * Splits a byte stream from a GPS into NMEA 0183 sentences (`$<address>,…*hh` + line end). Every
 * byte pushed ends up in exactly one frame or one discard (or is still pending), and a frame holds
 * its line end too, so the accounting stays exact.
 *
 * Discard reasons:
 * - garbage: bytes outside any sentence, or a sentence broken by a byte NMEA never carries (binary, control);
 * - bad-end: a sentence cut short by the next '$' before its line end (a dropped byte or a restart);
 * - too-long: longer than `maxLength` before its line end;
 * - bad-checksum: a checksum that does not match, or a malformed `*hh`;
 * - missing-checksum: no `*hh` at all, unless `allowMissingChecksum` is set.
 */
export type NmeaDiscardReason = CommonDiscardReason | 'missing-checksum';
export type NmeaSplitDiscard = GenericSplitDiscard<NmeaDiscardReason>;
export type NmeaSplitResult = GenericSplitResult<NmeaDiscardReason>;

export interface NmeaSplitterOptions {
  /**
   * Longest sentence believed, counting '$' and CR LF. NMEA 0183 says 82; u-blox high-precision
   * and Skytraq RTK receivers send up to ~120, so raise it for those. Clamped to 16–1024.
   */
  maxLength?: number;
  /** Accept sentences without `*hh` (some old receivers, hand-typed test input). Off by default. */
  allowMissingChecksum?: boolean;
}

export const NMEA_MAX_LENGTH = 82;

const DOLLAR = 0x24;
const STAR = 0x2a;
const CR = 0x0d;
const LF = 0x0a;
/** Line-end CRs tolerated before the LF (Telit modules send CR CR LF). */
const MAX_LINE_END_CRS = 3;

export class NmeaSplitter implements FrameSplitter<NmeaDiscardReason> {
  private readonly maxBody: number;
  private readonly allowMissingChecksum: boolean;
  /** Bytes of a sentence still waiting for its line end; always starts with '$'. */
  private pending: Uint8Array = new Uint8Array(0);
  /** Set while the rest of a rejected sentence is being thrown away, up to its line end or the next '$'. */
  private skipping: NmeaDiscardReason | undefined;
  private readonly counters: SplitterStats = { frames: 0, discardedBytes: 0, discardEvents: 0 };

  constructor(options: NmeaSplitterOptions = {}) {
    const maxLength = Math.min(1024, Math.max(16, Math.floor(options.maxLength ?? NMEA_MAX_LENGTH)));
    // The limit counts CR LF; the body is everything from '$' up to the line end.
    this.maxBody = maxLength - 2;
    this.allowMissingChecksum = options.allowMissingChecksum ?? false;
  }

  get stats(): SplitterStats {
    return { ...this.counters };
  }

  get pendingBytes(): number {
    return this.pending.length;
  }

  push(bytes: Uint8Array): NmeaSplitResult[] {
    const out: NmeaSplitResult[] = [];
    if (this.pending.length === 0) {
      this.scan(bytes, out);
      return out;
    }
    // Usually the held-back sentence ends at the first LF of this read: join only up to there,
    // not the whole read (serial reads are a few hundred bytes; sentences are ~60).
    const lf = bytes.indexOf(LF);
    const dollar = bytes.indexOf(DOLLAR);
    if (lf >= 0 && (dollar < 0 || lf < dollar)) {
      this.scan(concat(this.pending, bytes.subarray(0, lf + 1)), out);
      this.scan(bytes.subarray(lf + 1), out);
    } else {
      this.scan(concat(this.pending, bytes), out);
    }
    return out;
  }

  /** Scans `buf`, which starts with what was pending (if anything), and keeps the unfinished tail pending. */
  private scan(buf: Uint8Array, out: NmeaSplitResult[]): void {
    this.pending = EMPTY;
    const n = buf.length;
    // Where the bytes not yet reported start, and why they would be thrown away.
    let from = 0;
    let reason: NmeaDiscardReason | undefined = this.skipping;
    // Current sentence: its '$', running XOR, last '*' and its XOR, CRs seen since the body ended.
    let start = -1;
    let xor = 0;
    let star = -1;
    let xorAtStar = 0;
    let crs = 0;
    let bodyEnd = 0;

    for (let i = 0; i < n; i++) {
      const b = buf[i] as number;
      if (b === DOLLAR) {
        if (start >= 0) {
          // A '$' right after CRs ends a sentence from a CR-only receiver; anywhere else it cuts one short.
          const verdict = crs > 0 ? this.judge(buf, start, bodyEnd, star, xorAtStar) : 'bad-end';
          this.emit(out, buf, start, i, verdict);
        } else {
          this.emit(out, buf, from, i, reason ?? 'garbage');
        }
        reason = undefined;
        start = i;
        from = i;
        xor = 0;
        star = -1;
        crs = 0;
        continue;
      }
      if (start < 0) {
        if (reason !== undefined && b === LF) {
          this.emit(out, buf, from, i + 1, reason);
          reason = undefined;
          from = i + 1;
        }
        continue;
      }
      if (b === LF) {
        this.emit(out, buf, start, i + 1, this.judge(buf, start, crs > 0 ? bodyEnd : i, star, xorAtStar));
        start = -1;
        from = i + 1;
        continue;
      }
      if (b === CR && crs < MAX_LINE_END_CRS) {
        if (crs === 0) bodyEnd = i;
        crs++;
        continue;
      }
      if (crs > 0 || b < 0x20 || b > 0x7e || i - start >= this.maxBody) {
        // Not a sentence any more: drop it, and everything up to its line end or the next '$'.
        reason = crs > 0 || b < 0x20 || b > 0x7e ? 'garbage' : 'too-long';
        start = -1;
        continue;
      }
      if (b === STAR) {
        star = i;
        xorAtStar = xor;
      }
      xor ^= b;
    }

    if (start >= 0) {
      this.pending = buf.slice(start);
      this.skipping = undefined;
    } else {
      this.emit(out, buf, from, n, reason ?? 'garbage');
      this.skipping = reason;
    }
  }

  /** The verdict on one whole line: `undefined` for a good sentence, else why it is discarded. */
  private judge(
    buf: Uint8Array,
    start: number,
    bodyEnd: number,
    star: number,
    xorAtStar: number,
  ): NmeaDiscardReason | undefined {
    if (bodyEnd - start > this.maxBody) return 'too-long';
    if (star < 0) return this.allowMissingChecksum && bodyEnd - start > 1 ? undefined : 'missing-checksum';
    if (star !== bodyEnd - 3) return 'bad-checksum';
    const hi = hexDigit(buf[star + 1] as number);
    const lo = hexDigit(buf[star + 2] as number);
    if (hi < 0 || lo < 0) return 'bad-checksum';
    // xorAtStar covers everything between '$' and '*', as the checksum does.
    return ((hi << 4) | lo) === xorAtStar ? undefined : 'bad-checksum';
  }

  private emit(
    out: NmeaSplitResult[],
    buf: Uint8Array,
    from: number,
    to: number,
    verdict: NmeaDiscardReason | undefined,
  ): void {
    if (to <= from) return;
    if (verdict === undefined) {
      out.push({ type: 'frame', frame: buf.slice(from, to) });
      this.counters.frames++;
      return;
    }
    out.push({ type: 'discarded', bytes: buf.slice(from, to), reason: verdict });
    this.counters.discardEvents++;
    this.counters.discardedBytes += to - from;
  }
}

const EMPTY = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
