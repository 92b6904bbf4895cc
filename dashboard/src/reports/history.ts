import { applyRecord, type ReconstructedState } from '@triporteur/edge/contract';
import type { RecordHistorySource } from '../store/types.js';

/** The values the unit page charts, in the order the answer lists them. Never a position. */
export const HISTORY_SERIES = [
  'socPct',
  'voltageV',
  'currentA',
  'cellSpreadMv',
  'tempMaxC',
  'motorPowerW',
  'speedKmh',
  'sessionsNow',
  'signalPct',
  'cpuTempC',
] as const;

export type HistorySeriesName = (typeof HISTORY_SERIES)[number];
type Values = Record<HistorySeriesName, number | null>;

export interface UnitHistory {
  unitId: string;
  from: number;
  to: number;
  /** Width of each bucket; bucket i starts at from + i × bucketMs. */
  bucketMs: number;
  /** `ts` holds the bucket starts; every other array has one value per bucket, null for a gap. */
  series: { ts: number[] } & Record<HistorySeriesName, (number | null)[]>;
}

/**
 * Records are read from this long before `from`: every kind is sent in full at least once per heartbeat
 * (5 min by default, 1 h at most, stretched up to a few times by the data budget), so the first bucket
 * starts from known values instead of half-filled deltas.
 */
export const HISTORY_LOOKBACK_MS = 6 * 60 * 60 * 1000;

/** Records are read one day at a time, so a month of them never sits in memory at once. */
const CHUNK_MS = 24 * 60 * 60 * 1000;

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** (max − min) of the cell voltages in mV, to 0.1 mV so float noise (9.999999…) does not show. */
function cellSpreadMv(cells: readonly number[] | undefined): number | null {
  if (!cells || cells.length < 2) return null;
  return Math.round((Math.max(...cells) - Math.min(...cells)) * 10_000) / 10;
}

function tempMax(temperatures: readonly number[] | undefined): number | null {
  return temperatures && temperatures.length > 0 ? Math.max(...temperatures) : null;
}

/** What the charts show of a folded state; a field the boot has not reported yet is null. */
export function chartValues(state: ReconstructedState): Values {
  const battery = state.battery?.values;
  const motor = state.motor?.values;
  return {
    socPct: num(battery?.socPct),
    voltageV: num(battery?.voltageV),
    currentA: num(battery?.currentA),
    cellSpreadMv: cellSpreadMv(battery?.cellsV),
    tempMaxC: tempMax(battery?.temperaturesC),
    motorPowerW: num(motor?.powerW),
    // The wheel's speed: the GPS speed belongs with the position, which this route never reads.
    speedKmh: num(motor?.speedKmh),
    sessionsNow: num(state.hotspot?.values.sessionsNow),
    signalPct: num(state.uplink?.values.signalPct),
    cpuTempC: num(state.system?.values.cpuTempC),
  };
}

/** Bucket width for `points` buckets over [from, to): whole milliseconds, at least one. */
export function bucketWidth(from: number, to: number, points: number): number {
  return Math.max(1, Math.ceil((to - from) / points));
}

/**
 * The unit's history over [from, to) in at most `points` equal buckets. Each boot's records are folded in
 * seq order (applyRecord), from HISTORY_LOOKBACK_MS before `from`; a bucket takes the values of the state
 * after its latest record. A bucket without any record is null in every series (the chart shows a gap).
 */
export async function unitHistory(
  source: RecordHistorySource,
  unitId: string,
  from: number,
  to: number,
  points: number,
): Promise<UnitHistory> {
  const bucketMs = bucketWidth(from, to, points);
  const count = Math.ceil((to - from) / bucketMs);
  const latest: ({ ts: number; values: Values } | undefined)[] = new Array(count).fill(undefined);
  const states = new Map<string, ReconstructedState>();
  for (let start = Math.max(0, from - HISTORY_LOOKBACK_MS); start < to; start += CHUNK_MS) {
    for (const { bootId, record } of await source.recordsInRange(unitId, start, Math.min(to, start + CHUNK_MS))) {
      const state = applyRecord(states.get(bootId) ?? {}, record);
      states.set(bootId, state);
      if (record.ts < from) continue;
      const i = Math.floor((record.ts - from) / bucketMs);
      const held = latest[i];
      if (!held || record.ts >= held.ts) latest[i] = { ts: record.ts, values: chartValues(state) };
    }
  }
  const series = { ts: Array.from({ length: count }, (_, i) => from + i * bucketMs) } as UnitHistory['series'];
  for (const name of HISTORY_SERIES) series[name] = latest.map((held) => held?.values[name] ?? null);
  return { unitId, from, to, bucketMs, series };
}
