import type { Migration } from '../store/sql/types.js';

/**
 * The fleet model's tables (versions 20–29 belong to it). Keys make every write idempotent: a stop or an
 * outing is its unit and its start, a zone event its unit, instant, zone and kind, so rebuilding a day
 * rewrites the same rows instead of adding new ones.
 */
export const FLEET_MIGRATIONS: readonly Migration[] = [
  {
    version: 20,
    name: 'fleet stops, outings and zone events',
    sqlite: `
      CREATE TABLE stops (
        unit_id TEXT NOT NULL,
        start_ts INTEGER NOT NULL,
        end_ts INTEGER NOT NULL,
        boot_id TEXT,
        lat REAL,
        lon REAL,
        duration_ms INTEGER NOT NULL,
        sessions INTEGER NOT NULL,
        devices INTEGER NOT NULL,
        PRIMARY KEY (unit_id, start_ts)
      ) STRICT;
      CREATE INDEX stops_start ON stops (start_ts);
      CREATE TABLE outings (
        unit_id TEXT NOT NULL,
        start_ts INTEGER NOT NULL,
        end_ts INTEGER NOT NULL,
        boot_id TEXT,
        distance_m REAL NOT NULL,
        stops INTEGER NOT NULL,
        sessions INTEGER NOT NULL,
        devices INTEGER NOT NULL,
        moving_ms INTEGER NOT NULL,
        PRIMARY KEY (unit_id, start_ts)
      ) STRICT;
      CREATE INDEX outings_start ON outings (start_ts);
      CREATE TABLE zone_events (
        unit_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        zone TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('enter', 'leave')),
        PRIMARY KEY (unit_id, ts, zone, kind)
      ) STRICT;
      CREATE INDEX zone_events_ts ON zone_events (ts);`,
    postgres: `
      CREATE TABLE stops (
        unit_id TEXT NOT NULL,
        start_ts BIGINT NOT NULL,
        end_ts BIGINT NOT NULL,
        boot_id TEXT,
        lat DOUBLE PRECISION,
        lon DOUBLE PRECISION,
        duration_ms BIGINT NOT NULL,
        sessions BIGINT NOT NULL,
        devices BIGINT NOT NULL,
        PRIMARY KEY (unit_id, start_ts)
      );
      CREATE INDEX stops_start ON stops (start_ts);
      CREATE TABLE outings (
        unit_id TEXT NOT NULL,
        start_ts BIGINT NOT NULL,
        end_ts BIGINT NOT NULL,
        boot_id TEXT,
        distance_m DOUBLE PRECISION NOT NULL,
        stops BIGINT NOT NULL,
        sessions BIGINT NOT NULL,
        devices BIGINT NOT NULL,
        moving_ms BIGINT NOT NULL,
        PRIMARY KEY (unit_id, start_ts)
      );
      CREATE INDEX outings_start ON outings (start_ts);
      CREATE TABLE zone_events (
        unit_id TEXT NOT NULL,
        ts BIGINT NOT NULL,
        zone TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('enter', 'leave')),
        PRIMARY KEY (unit_id, ts, zone, kind)
      );
      CREATE INDEX zone_events_ts ON zone_events (ts);`,
  },
];
