import { VESC_VALUE_FIELDS } from './values.js';

/**
 * What each firmware generation sends, from the history of vedderb/bldc comm/commands.c:
 * pid_pos joined GET_VALUES at 3.34 (commit 5a189290); controller id, MOSFET temperatures and
 * GET_VALUES_SELECTIVE at 3.48 (123bb00a); vd/vq at 3.60 (a233367b); the status byte at 5.03 (75b84f1f).
 */
export interface VescFirmwareVersion {
  major: number;
  minor: number;
}

export function firmwareAtLeast(fw: VescFirmwareVersion, major: number, minor: number): boolean {
  return fw.major > major || (fw.major === major && fw.minor >= minor);
}

/** How many leading GET_VALUES fields this firmware sends (fault code is field 16). */
export function valueFieldsKnownBy(fw: VescFirmwareVersion): number {
  if (!firmwareAtLeast(fw, 3, 34)) return 16;
  if (!firmwareAtLeast(fw, 3, 48)) return 17;
  if (!firmwareAtLeast(fw, 3, 60)) return 19;
  if (!firmwareAtLeast(fw, 5, 3)) return 21;
  return VESC_VALUE_FIELDS.length;
}

/** GET_VALUES_SELECTIVE (command 50) exists from 3.48 on; older firmware ignores it. */
export function supportsSelective(fw: VescFirmwareVersion): boolean {
  return firmwareAtLeast(fw, 3, 48);
}

/** Firmware before 3.0 sent GET_VALUES in another order (six MOSFET temperatures first): this codec cannot read it. */
export function valuesLayoutKnown(fw: VescFirmwareVersion): boolean {
  return fw.major >= 3;
}
