import { BridgeError, BridgeErrorCode } from '../errors.js';
import type {
  CommonDiscardReason,
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitFrame,
} from '../framing.js';
import { BufferedSplitter } from '../framing-buffer.js';
import { vescCrc16 } from './crc.js';

/**
 * VESC packet framing (bldc comm/packet.c), the same in both directions:
 * short `02 <len> <payload> <crc hi> <crc lo> 03` for 1–255 payload bytes,
 * long `03 <len hi> <len lo> <payload> <crc hi> <crc lo> 03` for 255 and more.
 * The CRC (CRC-16/XMODEM) covers the payload only.
 */
export const VESC_SHORT_START = 0x02;
export const VESC_LONG_START = 0x03;
export const VESC_END = 0x03;
/** The firmware refuses longer payloads (PACKET_MAX_PL_LEN in comm/packet.h). */
export const VESC_MAX_PAYLOAD = 512;

/** 'bad-length': a zero-length short frame, or a long frame that should have been short; the firmware refuses both. */
export type VescDiscardReason = CommonDiscardReason | 'bad-length';
export type VescSplitDiscard = GenericSplitDiscard<VescDiscardReason>;
export type VescSplitResult = GenericSplitResult<VescDiscardReason>;
export type { SplitFrame };

export interface VescFrameSplitterOptions {
  /**
   * Longest payload believed. A corrupt length would otherwise hold the splitter on a candidate
   * that may never complete; whatever the bound, a complete valid frame further on is never held back.
   */
  maxPayloadLength?: number;
}

type Verdict =
  | { kind: 'incomplete' }
  | { kind: 'frame'; length: number }
  | { kind: 'bad'; reason: VescDiscardReason; extent: number };

const isStart = (b: number | undefined): boolean => b === VESC_SHORT_START || b === VESC_LONG_START;

/** Splits a VESC byte stream (either direction) into whole, CRC-checked frames; every byte is accounted for. */
export class VescFrameSplitter extends BufferedSplitter<VescDiscardReason> implements FrameSplitter<VescDiscardReason> {
  private readonly maxPayloadLength: number;

  constructor(options: VescFrameSplitterOptions = {}) {
    super();
    this.maxPayloadLength = Math.max(1, Math.min(0xffff, options.maxPayloadLength ?? VESC_MAX_PAYLOAD));
  }

  protected scan(buf: Uint8Array): number {
    let at = 0;
    while (at < buf.length) {
      if (!isStart(buf[at])) {
        at++;
        continue;
      }
      const verdict = this.judge(buf, at);
      if (verdict.kind === 'incomplete') {
        if (!this.wholeFrameAfter(buf, at)) break;
        // A complete frame further on overtook this candidate: it was noise, and must not hold that frame back.
        at++;
      } else if (verdict.kind === 'frame') {
        at = this.buffer.frame(at, at + verdict.length);
      } else {
        // Resync one byte on: the rejected bytes up to the next start byte go out in this one discard.
        at = this.buffer.discard(at, nextStart(buf, at + 1, at + verdict.extent), verdict.reason);
      }
    }
    return at;
  }

  private judge(buf: Uint8Array, at: number): Verdict {
    const long = buf[at] === VESC_LONG_START;
    const header = long ? 3 : 2;
    if (buf.length - at < header) return { kind: 'incomplete' };
    const len = long ? ((buf[at + 1] ?? 0) << 8) | (buf[at + 2] ?? 0) : (buf[at + 1] ?? 0);
    if (len > this.maxPayloadLength) return { kind: 'bad', reason: 'too-long', extent: header };
    if (len === 0 || (long && len < 0xff)) return { kind: 'bad', reason: 'bad-length', extent: header };
    const length = header + len + 3;
    if (buf.length - at < length) return { kind: 'incomplete' };
    if (buf[at + length - 1] !== VESC_END) return { kind: 'bad', reason: 'bad-end', extent: length };
    const carried = ((buf[at + length - 3] ?? 0) << 8) | (buf[at + length - 2] ?? 0);
    if (carried !== vescCrc16(buf, at + header, at + header + len)) {
      return { kind: 'bad', reason: 'bad-checksum', extent: length };
    }
    return { kind: 'frame', length };
  }

  private wholeFrameAfter(buf: Uint8Array, at: number): boolean {
    for (let next = at + 1; next < buf.length; next++) {
      if (isStart(buf[next]) && this.judge(buf, next).kind === 'frame') return true;
    }
    return false;
  }
}

/** Wraps a payload in a short or long frame, as the firmware's packet_send_packet() does. */
export function encodeVescFrame(payload: Uint8Array): Uint8Array {
  if (payload.length === 0 || payload.length > 0xffff) {
    throw new BridgeError(BridgeErrorCode.ENCODE_RANGE, `VESC payload of ${payload.length} bytes (1–65535 allowed)`);
  }
  const header = payload.length <= 0xff ? 2 : 3;
  const frame = new Uint8Array(header + payload.length + 3);
  if (header === 2) {
    frame[0] = VESC_SHORT_START;
    frame[1] = payload.length;
  } else {
    frame[0] = VESC_LONG_START;
    frame[1] = payload.length >>> 8;
    frame[2] = payload.length & 0xff;
  }
  frame.set(payload, header);
  const crc = vescCrc16(payload);
  frame[header + payload.length] = crc >>> 8;
  frame[header + payload.length + 1] = crc & 0xff;
  frame[header + payload.length + 2] = VESC_END;
  return frame;
}

/** Checks one whole frame (start, length, CRC, end) and returns a copy of its payload; BRG_FRAME_INVALID otherwise. */
export function unwrapVescFrame(frame: Uint8Array): Uint8Array {
  const long = frame[0] === VESC_LONG_START;
  const header = long ? 3 : 2;
  if (!isStart(frame[0]) || frame.length < header + 4)
    throw invalid(`not one whole VESC frame (${frame.length} bytes)`);
  const len = long ? ((frame[1] ?? 0) << 8) | (frame[2] ?? 0) : (frame[1] ?? 0);
  if (len === 0 || (long && len < 0xff) || frame.length !== header + len + 3) {
    throw invalid(`VESC length field ${len} does not fit a ${frame.length}-byte frame`);
  }
  if (frame[frame.length - 1] !== VESC_END) throw invalid('VESC frame does not end with 0x03');
  const carried = ((frame[header + len] ?? 0) << 8) | (frame[header + len + 1] ?? 0);
  const computed = vescCrc16(frame, header, header + len);
  if (carried !== computed) throw invalid(`VESC CRC 0x${hex4(carried)}, expected 0x${hex4(computed)}`);
  return frame.slice(header, header + len);
}

function invalid(message: string): BridgeError {
  return new BridgeError(BridgeErrorCode.FRAME_INVALID, message);
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

function nextStart(buf: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (isStart(buf[i])) return i;
  return to;
}
