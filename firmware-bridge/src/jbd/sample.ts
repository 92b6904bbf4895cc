import type { BatterySample } from '../samples.js';
import type { JbdBasicInfo } from './codec.js';

/** The normalized sample for one poll cycle: register 0x03, plus 0x04's cells when they were read. */
export function toBatterySample(info: JbdBasicInfo, cellsV: number[] | undefined, at: number): BatterySample {
  return {
    kind: 'battery',
    source: 'jbd',
    at,
    voltageV: info.voltageV,
    currentA: info.currentA,
    socPct: info.socPct,
    remainingAh: info.remainingAh,
    nominalAh: info.nominalAh,
    cycles: info.cycles,
    ...(cellsV === undefined ? {} : { cellsV }),
    temperaturesC: info.temperaturesC,
    protection: info.protection,
    fets: info.fets,
  };
}
