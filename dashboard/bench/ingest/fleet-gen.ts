import type { StatePayload, TelemetryBatchV2, TelemetryRecordV2 } from '@triporteur/edge/contract';
// mulberry32: a tiny seeded generator, the same stream on every machine.
import { mulberry32 as seededRandom } from '@triporteur/firmware-bridge';

/**
 * The simulated fleet's payloads: what each unit's edge would send on a ride, as payload-v2 records
 * (report-by-exception: the boot's first record carries every kind in full, later ones only battery and
 * position deltas). Seeded: every run sends the same values; only the timestamps move with the start.
 */

/** One record every 10 s, as the edge's report-by-exception sees a riding tricycle. */
export const RECORD_INTERVAL_MS = 10_000;

/** `bench-0001` … : valid unit ids (lower-case slug) that sort in fleet order. */
export function benchUnitIds(count: number): string[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `bench-${String(i + 1).padStart(width, '0')}`);
}

/** A unit's ride so far: the values its next record moves on from. */
export interface UnitTrack {
  readonly unitId: string;
  readonly bootId: string;
  nextSeq: number;
  socPct: number;
  voltageV: number;
  currentA: number;
  lat: number;
  lon: number;
  speedKmh: number;
  readonly random: () => number;
}

const round = (value: number, step: number) => Math.round(value / step) * step;
const fixed = (value: number, digits: number) => Number(value.toFixed(digits));

/** A fresh boot for unit number `index` of the fleet, somewhere in Paris. */
export function newTrack(unitId: string, index: number, seed: number): UnitTrack {
  const random = seededRandom(seed * 100_003 + index);
  return {
    unitId,
    bootId: `${unitId}-boot-${seed.toString(36)}`,
    nextSeq: 0,
    socPct: 60 + Math.floor(random() * 35),
    voltageV: fixed(50 + random() * 3, 2),
    currentA: -5,
    lat: fixed(48.82 + random() * 0.08, 6),
    lon: fixed(2.28 + random() * 0.12, 6),
    speedKmh: 0,
    random,
  };
}

/**
 * The next record of the ride at `ts`. The first of a boot is full (battery, position, system, hotspot),
 * as the edge sends it; later ones carry the battery and position fields that moved.
 */
export function nextRecord(track: UnitTrack, ts: number): TelemetryRecordV2 {
  const r = track.random;
  const seq = track.nextSeq++;
  if (seq === 0) {
    return {
      seq,
      ts,
      battery: {
        state: 'connected',
        socPct: track.socPct,
        voltageV: track.voltageV,
        currentA: track.currentA,
        remainingAh: fixed((track.socPct / 100) * 20, 1),
        nominalAh: 20,
        cycles: 120,
        cellsV: Array.from({ length: 13 }, () => fixed(track.voltageV / 13, 3)),
        temperaturesC: [21.5, 22],
        protection: [],
        fets: { charge: true, discharge: true },
        full: true,
      },
      position: {
        state: 'connected',
        fix: '3d',
        lat: track.lat,
        lon: track.lon,
        speedKmh: 0,
        satellites: 9,
        full: true,
      },
      system: { cpuTempC: 48, load1: 0.3, memUsedPct: 31, diskUsedPct: 12, uptimeS: 60, full: true },
      hotspot: { sessionsNow: 0, sessionsToday: 0, distinctDevicesToday: 0, full: true },
    };
  }
  // Pedalling with assistance: current and speed wander, the pack sags slowly, the tricycle drifts ~30 m.
  track.currentA = fixed(Math.max(-25, Math.min(0, track.currentA + (r() - 0.5) * 6)), 2);
  track.voltageV = fixed(Math.max(44, track.voltageV - 0.01 + (r() - 0.5) * 0.1), 2);
  track.speedKmh = fixed(Math.max(0, Math.min(25, track.speedKmh + (r() - 0.45) * 6)), 1);
  track.lat = fixed(track.lat + (r() - 0.5) * 0.0006, 6);
  track.lon = fixed(track.lon + (r() - 0.5) * 0.0009, 6);
  const battery: NonNullable<TelemetryRecordV2['battery']> = { voltageV: track.voltageV, currentA: track.currentA };
  if (seq % 18 === 0 && track.socPct > 5) {
    track.socPct = round(track.socPct - 1, 1);
    battery.socPct = track.socPct;
  }
  return {
    seq,
    ts,
    battery,
    position: { lat: track.lat, lon: track.lon, speedKmh: track.speedKmh },
  };
}

/** `count` consecutive records, one every RECORD_INTERVAL_MS, the first at `firstTs`, as one batch. */
export function nextBatch(track: UnitTrack, firstTs: number, count: number): TelemetryBatchV2 {
  const records = Array.from({ length: count }, (_, i) => nextRecord(track, firstTs + i * RECORD_INTERVAL_MS));
  return { v: 2, bootId: track.bootId, records };
}

/**
 * A unit's backlog: `batches` batches of `recordsPerBatch` records, back to back and ending at `endTs`
 * (a batch every recordsPerBatch × 10 s, as the edge's 5-min batches with 30 records).
 */
export function backlogBatches(
  track: UnitTrack,
  batches: number,
  recordsPerBatch: number,
  endTs: number,
): TelemetryBatchV2[] {
  const start = endTs - batches * recordsPerBatch * RECORD_INTERVAL_MS;
  return Array.from({ length: batches }, (_, k) =>
    nextBatch(track, start + k * recordsPerBatch * RECORD_INTERVAL_MS, recordsPerBatch),
  );
}

/** The retained state the edge publishes on connect. */
export function onlineState(track: UnitTrack, ts: number): StatePayload {
  return { v: 1, state: 'online', bootId: track.bootId, ts };
}
