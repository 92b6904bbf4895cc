import { openCircuitVoltage } from '../jbd/pack-model.js';
import type { DalyAlarmFlag } from './alarms.js';

/**
 * The simulated pack behind the Daly simulator: the state of charge moves with the current over
 * (scaled) clock time; cells sit on the open-circuit curve, pulled by the current through their
 * resistance. Enough for demos and tests, not battery physics.
 */
export interface DalyPackOptions {
  cells: number;
  sensors: number;
  nominalAh: number;
  initialSocPct: number;
  /** Amperes out of the pack; negative charges it. */
  dischargeA: number;
  /** Simulated seconds per clock second. */
  timeScale: number;
}

export interface DalyPackSnapshot {
  socPct: number;
  remainingAh: number;
  /** Negative while discharging. */
  currentA: number;
  cellsV: number[];
  voltageV: number;
  temperaturesC: number[];
  chargeMos: boolean;
  dischargeMos: boolean;
  /** What the pack itself raises: an empty or full pack, a low SOC warning. */
  alarms: DalyAlarmFlag[];
}

/** Ohms per series group, and a fixed per-cell offset so the cells are not all equal. */
const GROUP_RESISTANCE_OHM = 0.004;
const CELL_SPREAD_MV = [0, 4, -3, 6, -5, 2, -1, 5, -6, 3, -2, 1, -4, 7];

export class DalyPack {
  dischargeA: number;
  private soc: number;
  private settledAt: number;

  constructor(
    private readonly options: DalyPackOptions,
    now: number,
  ) {
    this.soc = clamp(options.initialSocPct, 0, 100);
    this.dischargeA = options.dischargeA;
    this.settledAt = now;
  }

  /** Books the charge moved since the last call, then describes the pack. */
  snapshot(now: number): DalyPackSnapshot {
    const elapsedH = (Math.max(0, now - this.settledAt) / 3_600_000) * this.options.timeScale;
    this.settledAt = Math.max(this.settledAt, now);
    this.soc = clamp(this.soc - ((this.dischargeA * elapsedH) / this.options.nominalAh) * 100, 0, 100);
    // An empty pack opens the discharge MOSFET and a full one the charge MOSFET, as a BMS does.
    const empty = this.soc === 0 && this.dischargeA > 0;
    const full = this.soc === 100 && this.dischargeA < 0;
    const currentA = empty || full ? 0 : -this.dischargeA;
    const ocv = openCircuitVoltage(this.soc);
    const cellsV = Array.from({ length: this.options.cells }, (_, i) => {
      const spread = (CELL_SPREAD_MV[i % CELL_SPREAD_MV.length] ?? 0) / 1000;
      return round(ocv + spread + currentA * GROUP_RESISTANCE_OHM, 3);
    });
    const alarms: DalyAlarmFlag[] = [];
    if (empty) alarms.push('cellVoltageLowL1', 'cellVoltageLowL2', 'packVoltageLowL1', 'packVoltageLowL2');
    if (full) alarms.push('cellVoltageHighL1');
    if (this.soc < 10) alarms.push('socLowL1');
    return {
      socPct: this.soc,
      remainingAh: (this.soc / 100) * this.options.nominalAh,
      currentA,
      cellsV,
      voltageV: round(
        cellsV.reduce((sum, v) => sum + v, 0),
        1,
      ),
      // Ambient 21 °C, a quarter degree more per ampere either way, sensors a little apart.
      temperaturesC: Array.from({ length: this.options.sensors }, (_, i) =>
        Math.round(21 + 0.25 * Math.abs(currentA) + i),
      ),
      chargeMos: !full,
      dischargeMos: !empty,
      alarms,
    };
  }
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
