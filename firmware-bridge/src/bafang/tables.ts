/**
 * Bafang lookup tables, each from the source named beside it (see test/vectors/bafang.ts).
 * Maps rather than object literals, so the codes stay written in hex as the sources write them.
 */

/** Status codes and names from bbs-fw app.h (0x00 "OK" from its wiki). 01 and 03 are not faults. */
const STATUS_NAMES = new Map<number, string>([
  [0x04, 'throttle-not-zero'],
  [0x05, 'throttle-fault'],
  [0x06, 'low-voltage'],
  [0x07, 'over-voltage'],
  [0x08, 'hall-sensor'],
  [0x09, 'phase-line'],
  [0x10, 'controller-over-temperature'],
  [0x11, 'motor-over-temperature'],
  [0x12, 'current-sensor'],
  [0x13, 'battery-temperature-sensor'],
  [0x14, 'motor-temperature-sensor'],
  [0x15, 'controller-temperature-sensor'],
  [0x21, 'speed-sensor'],
  [0x22, 'bms-communication'],
  [0x23, 'headlight'],
  [0x24, 'headlight-sensor'],
  [0x25, 'torque-sensor'],
  [0x26, 'torque-speed-sensor'],
  [0x30, 'communication'],
]);

export function bafangFault(code: number): { faultCode: number; faultName: string } {
  // 00 (bbs-fw wiki "OK"), 01 normal and 03 braking.
  if (code <= 0x01 || code === 0x03) return { faultCode: 0, faultName: 'none' };
  return { faultCode: code, faultName: STATUS_NAMES.get(code) ?? `unknown-0x${code.toString(16).padStart(2, '0')}` };
}

/** Assist codes on the 9-level scale (bbs-fw, FTEX lcd_bafang_comm.h); 5-level displays use a subset. */
export const BAFANG_ASSIST_LEVEL9: ReadonlyMap<number, number> = new Map<number, number>([
  [0x00, 0],
  [0x01, 1],
  [0x0b, 2],
  [0x0c, 3],
  [0x0d, 4],
  [0x02, 5],
  [0x15, 6],
  [0x16, 7],
  [0x17, 8],
  [0x03, 9],
]);
export const BAFANG_ASSIST_LEVEL5: ReadonlyMap<number, number> = new Map<number, number>([
  [0x00, 0],
  [0x0b, 1],
  [0x0d, 2],
  [0x15, 3],
  [0x17, 4],
  [0x03, 5],
]);
export const BAFANG_ASSIST_WALK = 0x06;
