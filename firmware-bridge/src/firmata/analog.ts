/**
 * The analog front end of the aux board, as pure math shared by the driver and the simulator.
 *
 * Wiring assumed (hardware/ documents the board):
 * - A0: battery through a resistor divider; V_battery = V_A0 × dividerRatio, V_A0 against adcRefV.
 * - A1: NTC from A1 to ground, series resistor from the ADC reference to A1. Both ends sit on the
 *   same reference, so the reading is ratiometric and adcRefV drops out. An open NTC reads 1023,
 *   a shorted one 0.
 */

/** Full scale of the Nano's 10-bit ADC, as StandardFirmata reports it. */
export const ADC_MAX = 1023;
const KELVIN_AT_0C = 273.15;
const KELVIN_AT_25C = 298.15;

export interface DividerCalibration {
  /** V_battery / V_pin, e.g. 13 for 120 kΩ over 10 kΩ. */
  dividerRatio: number;
  /** ADC reference voltage: 5.0 on a USB-powered Nano. */
  adcRefV: number;
}

export interface ThermistorCalibration {
  /** B constant in kelvin (B25/85), 3950 for the common 10 kΩ NTCs. */
  beta: number;
  /** NTC resistance at 25 °C. */
  r25Ohm: number;
  /** The fixed resistor between the reference and A1. */
  seriesOhm: number;
}

export function adcToDividerVolts(adc: number, cal: DividerCalibration): number {
  return (adc / ADC_MAX) * cal.adcRefV * cal.dividerRatio;
}

export function dividerVoltsToAdc(volts: number, cal: DividerCalibration): number {
  return clampAdc(Math.round((volts / cal.dividerRatio / cal.adcRefV) * ADC_MAX));
}

/**
 * Beta-model temperature. The reading is clamped to 1…1022 first, so an open or shorted NTC still
 * gives a finite (absurd) value; the caller flags it with the quality map.
 */
export function adcToThermistorC(adc: number, cal: ThermistorCalibration): number {
  const reading = Math.min(ADC_MAX - 1, Math.max(1, adc));
  const ohms = (cal.seriesOhm * reading) / (ADC_MAX - reading);
  return 1 / (1 / KELVIN_AT_25C + Math.log(ohms / cal.r25Ohm) / cal.beta) - KELVIN_AT_0C;
}

export function thermistorCToAdc(celsius: number, cal: ThermistorCalibration): number {
  const ohms = cal.r25Ohm * Math.exp(cal.beta * (1 / (celsius + KELVIN_AT_0C) - 1 / KELVIN_AT_25C));
  return clampAdc(Math.round((ADC_MAX * ohms) / (ohms + cal.seriesOhm)));
}

function clampAdc(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(ADC_MAX, Math.max(0, value));
}
