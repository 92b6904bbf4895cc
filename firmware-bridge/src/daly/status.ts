import { alarmPosition, DALY_ALARM_BITS, DALY_ALARM_BYTES, DALY_NAMED_MASKS, type DalyAlarmFlag } from './alarms.js';
import { bits, range, u8, u16, viewOf, withReserved } from './wire.js';

/**
 * The eight data bytes of the Daly status replies (0x93 MOS status, 0x94 status information,
 * 0x97 balance, 0x98 failure status), both ways, after Daly's "UART/485 Communications Protocol V1.2".
 */

/** 0x97 has a bit for cells 1–48 (bytes 0–5). */
export const DALY_BALANCE_CELLS = 48;

export type DalyChargeState = 'idle' | 'charging' | 'discharging' | 'unknown';

export interface DalyMosStatus {
  /** 0 stationary, 1 charge, 2 discharge. */
  stateCode: number;
  state: DalyChargeState;
  chargeMos: boolean;
  dischargeMos: boolean;
  /** "BMS life, 0–255 cycles": a counter that wraps, not the cycle count (that is in 0x94). */
  life: number;
  remainingAh: number;
}

export interface DalyStatusInfo {
  cellCount: number;
  sensorCount: number;
  charger: boolean;
  load: boolean;
  /** DI1–DI4 (bits 0–3 of byte 4). */
  inputs: boolean[];
  /** DO1–DO4 (bits 4–7). */
  outputs: boolean[];
  /** Bytes 5–6: the Chinese "Part 4" document and every peer decoder read cycles there. */
  cycles: number;
  reserved: number[];
}

export interface DalyBalance {
  /**
   * Cells 1–48. Byte 0 bit 0 is cell 1, as the 0x98 bytes count; peers disagree (dreadnought
   * counts from the last byte, dbus-serialbattery from bit 48 of a big-endian word).
   */
  balancing: boolean[];
  reserved: number[];
}

export interface DalyAlarms {
  /** Active flags, in bit order. */
  flags: DalyAlarmFlag[];
  /** Per byte 0–6, the set bits that have no name (reserved), kept so re-encoding loses nothing. */
  otherBits: number[];
  /** Byte 7; Daly does not document its values. */
  faultCode: number;
}

const STATES: readonly DalyChargeState[] = ['idle', 'charging', 'discharging'];

export function decodeMosStatus(data: Uint8Array): DalyMosStatus {
  const view = viewOf(data, 'MOS status (0x93)');
  const stateCode = view.getUint8(0);
  return {
    stateCode,
    state: STATES[stateCode] ?? 'unknown',
    chargeMos: view.getUint8(1) !== 0,
    dischargeMos: view.getUint8(2) !== 0,
    life: view.getUint8(3),
    remainingAh: view.getUint32(4) / 1000,
  };
}

/** Writes stateCode (`state` is only its name); the MOS flags go out as 0/1. */
export function encodeMosStatus(mos: DalyMosStatus): Uint8Array {
  const data = new Uint8Array(8);
  const view = new DataView(data.buffer);
  view.setUint8(0, u8('stateCode', mos.stateCode));
  view.setUint8(1, mos.chargeMos ? 1 : 0);
  view.setUint8(2, mos.dischargeMos ? 1 : 0);
  view.setUint8(3, u8('life', mos.life));
  const mAh = Math.round(mos.remainingAh * 1000);
  if (!Number.isFinite(mAh) || mAh < 0 || mAh > 0xffffffff)
    throw range('remainingAh', mos.remainingAh, '0–4294967.295');
  view.setUint32(4, mAh);
  return data;
}

export function decodeStatusInfo(data: Uint8Array): DalyStatusInfo {
  const view = viewOf(data, 'status information (0x94)');
  const dio = view.getUint8(4);
  return {
    cellCount: view.getUint8(0),
    sensorCount: view.getUint8(1),
    charger: view.getUint8(2) !== 0,
    load: view.getUint8(3) !== 0,
    inputs: [0, 1, 2, 3].map((bit) => ((dio >>> bit) & 1) === 1),
    outputs: [4, 5, 6, 7].map((bit) => ((dio >>> bit) & 1) === 1),
    cycles: view.getUint16(5),
    reserved: [view.getUint8(7)],
  };
}

export function encodeStatusInfo(status: DalyStatusInfo): Uint8Array {
  const data = withReserved(7, status.reserved);
  const view = new DataView(data.buffer);
  view.setUint8(0, u8('cellCount', status.cellCount));
  view.setUint8(1, u8('sensorCount', status.sensorCount));
  view.setUint8(2, status.charger ? 1 : 0);
  view.setUint8(3, status.load ? 1 : 0);
  view.setUint8(4, bits('inputs', status.inputs, 4) | (bits('outputs', status.outputs, 4) << 4));
  view.setUint16(5, u16('cycles', status.cycles, 1));
  return data;
}

export function decodeBalance(data: Uint8Array): DalyBalance {
  viewOf(data, 'balance state (0x97)');
  return {
    balancing: Array.from({ length: DALY_BALANCE_CELLS }, (_, i) => (((data[i >>> 3] ?? 0) >>> (i & 7)) & 1) === 1),
    reserved: [...data.subarray(6, 8)],
  };
}

export function encodeBalance(balance: DalyBalance): Uint8Array {
  if (balance.balancing.length > DALY_BALANCE_CELLS) throw range('balancing', balance.balancing.length, 'at most 48');
  const data = withReserved(6, balance.reserved);
  balance.balancing.forEach((on, i) => {
    if (on) data[i >>> 3] = (data[i >>> 3] ?? 0) | (1 << (i & 7));
  });
  return data;
}

export function decodeAlarms(data: Uint8Array): DalyAlarms {
  viewOf(data, 'failure status (0x98)');
  const flags = DALY_ALARM_BITS.flatMap((names, byteIndex) =>
    names.filter((name, bit): name is DalyAlarmFlag => name !== null && (((data[byteIndex] ?? 0) >>> bit) & 1) === 1),
  );
  return {
    flags,
    otherBits: DALY_NAMED_MASKS.map((mask, i) => (data[i] ?? 0) & ~mask & 0xff),
    faultCode: data[7] ?? 0,
  };
}

export function encodeAlarms(alarms: DalyAlarms): Uint8Array {
  if (alarms.otherBits.length !== DALY_ALARM_BYTES) throw range('otherBits', alarms.otherBits.length, '7 bytes');
  const data = new Uint8Array(8);
  alarms.otherBits.forEach((other, i) => {
    if ((u8('otherBits', other) & (DALY_NAMED_MASKS[i] ?? 0)) !== 0)
      throw range('otherBits', other, 'reserved bits only');
    data[i] = other;
  });
  for (const flag of alarms.flags) {
    const at = alarmPosition(flag);
    if (at === undefined) throw range('flags', flag, 'a DALY_ALARM_FLAGS name');
    data[at.byte] = (data[at.byte] ?? 0) | at.mask;
  }
  data[7] = u8('faultCode', alarms.faultCode);
  return data;
}
