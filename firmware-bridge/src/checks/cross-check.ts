import type { BatterySample, MotorSample } from '../samples.js';

/**
 * Where two devices measure the same thing, a disagreement is news: a loose shunt wire, a BMS whose
 * current sign is configured the wrong way, a controller reporting another pack. Each gets a stable name.
 */
export type MismatchName = 'current-mismatch' | 'voltage-mismatch';

export interface Mismatch {
  name: MismatchName;
  /** What the BMS says (current as drawn from the pack: positive while riding). */
  bms: number;
  controller: number;
  difference: number;
  tolerance: number;
}

export interface CrossCheckTolerances {
  /** Absolute slack: the BMS also feeds the Pi, the lights and the 4G router. */
  currentA: number;
  /** Relative slack on top, for shunt and controller calibration. */
  currentFraction: number;
  voltageV: number;
  /** Samples further apart than this are not compared: the load changes faster than that. */
  maxSkewMs: number;
}

export const DEFAULT_TOLERANCES: Readonly<CrossCheckTolerances> = Object.freeze({
  currentA: 3,
  currentFraction: 0.15,
  voltageV: 1.5,
  maxSkewMs: 3000,
});

export function crossCheck(
  battery: BatterySample,
  motor: MotorSample,
  tolerances: Readonly<CrossCheckTolerances> = DEFAULT_TOLERANCES,
): Mismatch[] {
  if (Math.abs(battery.at - motor.at) > tolerances.maxSkewMs) return [];
  const mismatches: Mismatch[] = [];
  if (motor.inputCurrentA !== undefined && motor.quality?.inputCurrentA !== 'inferred') {
    // The BMS reports discharge as negative; the controller reports its input draw as positive.
    const drawn = -battery.currentA;
    const difference = Math.abs(drawn - motor.inputCurrentA);
    const tolerance =
      tolerances.currentA + tolerances.currentFraction * Math.max(Math.abs(drawn), Math.abs(motor.inputCurrentA));
    if (difference > tolerance) {
      mismatches.push({ name: 'current-mismatch', bms: drawn, controller: motor.inputCurrentA, difference, tolerance });
    }
  }
  if (motor.voltageV !== undefined) {
    const difference = Math.abs(battery.voltageV - motor.voltageV);
    if (difference > tolerances.voltageV) {
      mismatches.push({
        name: 'voltage-mismatch',
        bms: battery.voltageV,
        controller: motor.voltageV,
        difference,
        tolerance: tolerances.voltageV,
      });
    }
  }
  return mismatches;
}
