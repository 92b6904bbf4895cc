import type { MotorSample, QualityMap } from '../samples.js';
import { KT_STOPPED_PERIOD_MS, type KtControllerStatus } from './codec.js';

export interface KtSampleOptions {
  /** Wheel circumference in metres, for speedKmh; without it (and without an LCD wheel size) no speed. */
  wheelCircumferenceM?: number;
  /** Overrides B2 for powerW (B2 is the controller's nominal voltage, not a measurement). */
  nominalVoltageV?: number;
  /** Periods at or above this mean "stopped" (OSEC and EBiCS send 4500 ms then). */
  stoppedPeriodMs?: number;
  /** Controllers without a motor sensor send B9 = 0, which reads as 15 °C: leave it out then. */
  motorTemperature?: boolean;
}

/** Wheel turns per minute for one period; 0 for the stopped sentinel (or a nonsensical 0 ms). */
export function ktWheelRpm(periodMs: number, stoppedPeriodMs = KT_STOPPED_PERIOD_MS): number {
  if (periodMs <= 0 || periodMs >= stoppedPeriodMs) return 0;
  return 60_000 / periodMs;
}

export function ktMotorSample(status: KtControllerStatus, at: number, options: KtSampleOptions = {}): MotorSample {
  const wheelRpm = round(ktWheelRpm(status.wheelPeriodMs, options.stoppedPeriodMs), 2);
  const quality: QualityMap<Omit<MotorSample, 'quality'>> = {};
  const sample: MotorSample = {
    kind: 'motor',
    source: 'kt',
    at,
    wheelRpm,
    inputCurrentA: status.currentA,
    faultCode: status.errorCode,
    faultName: status.faultName,
  };
  const circumference = options.wheelCircumferenceM;
  if (circumference !== undefined && circumference > 0) {
    sample.speedKmh = round((wheelRpm * circumference * 60) / 1000, 2);
    quality.speedKmh = 'inferred';
  }
  const volts = options.nominalVoltageV ?? status.nominalVoltageV;
  if (volts > 0) {
    sample.powerW = round(volts * status.currentA, 1);
    quality.powerW = 'inferred';
  }
  if (options.motorTemperature ?? true) sample.motorTempC = status.motorTempC;
  sample.quality = quality;
  return sample;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
