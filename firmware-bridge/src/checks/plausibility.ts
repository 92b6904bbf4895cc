import type { BatterySample, FieldQuality, MotorSample, PositionSample, QualityMap } from '../samples.js';

/**
 * Plausibility gates: a decoded value that cannot be true of a cargo-tricycle pack or motor is kept
 * (so a technician can see it) but marked 'out-of-range', so nobody charts it or alarms on it as fact.
 */
export interface BatteryLimits {
  /** Li-ion window per cell; outside it the reading, not the cell, is the likely fault. */
  cellMinV: number;
  cellMaxV: number;
  /** Largest current the pack's BMS can pass, in either direction. */
  maxAbsCurrentA: number;
  minTemperatureC: number;
  maxTemperatureC: number;
  /** Series cells configured for this unit; a different count means a misread or a wrong config. */
  expectedCells?: number;
}

export const DEFAULT_BATTERY_LIMITS: Readonly<BatteryLimits> = Object.freeze({
  cellMinV: 2.5,
  cellMaxV: 4.3,
  maxAbsCurrentA: 150,
  minTemperatureC: -30,
  maxTemperatureC: 90,
});

export interface MotorLimits {
  maxAbsCurrentA: number;
  minVoltageV: number;
  maxVoltageV: number;
  maxTemperatureC: number;
  /** Cargo tricycles are limited to 25 km/h assisted; 60 leaves room for a downhill, not for a glitch. */
  maxSpeedKmh: number;
}

export const DEFAULT_MOTOR_LIMITS: Readonly<MotorLimits> = Object.freeze({
  maxAbsCurrentA: 150,
  minVoltageV: 10,
  maxVoltageV: 100,
  maxTemperatureC: 160,
  maxSpeedKmh: 60,
});

type Marks<T> = QualityMap<Omit<T, 'quality'>>;

function mark<T extends { quality?: Marks<T> }>(
  sample: T,
  field: keyof Omit<T, 'quality'>,
  quality: FieldQuality,
): void {
  // Never downgrade an 'inferred' or 'stale' mark to something that hides why the value is odd.
  sample.quality ??= {} as Marks<T>;
  const marks = sample.quality;
  if (marks[field] === undefined || marks[field] === 'ok') marks[field] = quality;
}

const outside = (value: number, min: number, max: number) => !Number.isFinite(value) || value < min || value > max;

export function gateBattery(
  sample: BatterySample,
  limits: Readonly<BatteryLimits> = DEFAULT_BATTERY_LIMITS,
): BatterySample {
  const gated: BatterySample = { ...sample, quality: { ...sample.quality } };
  const cells = sample.cellsV;
  const cellCount = cells?.length ?? limits.expectedCells;
  if (cells?.some((v) => outside(v, limits.cellMinV, limits.cellMaxV))) mark(gated, 'cellsV', 'out-of-range');
  if (cells && limits.expectedCells !== undefined && cells.length !== limits.expectedCells) {
    mark(gated, 'cellsV', 'out-of-range');
  }
  if (cellCount !== undefined && outside(sample.voltageV, cellCount * limits.cellMinV, cellCount * limits.cellMaxV)) {
    mark(gated, 'voltageV', 'out-of-range');
  }
  if (outside(sample.currentA, -limits.maxAbsCurrentA, limits.maxAbsCurrentA)) mark(gated, 'currentA', 'out-of-range');
  if (outside(sample.socPct, 0, 100)) mark(gated, 'socPct', 'out-of-range');
  if (sample.temperaturesC.some((t) => outside(t, limits.minTemperatureC, limits.maxTemperatureC))) {
    mark(gated, 'temperaturesC', 'out-of-range');
  }
  if (sample.remainingAh > sample.nominalAh * 1.1) mark(gated, 'remainingAh', 'out-of-range');
  return gated;
}

export function gateMotor(sample: MotorSample, limits: Readonly<MotorLimits> = DEFAULT_MOTOR_LIMITS): MotorSample {
  const gated: MotorSample = { ...sample, quality: { ...sample.quality } };
  const current = (field: 'inputCurrentA' | 'motorCurrentA') => {
    const value = sample[field];
    if (value !== undefined && outside(value, -limits.maxAbsCurrentA, limits.maxAbsCurrentA)) {
      mark(gated, field, 'out-of-range');
    }
  };
  current('inputCurrentA');
  current('motorCurrentA');
  if (sample.voltageV !== undefined && outside(sample.voltageV, limits.minVoltageV, limits.maxVoltageV)) {
    mark(gated, 'voltageV', 'out-of-range');
  }
  for (const field of ['controllerTempC', 'motorTempC'] as const) {
    const value = sample[field];
    if (value !== undefined && outside(value, -40, limits.maxTemperatureC)) mark(gated, field, 'out-of-range');
  }
  if (sample.speedKmh !== undefined && outside(sample.speedKmh, 0, limits.maxSpeedKmh)) {
    mark(gated, 'speedKmh', 'out-of-range');
  }
  return gated;
}

export function gatePosition(sample: PositionSample): PositionSample {
  const gated: PositionSample = { ...sample, quality: { ...sample.quality } };
  const { lat, lon } = sample;
  // 0,0 ("null island") is what many receivers print before their first fix.
  const nullIsland = lat === 0 && lon === 0;
  if (lat !== undefined && (outside(lat, -90, 90) || nullIsland)) mark(gated, 'lat', 'out-of-range');
  if (lon !== undefined && (outside(lon, -180, 180) || nullIsland)) mark(gated, 'lon', 'out-of-range');
  return gated;
}
