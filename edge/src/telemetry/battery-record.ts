import type { BatterySample, DeviceState } from '@triporteur/firmware-bridge';
import type { BatteryRecord } from '../contract/payloads.js';

/** Rounds to what the sensor can actually resolve, so JSON does not carry float noise over 4G. */
const round = (value: number, step: number) => Math.round(value / step) * step;
const fix = (value: number, digits: number) => Number(round(value, 10 ** -digits).toFixed(digits));

export function toBatteryRecord(sample: BatterySample, state: DeviceState): BatteryRecord {
  const record: BatteryRecord = {
    state,
    socPct: Math.min(100, Math.max(0, Math.round(sample.socPct))),
    voltageV: fix(sample.voltageV, 2),
    currentA: fix(sample.currentA, 2),
    remainingAh: fix(sample.remainingAh, 2),
    nominalAh: fix(sample.nominalAh, 2),
    cycles: sample.cycles,
    temperaturesC: sample.temperaturesC.map((t) => fix(t, 1)),
    protection: [...sample.protection],
    fets: { ...sample.fets },
  };
  if (sample.cellsV) record.cellsV = sample.cellsV.map((v) => fix(v, 3));
  return record;
}
