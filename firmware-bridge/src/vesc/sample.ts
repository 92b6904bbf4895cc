import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { MotorSample, QualityMap } from '../samples.js';
import { vescFaultName } from './faults.js';
import type { VescValues } from './values.js';

/** What turns ERPM into road speed; the VESC knows none of it. */
export interface VescGeometry {
  /** Magnet poles ÷ 2: motor RPM = ERPM ÷ pole pairs. Without it, no wheel RPM or speed. */
  motorPolePairs?: number;
  /** Motor turns per wheel turn; 1 (the default) for a hub motor. */
  gearRatio?: number;
  /** Rolling circumference of the driven wheel, in metres. Without it, no speed. */
  wheelCircumferenceM?: number;
}

/** Refuses geometry that would make every speed nonsense (BRG_OPTION_INVALID), once, at construction. */
export function checkGeometry(geometry: VescGeometry): void {
  requirePositive({ ...geometry });
}

/** BRG_OPTION_INVALID unless every given number is finite and above zero. */
export function requirePositive(options: Record<string, number | undefined>): void {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `${name} = ${String(value)} must be a positive number`);
    }
  }
}

/**
 * One MotorSample from decoded values. Wheel RPM, speed and power are computed here, not measured,
 * so they are marked 'inferred'; their sign follows the ERPM's (negative when the motor turns backwards).
 */
export function toMotorSample(values: VescValues, geometry: VescGeometry, at: number): MotorSample {
  const faultCode = values.faultCode ?? 0;
  const sample: MotorSample = { kind: 'motor', source: 'vesc', at, faultCode, faultName: vescFaultName(faultCode) };
  const quality: QualityMap<Omit<MotorSample, 'quality'>> = {};
  if (values.erpm !== undefined) {
    sample.erpm = values.erpm;
    if (geometry.motorPolePairs !== undefined) {
      sample.wheelRpm = round(values.erpm / geometry.motorPolePairs / (geometry.gearRatio ?? 1), 2);
      quality.wheelRpm = 'inferred';
      if (geometry.wheelCircumferenceM !== undefined) {
        sample.speedKmh = round((sample.wheelRpm * geometry.wheelCircumferenceM * 60) / 1000, 2);
        quality.speedKmh = 'inferred';
      }
    }
  }
  if (values.inputCurrentA !== undefined) sample.inputCurrentA = values.inputCurrentA;
  if (values.motorCurrentA !== undefined) sample.motorCurrentA = values.motorCurrentA;
  if (values.inputVoltageV !== undefined) {
    sample.voltageV = values.inputVoltageV;
    if (values.inputCurrentA !== undefined) {
      sample.powerW = round(values.inputVoltageV * values.inputCurrentA, 1);
      quality.powerW = 'inferred';
    }
  }
  if (values.tempFetC !== undefined) sample.controllerTempC = values.tempFetC;
  if (values.tempMotorC !== undefined) sample.motorTempC = values.tempMotorC;
  if (values.duty !== undefined) sample.dutyPct = round(values.duty * 100, 1);
  if (Object.keys(quality).length > 0) sample.quality = quality;
  return sample;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  // + 0 turns −0 into 0, so a standing motor reads 0 and not −0.
  return Math.round(value * f) / f + 0;
}
