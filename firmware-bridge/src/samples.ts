/**
 * Normalized samples: what every device family is turned into, whatever its wire format.
 * Units are in the field names so nobody has to guess (V, A, Ah, °C, %).
 */

/** Explicit device link state, as the driver sees it. */
export type DeviceState =
  /** Not polled yet, or polling started but no answer seen. */
  | 'connecting'
  /** Answering requests. */
  | 'connected'
  /** Stopped answering after having answered: a parked BMS sleeps, and that is normal. */
  | 'asleep'
  /** Never answered since start: wrong port, wrong device, or a cable fault. */
  | 'silent'
  /** The driver was stopped. */
  | 'stopped';

/** JBD protection bitmap, bit by bit (REFERENCE.md §1). */
export const JBD_PROTECTION_FLAGS = [
  'cellOverVoltage',
  'cellUnderVoltage',
  'packOverVoltage',
  'packUnderVoltage',
  'chargeOverTemperature',
  'chargeUnderTemperature',
  'dischargeOverTemperature',
  'dischargeUnderTemperature',
  'chargeOverCurrent',
  'dischargeOverCurrent',
  'shortCircuit',
  'frontEndIcError',
  'mosfetSoftwareLock',
] as const;

export type ProtectionFlag = (typeof JBD_PROTECTION_FLAGS)[number];

export interface BatterySample {
  kind: 'battery';
  /** Which device family produced it. */
  source: 'jbd';
  /** Clock time (ms since epoch) at which the response was decoded. */
  at: number;
  voltageV: number;
  /** Negative while discharging. */
  currentA: number;
  socPct: number;
  remainingAh: number;
  nominalAh: number;
  cycles: number;
  /** Per-cell voltages in volts; absent when the cell register was not read. */
  cellsV?: number[];
  temperaturesC: number[];
  /** Active protection flags only; empty when the pack is healthy. */
  protection: ProtectionFlag[];
  fets: { charge: boolean; discharge: boolean };
}
