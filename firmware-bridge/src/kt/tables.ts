/**
 * KT lookup tables, each from the source named beside it (see test/vectors/kt.ts for commits).
 * Maps rather than object literals, so the codes stay written in hex as the sources write them.
 */

/** Names from the OSEC firmware's error constants (motor.h) and what the LCD shows (S12SN_to_LCD3.txt). */
const FAULT_NAMES = new Map<number, string>([
  [0x00, 'none'],
  [0x21, 'short-circuit'], // E06, LCD "6info"
  [0x22, 'throttle-fault'], // E01, LCD "1info"
  [0x23, 'error-e02'], // LCD "2info"
  [0x24, 'error-e03'], // LCD "3info"
  [0x26, 'error-e04'], // LCD "4info"
  [0x28, 'error-e05'], // the notes say the LCD shows "0info"
  [0x91, 'battery-under-voltage'], // OSEC's own code; it normally flashes the battery instead
]);

export function ktFaultName(code: number): string {
  return FAULT_NAMES.get(code) ?? `unknown-0x${code.toString(16).padStart(2, '0')}`;
}

export interface KtWheelSize {
  label: string;
  circumferenceM?: number;
}

/** Rim sizes by LCD code (LCD3 and LCD8 notes); circumference in metres from OSEC communications_controller.c. */
export const KT_WHEEL_SIZES: ReadonlyMap<number, KtWheelSize> = new Map<number, KtWheelSize>([
  [0x00, { label: '16"', circumferenceM: 1.26736 }],
  [0x02, { label: '12"', circumferenceM: 0.94791 }],
  [0x04, { label: '18"', circumferenceM: 1.42708 }],
  [0x06, { label: '14"', circumferenceM: 1.10764 }],
  [0x08, { label: '20"', circumferenceM: 1.57639 }],
  [0x0a, { label: '8"', circumferenceM: 0.62847 }],
  [0x0c, { label: '22"', circumferenceM: 1.74305 }], // the LCD8 notes call it 23"
  [0x0e, { label: '10"', circumferenceM: 0.78819 }],
  [0x10, { label: '24"', circumferenceM: 1.89583 }],
  [0x12, { label: '6"', circumferenceM: 0.46875 }],
  [0x14, { label: '26"', circumferenceM: 2.0625 }],
  [0x16, { label: '5"' }], // LCD8 notes only
  [0x18, { label: '700c', circumferenceM: 2.17361 }],
  [0x1c, { label: '28"', circumferenceM: 2.19444 }],
  [0x1e, { label: '29"', circumferenceM: 2.25 }],
]);

/** B1 values that show bars (S12SN_to_LCD3.txt; 12 = three bars from EBiCS display_kunteng.c). */
export const KT_BATTERY_BARS: ReadonlyMap<number, number> = new Map([
  [3, 0],
  [4, 1],
  [8, 2],
  [12, 3],
  [16, 4],
]);
