import type { SqlDb, SqlExecutor, SqlValue } from '../store/sql/types.js';
import { startOfLocalDay } from './local-day.js';
import type { Outing } from './outings.js';
import type { Stop } from './stops.js';
import type { ZoneEvent } from './zone-tracker.js';

export interface StoredStop extends Stop {
  unitId: string;
}
export interface StoredOuting extends Outing {
  unitId: string;
}
export interface StoredZoneEvent extends ZoneEvent {
  unitId: string;
}

/** What the fleet model derived for one unit: the rows one record, tick or rebuild produces. */
export interface Derived {
  stops: readonly Stop[];
  outings: readonly Outing[];
  zoneEvents: readonly ZoneEvent[];
}

/**
 * The fleet-wide figures funders see, over the outings and stops that began in [from, to). No place,
 * no time of day, no position: counts and totals only.
 */
export interface FleetReport {
  from: number;
  to: number;
  /** Units with at least one outing or stop. */
  units: number;
  outings: number;
  distanceM: number;
  movingMs: number;
  stops: number;
  stopMs: number;
  /** Portal sessions opened during outings, plus at stops outside any outing (a long market day). */
  sessions: number;
  /** Distinct devices, summed per span: an upper bound when a resident connected on two spans. */
  devices: number;
}

type StopRow = {
  unit_id: string;
  start_ts: number;
  end_ts: number;
  boot_id: string | null;
  lat: number | null;
  lon: number | null;
  duration_ms: number;
  sessions: number;
  devices: number;
};
type OutingRow = {
  unit_id: string;
  start_ts: number;
  end_ts: number;
  boot_id: string | null;
  distance_m: number;
  stops: number;
  sessions: number;
  devices: number;
  moving_ms: number;
};

const withBoot = (bootId: string | null) => (bootId === null ? {} : { bootId });

function stopOf(r: StopRow): StoredStop {
  return {
    unitId: r.unit_id,
    startTs: r.start_ts,
    endTs: r.end_ts,
    durationMs: r.duration_ms,
    lat: r.lat,
    lon: r.lon,
    sessions: r.sessions,
    devices: r.devices,
    ...withBoot(r.boot_id),
  };
}

function outingOf(r: OutingRow): StoredOuting {
  return {
    unitId: r.unit_id,
    startTs: r.start_ts,
    endTs: r.end_ts,
    distanceM: r.distance_m,
    stops: r.stops,
    sessions: r.sessions,
    devices: r.devices,
    movingMs: r.moving_ms,
    ...withBoot(r.boot_id),
  };
}

const UPSERT_STOP = `
  INSERT INTO stops (unit_id, start_ts, end_ts, boot_id, lat, lon, duration_ms, sessions, devices)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (unit_id, start_ts) DO UPDATE SET end_ts = excluded.end_ts, boot_id = excluded.boot_id,
    lat = excluded.lat, lon = excluded.lon, duration_ms = excluded.duration_ms,
    sessions = excluded.sessions, devices = excluded.devices`;

const UPSERT_OUTING = `
  INSERT INTO outings (unit_id, start_ts, end_ts, boot_id, distance_m, stops, sessions, devices, moving_ms)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (unit_id, start_ts) DO UPDATE SET end_ts = excluded.end_ts, boot_id = excluded.boot_id,
    distance_m = excluded.distance_m, stops = excluded.stops, sessions = excluded.sessions,
    devices = excluded.devices, moving_ms = excluded.moving_ms`;

const INSERT_ZONE_EVENT = `
  INSERT INTO zone_events (unit_id, ts, zone, kind) VALUES ($1, $2, $3, $4)
  ON CONFLICT (unit_id, ts, zone, kind) DO NOTHING`;

async function write(tx: SqlExecutor, unitId: string, derived: Derived): Promise<void> {
  for (const s of derived.stops) {
    const row: SqlValue[] = [unitId, s.startTs, s.endTs, s.bootId ?? null, s.lat, s.lon, s.durationMs];
    await tx.run(UPSERT_STOP, [...row, s.sessions, s.devices]);
  }
  for (const o of derived.outings) {
    const row: SqlValue[] = [unitId, o.startTs, o.endTs, o.bootId ?? null, o.distanceM, o.stops, o.sessions];
    await tx.run(UPSERT_OUTING, [...row, o.devices, o.movingMs]);
  }
  for (const e of derived.zoneEvents) await tx.run(INSERT_ZONE_EVENT, [unitId, e.ts, e.zone, e.kind]);
}

/** Stops, outings and zone events on the SqlDb seam; run `FLEET_MIGRATIONS` first. */
export class FleetHistoryStore {
  constructor(private readonly db: SqlDb) {}

  /** Stores what a record or a tick closed. Idempotent: the same rows again change nothing. */
  async record(unitId: string, derived: Derived): Promise<void> {
    if (derived.stops.length + derived.outings.length + derived.zoneEvents.length === 0) return;
    await this.db.transaction((tx) => write(tx, unitId, derived));
  }

  /**
   * Replaces everything derived for the unit from `fromTs` on with a rebuild's result, in one transaction,
   * so readers see either the old rows or the new ones.
   */
  async replaceFrom(unitId: string, fromTs: number, derived: Derived): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM stops WHERE unit_id = $1 AND start_ts >= $2', [unitId, fromTs]);
      await tx.run('DELETE FROM outings WHERE unit_id = $1 AND start_ts >= $2', [unitId, fromTs]);
      await tx.run('DELETE FROM zone_events WHERE unit_id = $1 AND ts >= $2', [unitId, fromTs]);
      await write(tx, unitId, derived);
    });
  }

  /**
   * Where a rebuild must start for a record at `ts`: local midnight of its day (outings never cross it),
   * or earlier if a stored stop was already running then, so that stop is rebuilt whole.
   */
  async recomputeStart(unitId: string, ts: number, timeZone: string): Promise<number> {
    const dayStart = startOfLocalDay(ts, timeZone);
    const row = await this.db.get<{ start: number | null }>(
      'SELECT min(start_ts) AS start FROM stops WHERE unit_id = $1 AND start_ts < $2 AND end_ts >= $2',
      [unitId, dayStart],
    );
    return Math.min(dayStart, row?.start ?? dayStart);
  }

  /** The unit's stops that began in [fromTs, toTs), oldest first. */
  async stops(unitId: string, fromTs: number, toTs: number): Promise<StoredStop[]> {
    const rows = await this.db.all<StopRow>(
      'SELECT * FROM stops WHERE unit_id = $1 AND start_ts >= $2 AND start_ts < $3 ORDER BY start_ts',
      [unitId, fromTs, toTs],
    );
    return rows.map(stopOf);
  }

  /** The unit's outings that began in [fromTs, toTs), oldest first. */
  async outings(unitId: string, fromTs: number, toTs: number): Promise<StoredOuting[]> {
    const rows = await this.db.all<OutingRow>(
      'SELECT * FROM outings WHERE unit_id = $1 AND start_ts >= $2 AND start_ts < $3 ORDER BY start_ts',
      [unitId, fromTs, toTs],
    );
    return rows.map(outingOf);
  }

  /** Zone events in [fromTs, toTs), of one unit or of the whole fleet, in time order. */
  async zoneEvents(fromTs: number, toTs: number, unitId?: string): Promise<StoredZoneEvent[]> {
    const rows = await this.db.all<{ unit_id: string; ts: number; zone: string; kind: 'enter' | 'leave' }>(
      `SELECT unit_id, ts, zone, kind FROM zone_events
       WHERE ts >= $1 AND ts < $2 AND ($3 = '' OR unit_id = $3)
       ORDER BY ts, unit_id, kind DESC, zone`,
      [fromTs, toTs, unitId ?? ''],
    );
    return rows.map((r) => ({ unitId: r.unit_id, ts: r.ts, zone: r.zone, kind: r.kind }));
  }

  /** Zones the unit was in just before `beforeTs` (default: now), by their last stored event. */
  async zonesInside(unitId: string, beforeTs = Number.MAX_SAFE_INTEGER): Promise<string[]> {
    const rows = await this.db.all<{ zone: string }>(
      `SELECT e.zone FROM zone_events e
       JOIN (SELECT zone, max(ts) AS ts FROM zone_events WHERE unit_id = $1 AND ts < $2 GROUP BY zone) last
         ON e.zone = last.zone AND e.ts = last.ts
       WHERE e.unit_id = $1 AND e.kind = 'enter'
       ORDER BY e.zone`,
      [unitId, beforeTs],
    );
    return rows.map((r) => r.zone);
  }

  /** The funders' report for [fromTs, toTs): counts and totals, no positions. */
  async report(fromTs: number, toTs: number): Promise<FleetReport> {
    const o = await this.db.get<Record<'n' | 'distance' | 'moving' | 'sessions' | 'devices', number>>(
      `SELECT count(*) AS n, coalesce(sum(distance_m), 0) AS distance, coalesce(sum(moving_ms), 0) AS moving,
              coalesce(sum(sessions), 0) AS sessions, coalesce(sum(devices), 0) AS devices
       FROM outings WHERE start_ts >= $1 AND start_ts < $2`,
      [fromTs, toTs],
    );
    // Residents at a stop inside an outing are already in the outing's counts; a stop that ended an
    // outing (parked for hours at a market) is not, so it is added on its own.
    const s = await this.db.get<Record<'n' | 'ms' | 'sessions' | 'devices', number>>(
      `SELECT count(*) AS n, coalesce(sum(duration_ms), 0) AS ms,
              coalesce(sum(CASE WHEN inside THEN 0 ELSE sessions END), 0) AS sessions,
              coalesce(sum(CASE WHEN inside THEN 0 ELSE devices END), 0) AS devices
       FROM (SELECT st.*, EXISTS (SELECT 1 FROM outings o WHERE o.unit_id = st.unit_id
                                    AND st.start_ts >= o.start_ts AND st.start_ts < o.end_ts) AS inside
             FROM stops st WHERE st.start_ts >= $1 AND st.start_ts < $2) spans`,
      [fromTs, toTs],
    );
    const u = await this.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM (
         SELECT unit_id FROM outings WHERE start_ts >= $1 AND start_ts < $2
         UNION SELECT unit_id FROM stops WHERE start_ts >= $1 AND start_ts < $2) active`,
      [fromTs, toTs],
    );
    return {
      from: fromTs,
      to: toTs,
      units: u?.n ?? 0,
      outings: o?.n ?? 0,
      distanceM: o?.distance ?? 0,
      movingMs: o?.moving ?? 0,
      stops: s?.n ?? 0,
      stopMs: s?.ms ?? 0,
      sessions: (o?.sessions ?? 0) + (s?.sessions ?? 0),
      devices: (o?.devices ?? 0) + (s?.devices ?? 0),
    };
  }

  /** Position retention: stops that ended before `beforeTs` keep their figures but lose their place. */
  async forgetPlacesBefore(beforeTs: number): Promise<number> {
    const { changes } = await this.db.run(
      'UPDATE stops SET lat = NULL, lon = NULL WHERE end_ts < $1 AND (lat IS NOT NULL OR lon IS NOT NULL)',
      [beforeTs],
    );
    return changes;
  }
}
