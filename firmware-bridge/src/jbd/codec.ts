import { BridgeError, BridgeErrorCode } from '../errors.js';
import { JBD_PROTECTION_FLAGS, type ProtectionFlag } from '../samples.js';

/**
 * JBD / Xiaoxiang smart BMS wire format (REFERENCE.md §1). Pure functions over Uint8Array:
 * no logger, timer or port, so the same code decodes a capture anywhere.
 *
 * Both directions share one shape: DD <b1> <b2> <len> <data…> <chk hi> <chk lo> 77, with the
 * checksum over b2, len and data. Requests: b1 = A5 (read) / 5A (write), b2 = register.
 * Responses: b1 = register, b2 = status.
 */
export const JBD_START = 0xdd;
export const JBD_END = 0x77;
export const JBD_ACTION_READ = 0xa5;
export const JBD_ACTION_WRITE = 0x5a;
/** Bytes around the data: start, two header bytes, length, two checksum bytes, end. */
export const JBD_FRAME_OVERHEAD = 7;

export const JbdRegister = { basicInfo: 0x03, cellVoltages: 0x04, hardwareVersion: 0x05 } as const;
export const JbdStatus = { ok: 0x00, error: 0x80 } as const;

/** Register 0x03 bytes before the NTC temperatures. */
const BASIC_INFO_FIXED_LENGTH = 23;
/** Temperatures travel in 0.1 K; 273.1 K is what JBD firmware uses for 0 °C. */
const DECI_KELVIN_AT_ZERO_C = 2731;
const EMPTY = new Uint8Array(0);

export interface JbdProductionDate {
  year: number;
  month: number;
  day: number;
}

export interface JbdBasicInfo {
  voltageV: number;
  /** Negative while discharging. */
  currentA: number;
  remainingAh: number;
  nominalAh: number;
  cycles: number;
  productionDate: JbdProductionDate;
  /** One entry per cell (cell 1 first, at most 32): true while the cell is being balanced. */
  balancing: boolean[];
  /** Active protections, in bit order. */
  protection: ProtectionFlag[];
  /** Protection bits without a documented name (13–15), kept so re-encoding loses nothing. */
  protectionOtherBits: number;
  softwareVersion: number;
  socPct: number;
  fets: { charge: boolean; discharge: boolean };
  /** FET status bits beyond charge/discharge, kept for the same reason. */
  fetOtherBits: number;
  cellCount: number;
  temperaturesC: number[];
  /** Bytes some firmware appends after the documented fields; carried, not interpreted. */
  extra: Uint8Array;
}

export type JbdResponse =
  | { kind: 'basicInfo'; register: 0x03; info: JbdBasicInfo }
  | { kind: 'cellVoltages'; register: 0x04; cellsV: number[] }
  | { kind: 'hardwareVersion'; register: 0x05; model: string }
  /** The BMS answered with a non-zero status (0x80: refused or unknown register). */
  | { kind: 'deviceError'; register: number; status: number; data: Uint8Array }
  | { kind: 'other'; register: number; data: Uint8Array };

export interface JbdRequest {
  action: 'read' | 'write';
  register: number;
  data: Uint8Array;
}

/** (0x10000 − sum of bytes[start..end)) & 0xFFFF. */
export function jbdChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i] ?? 0;
  return (0x10000 - (sum & 0xffff)) & 0xffff;
}

export function encodeReadRequest(register: number): Uint8Array {
  return encodeFrame(JBD_ACTION_READ, byte('register', register), EMPTY);
}

export function encodeResponse(register: number, status: number, data: Uint8Array): Uint8Array {
  return encodeFrame(byte('register', register), byte('status', status), data);
}

export function decodeRequest(frame: Uint8Array): JbdRequest {
  const { b1, b2, data } = unwrap(frame);
  if (b1 !== JBD_ACTION_READ && b1 !== JBD_ACTION_WRITE) {
    throw new BridgeError(BridgeErrorCode.FRAME_INVALID, `not a JBD request: action byte 0x${hex(b1)}`);
  }
  return { action: b1 === JBD_ACTION_READ ? 'read' : 'write', register: b2, data };
}

/**
 * Decodes one whole response frame. A non-zero status is a result (`deviceError`), not a throw;
 * malformed bytes throw BRG_FRAME_INVALID and a too-short payload BRG_PAYLOAD_SHORT.
 */
export function decodeResponse(frame: Uint8Array): JbdResponse {
  const { b1: register, b2: status, data } = unwrap(frame);
  if (status !== JbdStatus.ok) return { kind: 'deviceError', register, status, data };
  switch (register) {
    case JbdRegister.basicInfo:
      return { kind: 'basicInfo', register, info: decodeBasicInfo(data) };
    case JbdRegister.cellVoltages:
      return { kind: 'cellVoltages', register, cellsV: decodeCellVoltages(data) };
    case JbdRegister.hardwareVersion:
      return { kind: 'hardwareVersion', register, model: String.fromCharCode(...data) };
    default:
      return { kind: 'other', register, data };
  }
}

export function decodeBasicInfo(data: Uint8Array): JbdBasicInfo {
  if (data.length < BASIC_INFO_FIXED_LENGTH) throw short('basic info', BASIC_INFO_FIXED_LENGTH, data.length);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const cellCount = view.getUint8(21);
  const ntcCount = view.getUint8(22);
  const needed = BASIC_INFO_FIXED_LENGTH + 2 * ntcCount;
  if (data.length < needed) throw short(`basic info with ${ntcCount} NTC`, needed, data.length);

  const date = view.getUint16(10);
  // Cells 1–16 sit in the first word, 17–32 in the second; bit 0 is the lowest cell.
  const balanceBits = view.getUint16(12) | (view.getUint16(14) << 16);
  const protectionBits = view.getUint16(16);
  const fetBits = view.getUint8(20);
  const temperaturesC: number[] = [];
  for (let i = 0; i < ntcCount; i++) {
    temperaturesC.push((view.getUint16(BASIC_INFO_FIXED_LENGTH + 2 * i) - DECI_KELVIN_AT_ZERO_C) / 10);
  }
  return {
    voltageV: view.getUint16(0) / 100,
    currentA: view.getInt16(2) / 100,
    remainingAh: view.getUint16(4) / 100,
    nominalAh: view.getUint16(6) / 100,
    cycles: view.getUint16(8),
    productionDate: { year: 2000 + (date >>> 9), month: (date >>> 5) & 0x0f, day: date & 0x1f },
    balancing: Array.from({ length: Math.min(cellCount, 32) }, (_, i) => ((balanceBits >>> i) & 1) === 1),
    protection: JBD_PROTECTION_FLAGS.filter((_, bit) => ((protectionBits >>> bit) & 1) === 1),
    protectionOtherBits: protectionBits & ~((1 << JBD_PROTECTION_FLAGS.length) - 1),
    softwareVersion: view.getUint8(18),
    socPct: view.getUint8(19),
    fets: { charge: (fetBits & 1) === 1, discharge: (fetBits & 2) === 2 },
    fetOtherBits: fetBits & ~3,
    cellCount,
    temperaturesC,
    extra: data.slice(needed),
  };
}

export function decodeCellVoltages(data: Uint8Array): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // No count field: the length byte says how many cells; an odd trailing byte is ignored.
  return Array.from({ length: data.length >>> 1 }, (_, i) => view.getUint16(2 * i) / 1000);
}

export function encodeBasicInfo(info: JbdBasicInfo): Uint8Array {
  const temps = info.temperaturesC;
  const data = new Uint8Array(BASIC_INFO_FIXED_LENGTH + 2 * temps.length + info.extra.length);
  const view = new DataView(data.buffer);
  view.setUint16(0, unsigned16('voltageV', info.voltageV, 100));
  view.setInt16(2, signed16('currentA', info.currentA, 100));
  view.setUint16(4, unsigned16('remainingAh', info.remainingAh, 100));
  view.setUint16(6, unsigned16('nominalAh', info.nominalAh, 100));
  view.setUint16(8, unsigned16('cycles', info.cycles, 1));
  view.setUint16(10, encodeDate(info.productionDate));
  if (info.balancing.length > 32) throw range('balancing', info.balancing.length, 'at most 32 cells');
  const balance = info.balancing.reduce((bits, on, i) => (on ? bits | (1 << i) : bits), 0) >>> 0;
  view.setUint16(12, balance & 0xffff);
  view.setUint16(14, balance >>> 16);
  view.setUint16(16, encodeProtection(info.protection, info.protectionOtherBits));
  view.setUint8(18, byte('softwareVersion', info.softwareVersion));
  view.setUint8(19, byte('socPct', info.socPct));
  if ((byte('fetOtherBits', info.fetOtherBits) & 3) !== 0) throw range('fetOtherBits', info.fetOtherBits, 'bits 2–7');
  view.setUint8(20, info.fetOtherBits | (info.fets.charge ? 1 : 0) | (info.fets.discharge ? 2 : 0));
  view.setUint8(21, byte('cellCount', info.cellCount));
  view.setUint8(22, byte('NTC count', temps.length));
  temps.forEach((c, i) => {
    view.setUint16(BASIC_INFO_FIXED_LENGTH + 2 * i, unsigned16('temperaturesC', c * 10 + DECI_KELVIN_AT_ZERO_C, 1));
  });
  data.set(info.extra, BASIC_INFO_FIXED_LENGTH + 2 * temps.length);
  return data;
}

export function encodeCellVoltages(cellsV: readonly number[]): Uint8Array {
  const data = new Uint8Array(2 * cellsV.length);
  const view = new DataView(data.buffer);
  cellsV.forEach((v, i) => {
    view.setUint16(2 * i, unsigned16('cellsV', v, 1000));
  });
  return data;
}

export function encodeHardwareVersion(model: string): Uint8Array {
  const data = new Uint8Array(model.length);
  for (let i = 0; i < model.length; i++) {
    const code = model.charCodeAt(i);
    if (code > 0xff) throw range('model', model, 'only single-byte characters');
    data[i] = code;
  }
  return data;
}

function encodeFrame(b1: number, b2: number, data: Uint8Array): Uint8Array {
  if (data.length > 0xff) throw range('data length', data.length, '0–255 bytes');
  const frame = new Uint8Array(data.length + JBD_FRAME_OVERHEAD);
  frame[0] = JBD_START;
  frame[1] = b1;
  frame[2] = b2;
  frame[3] = data.length;
  frame.set(data, 4);
  const sum = jbdChecksum(frame, 2, 4 + data.length);
  frame[4 + data.length] = sum >>> 8;
  frame[5 + data.length] = sum & 0xff;
  frame[6 + data.length] = JBD_END;
  return frame;
}

/** Checks one whole frame and returns its header bytes and a copy of its data. */
function unwrap(frame: Uint8Array): { b1: number; b2: number; data: Uint8Array } {
  const len = frame[3];
  if (frame[0] !== JBD_START || len === undefined || frame.length !== len + JBD_FRAME_OVERHEAD) {
    throw new BridgeError(BridgeErrorCode.FRAME_INVALID, `not one whole JBD frame (${frame.length} bytes)`);
  }
  if (frame[len + 6] !== JBD_END) {
    throw new BridgeError(BridgeErrorCode.FRAME_INVALID, `JBD frame ends with 0x${hex(frame[len + 6])}, not 0x77`);
  }
  const carried = ((frame[len + 4] ?? 0) << 8) | (frame[len + 5] ?? 0);
  const computed = jbdChecksum(frame, 2, len + 4);
  if (carried !== computed) {
    throw new BridgeError(BridgeErrorCode.FRAME_INVALID, `JBD checksum 0x${hex(carried)}, expected 0x${hex(computed)}`);
  }
  return { b1: frame[1] ?? 0, b2: frame[2] ?? 0, data: frame.slice(4, 4 + len) };
}

function encodeProtection(flags: readonly ProtectionFlag[], otherBits: number): number {
  const namedMask = (1 << JBD_PROTECTION_FLAGS.length) - 1;
  if ((unsigned16('protectionOtherBits', otherBits, 1) & namedMask) !== 0) {
    throw range('protectionOtherBits', otherBits, `bits ${JBD_PROTECTION_FLAGS.length}–15`);
  }
  return flags.reduce((bits, flag) => {
    const bit = JBD_PROTECTION_FLAGS.indexOf(flag);
    if (bit < 0) throw range('protection', flag, JBD_PROTECTION_FLAGS.join(', '));
    return bits | (1 << bit);
  }, otherBits);
}

function encodeDate({ year, month, day }: JbdProductionDate): number {
  if (!Number.isInteger(year) || year < 2000 || year > 2127) throw range('productionDate.year', year, '2000–2127');
  if (!Number.isInteger(month) || month < 0 || month > 15) throw range('productionDate.month', month, '0–15');
  if (!Number.isInteger(day) || day < 0 || day > 31) throw range('productionDate.day', day, '0–31');
  return ((year - 2000) << 9) | (month << 5) | day;
}

function unsigned16(name: string, value: number, scale: number): number {
  const raw = Math.round(value * scale);
  if (!Number.isFinite(raw) || raw < 0 || raw > 0xffff) throw range(name, value, `0–${0xffff / scale}`);
  return raw;
}

function signed16(name: string, value: number, scale: number): number {
  const raw = Math.round(value * scale);
  if (!Number.isFinite(raw) || raw < -0x8000 || raw > 0x7fff) {
    throw range(name, value, `${-0x8000 / scale}–${0x7fff / scale}`);
  }
  return raw;
}

function byte(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw range(name, value, '0–255');
  return value;
}

function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}

function short(what: string, needed: number, got: number): BridgeError {
  return new BridgeError(BridgeErrorCode.PAYLOAD_SHORT, `${what} needs ${needed} data bytes, got ${got}`);
}

function hex(value: number | undefined): string {
  return (value ?? 0).toString(16).padStart(2, '0');
}
