import { BridgeError, BridgeErrorCode } from '../errors.js';

/**
 * The GET_VALUES field list, in wire order; a field's index is its bit in the GET_VALUES_SELECTIVE
 * mask. Source: vedderb/bldc comm/commands.c, `case COMM_GET_VALUES / COMM_GET_VALUES_SELECTIVE`.
 * Every number is big-endian and fixed-point (`raw / scale`).
 */
export interface VescValues {
  tempFetC?: number;
  tempMotorC?: number;
  motorCurrentA?: number;
  inputCurrentA?: number;
  idA?: number;
  iqA?: number;
  /** Duty cycle as a fraction, −1…1 (negative while turning backwards). */
  duty?: number;
  /** Electrical RPM: mechanical RPM × motor pole pairs. */
  erpm?: number;
  inputVoltageV?: number;
  ampHours?: number;
  ampHoursCharged?: number;
  wattHours?: number;
  wattHoursCharged?: number;
  tachometer?: number;
  tachometerAbs?: number;
  /** mc_fault_code; see vescFaultName(). */
  faultCode?: number;
  pidPosDeg?: number;
  /** CAN id of the controller that answered. */
  controllerId?: number;
  /** The three MOSFET NTCs, where the hardware has them (boards without report nonsense such as −80 °C). */
  tempMosC?: [number, number, number];
  vdV?: number;
  vqV?: number;
  /** Bit 0: a control timeout is active; bit 1: the kill switch is active (firmware 5.03+). */
  status?: number;
}

export type VescValueKey = keyof VescValues;

type Wire = 'u8' | 'i16' | 'i32' | 'i16x3';

interface FieldSpec {
  key: VescValueKey;
  wire: Wire;
  scale: number;
}

export const VESC_VALUE_FIELDS: readonly FieldSpec[] = [
  { key: 'tempFetC', wire: 'i16', scale: 10 },
  { key: 'tempMotorC', wire: 'i16', scale: 10 },
  { key: 'motorCurrentA', wire: 'i32', scale: 100 },
  { key: 'inputCurrentA', wire: 'i32', scale: 100 },
  { key: 'idA', wire: 'i32', scale: 100 },
  { key: 'iqA', wire: 'i32', scale: 100 },
  { key: 'duty', wire: 'i16', scale: 1000 },
  { key: 'erpm', wire: 'i32', scale: 1 },
  { key: 'inputVoltageV', wire: 'i16', scale: 10 },
  { key: 'ampHours', wire: 'i32', scale: 10_000 },
  { key: 'ampHoursCharged', wire: 'i32', scale: 10_000 },
  { key: 'wattHours', wire: 'i32', scale: 10_000 },
  { key: 'wattHoursCharged', wire: 'i32', scale: 10_000 },
  { key: 'tachometer', wire: 'i32', scale: 1 },
  { key: 'tachometerAbs', wire: 'i32', scale: 1 },
  { key: 'faultCode', wire: 'u8', scale: 1 },
  { key: 'pidPosDeg', wire: 'i32', scale: 1_000_000 },
  { key: 'controllerId', wire: 'u8', scale: 1 },
  { key: 'tempMosC', wire: 'i16x3', scale: 10 },
  { key: 'vdV', wire: 'i32', scale: 1000 },
  { key: 'vqV', wire: 'i32', scale: 1000 },
  { key: 'status', wire: 'u8', scale: 1 },
];

const SIZE: Record<Wire, number> = { u8: 1, i16: 2, i32: 4, i16x3: 6 };

/** Every field this table knows; GET_VALUES sends them all (as far as its firmware knows them). */
export const VESC_ALL_FIELDS_MASK = (1 << VESC_VALUE_FIELDS.length) - 1;

/** The mask bit of a field. */
export function vescMaskOf(...keys: VescValueKey[]): number {
  return keys.reduce((mask, key) => (mask | (1 << VESC_VALUE_FIELDS.findIndex((f) => f.key === key))) >>> 0, 0);
}

/** Bytes the fields selected by `mask` take on the wire (unknown bits take none: the firmware skips them). */
export function vescValuesLength(mask: number): number {
  return VESC_VALUE_FIELDS.reduce((n, f, bit) => (isSet(mask, bit) ? n + SIZE[f.wire] : n), 0);
}

/**
 * Decodes the selected fields in order. A payload that ends early leaves the remaining fields absent
 * (older firmware sends fewer); bytes after the last field, or a partial field, come back as `extra`.
 */
export function decodeValueFields(data: Uint8Array, mask: number): { values: VescValues; extra: Uint8Array } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const values: Record<string, unknown> = {};
  let at = 0;
  for (const [bit, field] of VESC_VALUE_FIELDS.entries()) {
    if (!isSet(mask, bit)) continue;
    if (at + SIZE[field.wire] > data.length) break;
    values[field.key] = read(view, at, field);
    at += SIZE[field.wire];
  }
  return { values: values as VescValues, extra: data.slice(at) };
}

/** Encodes the selected fields in order, stopping at the first absent one (as an older firmware would). */
export function encodeValueFields(values: VescValues, mask: number): Uint8Array {
  const out = new Uint8Array(vescValuesLength(mask));
  const view = new DataView(out.buffer);
  let at = 0;
  let missing: VescValueKey | undefined;
  for (const [bit, field] of VESC_VALUE_FIELDS.entries()) {
    if (!isSet(mask, bit)) continue;
    const value = values[field.key];
    if (value === undefined) {
      missing ??= field.key;
      continue;
    }
    if (missing !== undefined) throw range(field.key, value, `nothing after the absent field ${missing}`);
    write(view, at, field, value);
    at += SIZE[field.wire];
  }
  return out.slice(0, at);
}

function read(view: DataView, at: number, field: FieldSpec): number | [number, number, number] {
  switch (field.wire) {
    case 'u8':
      return view.getUint8(at);
    case 'i16':
      return view.getInt16(at) / field.scale;
    case 'i32':
      return view.getInt32(at) / field.scale;
    case 'i16x3':
      return [0, 2, 4].map((o) => view.getInt16(at + o) / field.scale) as [number, number, number];
  }
}

function write(view: DataView, at: number, field: FieldSpec, value: number | readonly number[]): void {
  const scalar = (v: unknown, min: number, max: number): number => {
    const raw = typeof v === 'number' ? Math.round(v * field.scale) : Number.NaN;
    if (!Number.isFinite(raw) || raw < min || raw > max)
      throw range(field.key, v, `${min / field.scale}…${max / field.scale}`);
    return raw;
  };
  if (field.wire === 'i16x3') {
    if (!Array.isArray(value) || value.length !== 3) throw range(field.key, value, 'three temperatures');
    value.forEach((v, i) => {
      view.setInt16(at + 2 * i, scalar(v, -0x8000, 0x7fff));
    });
  } else if (field.wire === 'u8') {
    if (!Number.isInteger(value)) throw range(field.key, value, 'an integer 0…255');
    view.setUint8(at, scalar(value, 0, 0xff));
  } else if (field.wire === 'i16') {
    view.setInt16(at, scalar(value, -0x8000, 0x7fff));
  } else {
    view.setInt32(at, scalar(value, -0x8000_0000, 0x7fff_ffff));
  }
}

function isSet(mask: number, bit: number): boolean {
  return ((mask >>> bit) & 1) === 1;
}

function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}
