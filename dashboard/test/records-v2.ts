import type { TelemetryBatchV2, TelemetryRecordV2 } from '@triporteur/edge/contract';

/**
 * A short ride as payload-v2 records, the way the edge's report-by-exception sends them: seq 0 carries
 * every kind in full, later records only what moved. `RIDE_BATTERY` is what each record that carries
 * battery must rebuild to, worked out by hand from the records (not by running the fold).
 */
export const RIDE_T0 = 1_700_000_000_000;
const at = (seq: number) => RIDE_T0 + seq * 10_000;

export const RIDE: readonly TelemetryRecordV2[] = [
  {
    seq: 0,
    ts: at(0),
    battery: {
      state: 'connected',
      socPct: 80,
      voltageV: 52.3,
      currentA: -1.5,
      remainingAh: 16,
      nominalAh: 20,
      cycles: 100,
      cellsV: [4.01, 4.02],
      temperaturesC: [21.5],
      protection: [],
      fets: { charge: true, discharge: true },
      full: true,
    },
    position: { state: 'connected', fix: '3d', lat: 48.85, lon: 2.35, speedKmh: 0, satellites: 9, full: true },
    system: { cpuTempC: 50, load1: 0.2, memUsedPct: 30, diskUsedPct: 10, uptimeS: 100, full: true },
    hotspot: { sessionsNow: 0, sessionsToday: 0, distinctDevicesToday: 0, full: true },
  },
  { seq: 1, ts: at(1), battery: { voltageV: 51.8, currentA: -9.5 }, position: { lat: 48.851, speedKmh: 14 } },
  { seq: 2, ts: at(2), system: { cpuTempC: 53 } },
  { seq: 3, ts: at(3), battery: { socPct: 79 }, hotspot: { sessionsNow: 2, sessionsToday: 2 } },
  { seq: 4, ts: at(4), battery: { currentA: -12 }, position: { lon: 2.352 } },
  {
    seq: 5,
    ts: at(5),
    battery: {
      state: 'connected',
      socPct: 79,
      voltageV: 51.2,
      currentA: 0,
      remainingAh: 15.6,
      nominalAh: 20,
      cycles: 100,
      temperaturesC: [23],
      protection: ['overCurrent'],
      fets: { charge: true, discharge: false },
      full: true,
      q: { temperaturesC: 'stale' },
    },
  },
  { seq: 6, ts: at(6), battery: { voltageV: 51.5 }, system: { load1: 1.5 } },
];

/** seq → (soc, voltage, current) of the battery row each battery-carrying record rebuilds to. */
export const RIDE_BATTERY: ReadonlyArray<{ seq: number; soc: number; voltage: number; current: number }> = [
  { seq: 0, soc: 80, voltage: 52.3, current: -1.5 },
  { seq: 1, soc: 80, voltage: 51.8, current: -9.5 },
  { seq: 3, soc: 79, voltage: 51.8, current: -9.5 },
  { seq: 4, soc: 79, voltage: 51.8, current: -12 },
  { seq: 5, soc: 79, voltage: 51.2, current: 0 },
  { seq: 6, soc: 79, voltage: 51.5, current: 0 },
];

/** What the whole ride folds to (applyRecord's ReconstructedState), written out by hand. */
export const RIDE_FINAL_STATE = {
  battery: {
    values: {
      state: 'connected',
      socPct: 79,
      voltageV: 51.5,
      currentA: 0,
      remainingAh: 15.6,
      nominalAh: 20,
      cycles: 100,
      temperaturesC: [23],
      protection: ['overCurrent'],
      fets: { charge: true, discharge: false },
      q: { temperaturesC: 'stale' },
    },
    complete: true,
    updatedAt: at(6),
  },
  position: {
    values: { state: 'connected', fix: '3d', lat: 48.851, lon: 2.352, speedKmh: 14, satellites: 9 },
    complete: true,
    updatedAt: at(4),
  },
  system: {
    values: { cpuTempC: 53, load1: 1.5, memUsedPct: 30, diskUsedPct: 10, uptimeS: 100 },
    complete: true,
    updatedAt: at(6),
  },
  hotspot: {
    values: { sessionsNow: 2, sessionsToday: 2, distinctDevicesToday: 0 },
    complete: true,
    updatedAt: at(3),
  },
};

/** The ride's records with the given seqs, as one batch (optionally all marked historical). */
export function rideBatch(bootId: string, seqs: readonly number[], historical = false): TelemetryBatchV2 {
  const records = seqs.map((seq) => {
    const record = RIDE.find((r) => r.seq === seq);
    if (!record) throw new Error(`no ride record ${seq}`);
    return historical ? { ...record, historical: true } : record;
  });
  return { v: 2, bootId, records };
}
