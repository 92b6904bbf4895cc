import { BridgeError, BridgeErrorCode } from '../errors.js';
import { BAFANG_ASSIST_LEVEL5, BAFANG_ASSIST_LEVEL9, BAFANG_ASSIST_WALK, bafangFault } from './tables.js';

/**
 * Bafang BBS display line (1200 baud). The display polls, the controller answers; neither side
 * frames its bytes, so a reply can only be read knowing the request before it. A "frame" here is
 * therefore a whole exchange (request bytes then reply bytes), a write command, or a read request
 * that got no valid answer. Opcodes, lengths and checksums are those of the open controller
 * firmware danielnilsson9/bbs-fw (src/firmware/extcom.c, app.h), cross-checked with EBiCS
 * Src/display_bafang.c (J. Kießling's library) and captures in the "cop button" sketch.
 */
export const BAFANG_READ = 0x11;
export const BAFANG_WRITE = 0x16;

export const BafangOpcode = {
  status: 0x08,
  current: 0x0a,
  battery: 0x11,
  wheelSpeed: 0x20,
  unknown21: 0x21,
  range: 0x22,
  calories: 0x24,
  unknown25: 0x25,
  moving: 0x31,
  assistLevel: 0x0b,
  mode: 0x0c,
  lights: 0x1a,
  speedLimit: 0x1f,
} as const;

type ReadKind =
  | 'status'
  | 'current'
  | 'battery'
  | 'wheelSpeed'
  | 'unknown21'
  | 'range'
  | 'calories'
  | 'unknown25'
  | 'moving';
type WriteKind = 'assistLevel' | 'mode' | 'lights' | 'speedLimit';

interface ReadSpec {
  kind: ReadKind;
  /** bbs-fw waits for a third request byte after 21, 22, 24 and 25; it never reads it. */
  requestLength: 2 | 3;
  replyLength: number;
  replyValid(buf: Uint8Array, at: number): boolean;
}

const same = (buf: Uint8Array, at: number) => buf[at] === buf[at + 1];
const summed =
  (n: number, plus = 0) =>
  (buf: Uint8Array, at: number) =>
    buf[at + n] === ((sum(buf, at, at + n) + plus) & 0xff);

/** Read opcodes, by the replies bbs-fw sends. 08 has no checksum; 0A, 11, 31 repeat the value as theirs. */
export const BAFANG_READS: ReadonlyMap<number, ReadSpec> = new Map<number, ReadSpec>([
  [0x08, { kind: 'status', requestLength: 2, replyLength: 1, replyValid: () => true }],
  [0x0a, { kind: 'current', requestLength: 2, replyLength: 2, replyValid: same }],
  [0x11, { kind: 'battery', requestLength: 2, replyLength: 2, replyValid: same }],
  // bbs-fw calls it a "weird checksum": the sum of the two data bytes plus the opcode 0x20.
  [0x20, { kind: 'wheelSpeed', requestLength: 2, replyLength: 3, replyValid: summed(2, 0x20) }],
  [0x21, { kind: 'unknown21', requestLength: 3, replyLength: 3, replyValid: summed(2) }],
  [0x22, { kind: 'range', requestLength: 3, replyLength: 3, replyValid: summed(2) }],
  [0x24, { kind: 'calories', requestLength: 3, replyLength: 3, replyValid: summed(2) }],
  [0x25, { kind: 'unknown25', requestLength: 3, replyLength: 5, replyValid: summed(4) }],
  [
    0x31,
    {
      kind: 'moving',
      requestLength: 2,
      replyLength: 2,
      replyValid: (b, at) => same(b, at) && (b[at] === 0x30 || b[at] === 0x31),
    },
  ],
]);

interface WriteSpec {
  kind: WriteKind;
  length: number;
  valid(buf: Uint8Array, at: number): boolean;
}

/** Write commands: 0B and 0C end with the sum of all bytes before; 1A has no checksum but only F0/F1. */
export const BAFANG_WRITES: ReadonlyMap<number, WriteSpec> = new Map<number, WriteSpec>([
  [0x0b, { kind: 'assistLevel', length: 4, valid: summed(3) }],
  [0x0c, { kind: 'mode', length: 4, valid: summed(3) }],
  [0x1a, { kind: 'lights', length: 3, valid: (b, at) => b[at + 2] === 0xf0 || b[at + 2] === 0xf1 }],
  // bbs-fw has the sum check for 1F commented out and EBiCS skips it: do not insist on it.
  [0x1f, { kind: 'speedLimit', length: 5, valid: () => true }],
]);

export type BafangMessage =
  | { direction: 'exchange'; kind: 'status'; code: number; faultCode: number; faultName: string; braking: boolean }
  | { direction: 'exchange'; kind: 'current'; currentA: number }
  | { direction: 'exchange'; kind: 'battery'; socPct: number }
  | { direction: 'exchange'; kind: 'wheelSpeed'; wheelRpm: number }
  | { direction: 'exchange'; kind: 'moving'; moving: boolean }
  /** 22 and 24: bbs-fw puts temperature or power and battery voltage × 10 there; raw 16-bit value. */
  | { direction: 'exchange'; kind: 'range' | 'calories' | 'unknown21'; requestArg: number; value: number }
  | { direction: 'exchange'; kind: 'unknown25'; requestArg: number; data: number[] }
  /** A read request followed by no valid reply (controller off, or the reply was corrupted). */
  | { direction: 'request'; kind: 'unanswered'; opcode: number; requestArg: number | null }
  | {
      direction: 'write';
      kind: 'assistLevel';
      code: number;
      level: number | null;
      level5: number | null;
      walk: boolean;
    }
  | { direction: 'write'; kind: 'mode'; code: number; mode: 'default' | 'sport' | null }
  | { direction: 'write'; kind: 'lights'; on: boolean }
  /** bbs-fw reads the value as a wheel speed limit in rpm, EBiCS as the wheel diameter: kept raw. */
  | { direction: 'write'; kind: 'speedLimit'; value: number; checksum: number; checksumValid: boolean };

export function decodeBafangFrame(frame: Uint8Array): BafangMessage {
  const [start, opcode] = frame;
  if (start === BAFANG_READ && opcode !== undefined) {
    const spec = BAFANG_READS.get(opcode);
    if (spec === undefined) throw invalid(`unknown Bafang read opcode 0x${hex(opcode)}`);
    const requestArg = spec.requestLength === 3 ? (frame[2] ?? 0) : null;
    if (frame.length === spec.requestLength) return { direction: 'request', kind: 'unanswered', opcode, requestArg };
    if (frame.length !== spec.requestLength + spec.replyLength || !spec.replyValid(frame, spec.requestLength)) {
      throw invalid(`not a valid Bafang ${spec.kind} exchange (${frame.length} bytes)`);
    }
    return decodeReply(spec.kind, frame.subarray(spec.requestLength), requestArg ?? 0);
  }
  if (start === BAFANG_WRITE && opcode !== undefined) {
    const spec = BAFANG_WRITES.get(opcode);
    if (spec === undefined) throw invalid(`unknown Bafang write opcode 0x${hex(opcode)}`);
    if (frame.length !== spec.length || !spec.valid(frame, 0)) throw invalid(`not a valid Bafang ${spec.kind} command`);
    return decodeWrite(spec.kind, frame);
  }
  throw invalid(`a Bafang frame starts with 11 or 16, not 0x${hex(start)}`);
}

function decodeReply(kind: ReadKind, r: Uint8Array, requestArg: number): BafangMessage {
  const b0 = r[0] ?? 0;
  const word = (b0 << 8) | (r[1] ?? 0);
  switch (kind) {
    case 'status':
      return { direction: 'exchange', kind, code: b0, ...bafangFault(b0), braking: b0 === 0x03 };
    case 'current':
      return { direction: 'exchange', kind, currentA: b0 / 2 };
    case 'battery':
      return { direction: 'exchange', kind, socPct: b0 };
    case 'wheelSpeed':
      return { direction: 'exchange', kind, wheelRpm: word };
    case 'moving':
      return { direction: 'exchange', kind, moving: b0 === 0x31 };
    case 'unknown25':
      return { direction: 'exchange', kind, requestArg, data: Array.from(r.subarray(0, 4)) };
    default:
      return { direction: 'exchange', kind, requestArg, value: word };
  }
}

function decodeWrite(kind: WriteKind, f: Uint8Array): BafangMessage {
  const b2 = f[2] ?? 0;
  switch (kind) {
    case 'assistLevel':
      return {
        direction: 'write',
        kind,
        code: b2,
        level: BAFANG_ASSIST_LEVEL9.get(b2) ?? null,
        level5: BAFANG_ASSIST_LEVEL5.get(b2) ?? null,
        walk: b2 === BAFANG_ASSIST_WALK,
      };
    case 'mode':
      return { direction: 'write', kind, code: b2, mode: b2 === 0x02 ? 'default' : b2 === 0x04 ? 'sport' : null };
    case 'lights':
      return { direction: 'write', kind, on: b2 === 0xf1 };
    case 'speedLimit':
      return {
        direction: 'write',
        kind,
        value: (b2 << 8) | (f[3] ?? 0),
        checksum: f[4] ?? 0,
        checksumValid: f[4] === (sum(f, 0, 4) & 0xff),
      };
  }
}

/** The bytes for a message: the inverse of decodeBafangFrame. Throws BRG_ENCODE_RANGE. */
export function encodeBafangFrame(m: BafangMessage): Uint8Array {
  switch (m.kind) {
    case 'status':
      return exchange(0x08, [], [byte('code', m.code)]);
    case 'current':
      return exchange(0x0a, [], repeat(byte('currentA × 2', m.currentA * 2)));
    case 'battery':
      return exchange(0x11, [], repeat(byte('socPct', m.socPct)));
    case 'wheelSpeed':
      return exchange(0x20, [], withSum(word('wheelRpm', m.wheelRpm), 0x20));
    case 'moving':
      return exchange(0x31, [], repeat(m.moving ? 0x31 : 0x30));
    case 'range':
    case 'calories':
    case 'unknown21':
      return exchange(BafangOpcode[m.kind], [byte('requestArg', m.requestArg)], withSum(word('value', m.value)));
    case 'unknown25':
      if (m.data.length !== 4) throw range('data', m.data.length, '4 bytes');
      return exchange(0x25, [byte('requestArg', m.requestArg)], withSum(m.data.map((b) => byte('data', b))));
    case 'unanswered': {
      const spec = BAFANG_READS.get(m.opcode);
      if (spec === undefined) throw range('opcode', m.opcode, 'a known read opcode');
      const arg = spec.requestLength === 3 ? [byte('requestArg', m.requestArg ?? 0)] : [];
      return Uint8Array.of(BAFANG_READ, m.opcode, ...arg);
    }
    case 'assistLevel':
      return Uint8Array.from(withSum([BAFANG_WRITE, 0x0b, byte('code', m.code)]));
    case 'mode':
      return Uint8Array.from(withSum([BAFANG_WRITE, 0x0c, byte('code', m.code)]));
    case 'lights':
      return Uint8Array.of(BAFANG_WRITE, 0x1a, m.on ? 0xf1 : 0xf0);
    case 'speedLimit':
      return Uint8Array.of(BAFANG_WRITE, 0x1f, ...word('value', m.value), byte('checksum', m.checksum));
  }
}

/** The 16 1F command with the sum bbs-fw expects. */
export function encodeSpeedLimit(value: number): Uint8Array {
  return Uint8Array.from(withSum([BAFANG_WRITE, 0x1f, ...word('value', value)]));
}

function exchange(opcode: number, arg: number[], reply: number[]): Uint8Array {
  return Uint8Array.of(BAFANG_READ, opcode, ...arg, ...reply);
}

function repeat(value: number): number[] {
  return [value, value];
}

function withSum(bytes: number[], plus = 0): number[] {
  return [...bytes, (bytes.reduce((a, b) => a + b, 0) + plus) & 0xff];
}

function sum(buf: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += buf[i] ?? 0;
  return s;
}

function word(name: string, value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw range(name, value, '0–65535');
  return [value >>> 8, value & 0xff];
}

function byte(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw range(name, value, '0–255');
  return value;
}

function invalid(message: string): BridgeError {
  return new BridgeError(BridgeErrorCode.FRAME_INVALID, message);
}

function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}

function hex(value: number | undefined): string {
  return (value ?? 0).toString(16).padStart(2, '0');
}
