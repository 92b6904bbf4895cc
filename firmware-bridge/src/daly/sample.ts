import type { BatterySample, QualityMap } from '../samples.js';
import { toProtectionFlags } from './alarms.js';
import type { DalyCellVoltageRange, DalySoc, DalyTemperatureRange } from './measurements.js';
import type { DalyAlarms, DalyMosStatus, DalyStatusInfo } from './status.js';

/** A value read this cycle, or the last good one repeated (stale) because this cycle's read failed. */
export interface Reading<T> {
  value: T;
  stale: boolean;
}

/** Everything one poll cycle gathered; what the sample is built from. */
export interface DalyCycleData {
  at: number;
  soc: DalySoc;
  mos: Reading<DalyMosStatus>;
  status: Reading<DalyStatusInfo>;
  cellVoltageRange?: Reading<DalyCellVoltageRange>;
  temperatureRange?: Reading<DalyTemperatureRange>;
  cellsV?: Reading<number[]>;
  temperaturesC?: Reading<number[]>;
  alarms?: Reading<DalyAlarms>;
}

/** A cycle before the driver knows 0x93 and 0x94 were read (at least once). */
export type DalyPartialCycle = Omit<DalyCycleData, 'mos' | 'status'> & {
  mos?: Reading<DalyMosStatus>;
  status?: Reading<DalyStatusInfo>;
};

export interface DalySampleOptions {
  nominalAh: number;
  currentSign: 1 | -1;
  currentDeadbandA: number;
}

export interface SignCheck {
  /** The current as configured: currentSign × wire current. */
  configuredA: number;
  state: 'charging' | 'discharging';
}

/**
 * The 0x93 state byte against the signed current. Idle says nothing about a sign, and within the
 * deadband the sign is noise; otherwise "discharging" with a positive current (or the reverse)
 * means currentSign is wrong for this unit.
 */
export function checkCurrentSign(currentA: number, mos: DalyMosStatus, deadbandA: number): SignCheck | undefined {
  if (mos.state === 'discharging' && currentA > deadbandA) return { configuredA: currentA, state: mos.state };
  if (mos.state === 'charging' && currentA < -deadbandA) return { configuredA: currentA, state: mos.state };
  return undefined;
}

/**
 * One BatterySample from a cycle. On a sign mismatch the current takes the sign the state byte
 * implies, marked 'inferred'; fields repeated from an earlier cycle are marked 'stale'.
 */
export function toBatterySample(
  data: DalyCycleData,
  options: DalySampleOptions,
): { sample: BatterySample; mismatch?: SignCheck } {
  const quality: QualityMap<Omit<BatterySample, 'quality'>> = {};
  let currentA = options.currentSign * data.soc.wireCurrentA;
  const mismatch = data.mos.stale ? undefined : checkCurrentSign(currentA, data.mos.value, options.currentDeadbandA);
  if (mismatch !== undefined) {
    currentA = -currentA;
    quality.currentA = 'inferred';
  }
  if (data.mos.stale) {
    quality.remainingAh = 'stale';
    quality.fets = 'stale';
  }
  if (data.status.stale) quality.cycles = 'stale';
  if (data.cellsV?.stale) quality.cellsV = 'stale';
  if (data.temperaturesC?.stale) quality.temperaturesC = 'stale';
  if (data.alarms?.stale) quality.protection = 'stale';
  const sample: BatterySample = {
    kind: 'battery',
    source: 'daly',
    at: data.at,
    voltageV: data.soc.voltageV,
    currentA,
    socPct: data.soc.socPct,
    remainingAh: data.mos.value.remainingAh,
    nominalAh: options.nominalAh,
    cycles: data.status.value.cycles,
    ...(data.cellsV === undefined ? {} : { cellsV: data.cellsV.value }),
    temperaturesC: data.temperaturesC?.value ?? [],
    protection: toProtectionFlags(data.alarms?.value.flags ?? []),
    fets: { charge: data.mos.value.chargeMos, discharge: data.mos.value.dischargeMos },
    ...(Object.keys(quality).length === 0 ? {} : { quality }),
  };
  return mismatch === undefined ? { sample } : { sample, mismatch };
}
