import type {
  CommonDiscardReason,
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitFrame,
  SplitterStats,
} from '../framing.js';
import { BufferedSplitter } from '../framing-buffer.js';
import { BAFANG_READ, BAFANG_READS, BAFANG_WRITE, BAFANG_WRITES } from './codec.js';

/**
 * Splits the traffic of a Bafang display line, both directions merged, into exchanges (request +
 * reply), write commands and unanswered requests. A reply has no header: it is recognised only
 * because it follows its request and has that request's length and checksum. When it does not,
 * the request is given out alone and the bytes after it are read afresh.
 */
export type BafangDiscardReason = Extract<CommonDiscardReason, 'garbage' | 'bad-checksum'> | 'unknown-opcode';
export type BafangSplitDiscard = GenericSplitDiscard<BafangDiscardReason>;
export type BafangSplitResult = GenericSplitResult<BafangDiscardReason>;
export type { SplitFrame };

export interface BafangSplitterStats extends SplitterStats {
  exchanges: number;
  writes: number;
  /** Read requests whose reply never came or did not check out. */
  unanswered: number;
}

type Verdict =
  | { kind: 'wait' }
  | { kind: 'none' }
  | { kind: 'exchange' | 'write' | 'unanswered'; length: number; ambiguous?: boolean }
  | { kind: 'unknown-opcode' | 'bad-checksum'; length: number };

const isStart = (b: number | undefined) => b === BAFANG_READ || b === BAFANG_WRITE;

/** Which BafangSplitterStats counter each kind of frame bumps. */
const COUNTER = { exchange: 'exchanges', write: 'writes', unanswered: 'unanswered' } as const;

export class BafangFrameSplitter
  extends BufferedSplitter<BafangDiscardReason, BafangSplitterStats>
  implements FrameSplitter<BafangDiscardReason>
{
  constructor() {
    super({ exchanges: 0, writes: 0, unanswered: 0 });
  }

  protected scan(buf: Uint8Array): number {
    let at = 0;
    while (at < buf.length) {
      const verdict = judge(buf, at, false);
      if (verdict.kind === 'wait') break;
      if (verdict.kind === 'none') {
        at++;
      } else if (verdict.kind === 'unknown-opcode' || verdict.kind === 'bad-checksum') {
        at = this.buffer.discard(at, at + verdict.length, verdict.kind);
      } else {
        at = this.buffer.frame(at, at + verdict.length);
        this.buffer.counters[COUNTER[verdict.kind]]++;
      }
    }
    return at;
  }
}

/**
 * Decides from the bytes at fixed offsets only, waiting while any of them is missing, so the
 * result is the same however the stream is cut. `nested` is the one-level look-ahead below.
 */
function judge(buf: Uint8Array, at: number, nested: boolean): Verdict {
  const start = buf[at];
  if (!isStart(start)) return { kind: 'none' };
  const opcode = buf[at + 1];
  if (opcode === undefined) return { kind: 'wait' };
  const available = buf.length - at;
  // An unknown opcode costs two bytes, unless the second could itself start a frame.
  const unknown: Verdict = { kind: 'unknown-opcode', length: isStart(opcode) ? 1 : 2 };
  if (start === BAFANG_WRITE) {
    const spec = BAFANG_WRITES.get(opcode);
    if (spec === undefined) return unknown;
    if (available < spec.length) return { kind: 'wait' };
    if (spec.valid(buf, at)) return { kind: 'write', length: spec.length };
    return { kind: 'bad-checksum', length: nextStart(buf, at + 1, at + spec.length) - at };
  }
  const spec = BAFANG_READS.get(opcode);
  if (spec === undefined) return unknown;
  const replyAt = at + spec.requestLength;
  if (available < spec.requestLength + spec.replyLength) return { kind: 'wait' };
  const lone: Verdict = { kind: 'unanswered', length: spec.requestLength };
  if (!spec.replyValid(buf, replyAt)) return lone;
  const exchange: Verdict = { kind: 'exchange', length: spec.requestLength + spec.replyLength };
  if (!isStart(buf[replyAt])) return exchange;
  if (nested) return { ...exchange, ambiguous: true };
  // The "reply" starts like a request (a status of 0x11 is also the start of the next poll), and
  // without timing only the bytes around can tell. If those from the "reply" on make a complete,
  // unambiguous frame, the controller did not answer. Otherwise a real reply is followed by the
  // display's next command, while a request misread as a reply is followed by its own opcode.
  const alternative = judge(buf, replyAt, true);
  if (alternative.kind === 'wait') return alternative;
  if ((alternative.kind === 'exchange' && alternative.ambiguous !== true) || alternative.kind === 'write') return lone;
  const after = at + exchange.length;
  if (after >= buf.length) return { kind: 'wait' };
  return isStart(buf[after]) ? exchange : lone;
}

function nextStart(buf: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (isStart(buf[i])) return i;
  return to;
}
