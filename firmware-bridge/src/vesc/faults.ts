/**
 * VESC fault codes (the u8 in GET_VALUES) to stable machine names, in the order of the firmware's
 * `mc_fault_code` enum: vedderb/bldc datatypes.h (FAULT_CODE_NONE … FAULT_CODE_ABS_OVERSPEED, lines
 * 144–179 at commit b9d287b3, firmware 7.01). Names are the enum names in kebab case, except the first
 * seven, which read as the MotorSample documentation spells them. Append only: codes are positions.
 */
export const VESC_FAULT_NAMES = [
  'none',
  'over-voltage',
  'under-voltage',
  'drv',
  'abs-over-current',
  'fet-over-temperature',
  'motor-over-temperature',
  'gate-driver-over-voltage',
  'gate-driver-under-voltage',
  'mcu-under-voltage',
  'booting-from-watchdog-reset',
  'encoder-spi',
  'encoder-sincos-below-min-amplitude',
  'encoder-sincos-above-max-amplitude',
  'flash-corruption',
  'high-offset-current-sensor-1',
  'high-offset-current-sensor-2',
  'high-offset-current-sensor-3',
  'unbalanced-currents',
  'brk',
  'resolver-lot',
  'resolver-dos',
  'resolver-los',
  'flash-corruption-app-cfg',
  'flash-corruption-mc-cfg',
  'encoder-no-magnet',
  'encoder-magnet-too-strong',
  'phase-filter',
  'encoder-fault',
  'lv-output-fault',
  'encoder-slip',
  'overspeed',
  'underspeed',
  'abs-overspeed',
] as const;

export type VescFaultName = (typeof VESC_FAULT_NAMES)[number];

export const VescFault = {
  none: 0,
  overVoltage: 1,
  underVoltage: 2,
  drv: 3,
  absOverCurrent: 4,
  fetOverTemperature: 5,
  motorOverTemperature: 6,
} as const;

/** A code newer than this table becomes `unknown-<code>`, so it still reads as a fault, not as 'none'. */
export function vescFaultName(code: number): string {
  return VESC_FAULT_NAMES[code] ?? `unknown-${code}`;
}
