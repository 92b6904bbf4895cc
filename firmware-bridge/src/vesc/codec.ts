import { BridgeError, BridgeErrorCode } from '../errors.js';
import { encodeVescFrame, unwrapVescFrame } from './frame.js';
import { decodeFwVersion, encodeFwVersion, type VescFwVersion } from './fw-version.js';
import { decodeValueFields, encodeValueFields, VESC_ALL_FIELDS_MASK, type VescValues } from './values.js';

/**
 * VESC commands over Uint8Array frames (REFERENCE.md §1, bldc comm/commands.c). Pure: no logger,
 * timer or port. The first payload byte is the command id in both directions; a reply repeats it.
 */
export const VescCommand = { fwVersion: 0, getValues: 4, getValuesSelective: 50 } as const;

export type VescRequest =
  | { kind: 'fwVersion' }
  | { kind: 'getValues' }
  | { kind: 'getValuesSelective'; mask: number }
  | { kind: 'other'; command: number; data: Uint8Array };

export type VescReply =
  | { kind: 'fwVersion'; fw: VescFwVersion }
  /** `extra`: bytes after the fields this table knows (newer firmware); carried, not interpreted. */
  | { kind: 'values'; values: VescValues; extra: Uint8Array }
  | { kind: 'selectiveValues'; mask: number; values: VescValues; extra: Uint8Array }
  | { kind: 'other'; command: number; data: Uint8Array };

export interface DecodeReplyOptions {
  /** The mask the selective request carried: a reply echoing another one is BRG_MASK_MISMATCH. */
  expectedMask?: number;
}

const MASK_BYTES = 4;

export function encodeFwVersionRequest(): Uint8Array {
  return encodeRequest({ kind: 'fwVersion' });
}

export function encodeGetValuesRequest(): Uint8Array {
  return encodeRequest({ kind: 'getValues' });
}

export function encodeGetValuesSelectiveRequest(mask: number): Uint8Array {
  return encodeRequest({ kind: 'getValuesSelective', mask });
}

export function encodeRequest(request: VescRequest): Uint8Array {
  switch (request.kind) {
    case 'fwVersion':
      return encodeVescFrame(Uint8Array.of(VescCommand.fwVersion));
    case 'getValues':
      return encodeVescFrame(Uint8Array.of(VescCommand.getValues));
    case 'getValuesSelective':
      return encodeVescFrame(Uint8Array.of(VescCommand.getValuesSelective, ...u32('mask', request.mask)));
    case 'other':
      return encodeVescFrame(Uint8Array.of(byte('command', request.command), ...request.data));
  }
}

/** What a controller (or the simulator) makes of a request frame. Bytes after a known request are ignored, as the firmware does. */
export function decodeRequest(frame: Uint8Array): VescRequest {
  const payload = unwrapVescFrame(frame);
  const command = payload[0] ?? 0;
  switch (command) {
    case VescCommand.fwVersion:
      return { kind: 'fwVersion' };
    case VescCommand.getValues:
      return { kind: 'getValues' };
    case VescCommand.getValuesSelective:
      return { kind: 'getValuesSelective', mask: readMask(payload) };
    default:
      return { kind: 'other', command, data: payload.slice(1) };
  }
}

/**
 * Decodes one reply frame. Malformed framing is BRG_FRAME_INVALID; a FW_VERSION or selective reply
 * too short to carry its header is BRG_PAYLOAD_SHORT; a GET_VALUES reply of any length decodes.
 */
export function decodeReply(frame: Uint8Array, options: DecodeReplyOptions = {}): VescReply {
  return decodeReplyPayload(unwrapVescFrame(frame), options);
}

/** Like decodeReply(), for a payload already out of its frame. */
export function decodeReplyPayload(payload: Uint8Array, options: DecodeReplyOptions = {}): VescReply {
  const command = payload[0] ?? 0;
  const data = payload.subarray(1);
  switch (command) {
    case VescCommand.fwVersion:
      return { kind: 'fwVersion', fw: decodeFwVersion(data) };
    case VescCommand.getValues:
      return { kind: 'values', ...decodeValueFields(data, VESC_ALL_FIELDS_MASK) };
    case VescCommand.getValuesSelective: {
      const mask = readMask(payload);
      if (options.expectedMask !== undefined && mask !== options.expectedMask >>> 0) {
        throw new BridgeError(
          BridgeErrorCode.MASK_MISMATCH,
          `selective reply echoes mask 0x${hex8(mask)}, requested 0x${hex8(options.expectedMask)}`,
        );
      }
      return { kind: 'selectiveValues', mask, ...decodeValueFields(data.subarray(MASK_BYTES), mask) };
    }
    default:
      return { kind: 'other', command, data: data.slice() };
  }
}

export function encodeReply(reply: VescReply): Uint8Array {
  switch (reply.kind) {
    case 'fwVersion':
      return encodeVescFrame(Uint8Array.of(VescCommand.fwVersion, ...encodeFwVersion(reply.fw)));
    case 'values':
      return encodeValuesReply(reply.values, reply.extra);
    case 'selectiveValues':
      return encodeSelectiveValuesReply(reply.mask, reply.values, reply.extra);
    case 'other':
      return encodeVescFrame(Uint8Array.of(byte('command', reply.command), ...reply.data));
  }
}

export function encodeFwVersionReply(fw: VescFwVersion): Uint8Array {
  return encodeReply({ kind: 'fwVersion', fw });
}

/** A GET_VALUES reply carrying the given fields in order, up to the first absent one. */
export function encodeValuesReply(values: VescValues, extra: Uint8Array = new Uint8Array(0)): Uint8Array {
  const fields = encodeValueFields(values, VESC_ALL_FIELDS_MASK);
  return encodeVescFrame(Uint8Array.of(VescCommand.getValues, ...fields, ...extra));
}

/** A selective reply: the echoed mask, then only the selected fields, in order. */
export function encodeSelectiveValuesReply(
  mask: number,
  values: VescValues,
  extra: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const fields = encodeValueFields(values, u32value('mask', mask));
  return encodeVescFrame(Uint8Array.of(VescCommand.getValuesSelective, ...u32('mask', mask), ...fields, ...extra));
}

function readMask(payload: Uint8Array): number {
  if (payload.length < 1 + MASK_BYTES) {
    throw new BridgeError(
      BridgeErrorCode.PAYLOAD_SHORT,
      `selective values need a 4-byte mask, got ${payload.length - 1}`,
    );
  }
  return new DataView(payload.buffer, payload.byteOffset + 1, MASK_BYTES).getUint32(0);
}

function u32value(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${value} is out of range (0…0xFFFFFFFF)`);
  }
  return value;
}

function u32(name: string, value: number): number[] {
  const n = u32value(name, value);
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function byte(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${value} is out of range (0–255)`);
  }
  return value;
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
