import type { ProtectionFlag } from '../samples.js';

/**
 * A plausible Li-ion (NMC) pack for the simulator: SOC falls with the discharge current over
 * (scaled) clock time, and cell voltages follow an open-circuit curve minus a small IR drop.
 * Good enough for demos and tests; not a battery physics model.
 */
export interface PackModelOptions {
  cells: number;
  nominalAh: number;
  initialSocPct: number;
  /** Amperes drawn from the pack; negative charges it. */
  dischargeA: number;
  /** Simulated seconds per clock second. */
  timeScale: number;
  ntc: number;
  protection: ProtectionFlag[];
}

export interface PackSnapshot {
  socPct: number;
  remainingAh: number;
  nominalAh: number;
  /** Negative while discharging, as the BMS reports it. */
  currentA: number;
  cellsV: number[];
  voltageV: number;
  temperaturesC: number[];
  protection: ProtectionFlag[];
  fets: { charge: boolean; discharge: boolean };
}

/** Open-circuit cell voltage by SOC, from typical NMC 18650 datasheet curves. */
const OCV_CURVE: ReadonlyArray<readonly [socPct: number, volts: number]> = [
  [0, 3.0],
  [5, 3.35],
  [10, 3.48],
  [20, 3.58],
  [30, 3.64],
  [40, 3.7],
  [50, 3.76],
  [60, 3.83],
  [70, 3.91],
  [80, 3.99],
  [90, 4.07],
  [100, 4.18],
];

/** Per cell group, e.g. 7P of ~30 mΩ cells. */
const CELL_RESISTANCE_OHM = 0.0045;

export function openCircuitVoltage(socPct: number): number {
  const soc = Math.min(100, Math.max(0, socPct));
  for (let i = 1; i < OCV_CURVE.length; i++) {
    const hi = OCV_CURVE[i];
    const lo = OCV_CURVE[i - 1];
    if (hi !== undefined && lo !== undefined && soc <= hi[0]) {
      return lo[1] + ((soc - lo[0]) / (hi[0] - lo[0])) * (hi[1] - lo[1]);
    }
  }
  return 4.18;
}

/** A fixed, repeatable spread of −8…+8 mV so cells differ the way real ones do. */
function cellOffsetV(index: number): number {
  return (((index * 7919 + 3) % 17) - 8) / 1000;
}

export class PackModel {
  dischargeA: number;
  protection: ProtectionFlag[];
  private socPct: number;
  private lastAt: number;

  constructor(
    private readonly options: PackModelOptions,
    startAt: number,
  ) {
    this.socPct = Math.min(100, Math.max(0, options.initialSocPct));
    this.dischargeA = options.dischargeA;
    this.protection = [...options.protection];
    this.lastAt = startAt;
  }

  /** Integrates the discharge up to `now` and returns what the BMS would report. */
  snapshot(now: number): PackSnapshot {
    const hours = (Math.max(0, now - this.lastAt) / 3_600_000) * this.options.timeScale;
    this.lastAt = Math.max(this.lastAt, now);
    const used = ((this.dischargeA * hours) / this.options.nominalAh) * 100;
    this.socPct = Math.min(100, Math.max(0, this.socPct - used));
    // An empty pack trips under-voltage protection and opens the discharge FET, as a real BMS does;
    // a full one stops taking charge.
    const empty = this.socPct <= 0 && this.dischargeA > 0;
    const full = this.socPct >= 100 && this.dischargeA < 0;
    const currentA = empty || full ? 0 : -this.dischargeA;
    const ocv = openCircuitVoltage(this.socPct);
    const cellsV = Array.from({ length: this.options.cells }, (_, i) =>
      round(ocv + currentA * CELL_RESISTANCE_OHM + cellOffsetV(i), 3),
    );
    const protection: ProtectionFlag[] =
      empty && !this.protection.includes('cellUnderVoltage')
        ? [...this.protection, 'cellUnderVoltage']
        : [...this.protection];
    return {
      socPct: this.socPct,
      remainingAh: (this.socPct / 100) * this.options.nominalAh,
      nominalAh: this.options.nominalAh,
      currentA,
      cellsV,
      voltageV: round(
        cellsV.reduce((sum, v) => sum + v, 0),
        2,
      ),
      // Warmer under load either way: about 0.2 °C per ampere above a 22 °C ambient.
      temperaturesC: Array.from({ length: this.options.ntc }, (_, i) =>
        round(22 + 0.2 * Math.abs(currentA) + 0.3 * i, 1),
      ),
      protection,
      fets: { charge: true, discharge: !empty },
    };
  }
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
