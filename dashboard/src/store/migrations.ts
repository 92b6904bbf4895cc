import type { Migration } from './sql/types.js';

/**
 * The fleet store's numbered migrations, in SQLite's and PostgreSQL's DDL. Append only: a shipped
 * migration never changes, because databases in the field have already run it. SQLite tables are
 * STRICT so a wrong type fails loudly. Versions 1–19 are the core's; features own their ranges
 * (fleet 20–29, alerts 30–39, auth 40–49, reports 700–719) and list their migrations beside their code.
 */
export const CORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'units and battery records',
    sqlite: `
      CREATE TABLE units (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL DEFAULT 'unknown' CHECK (state IN ('unknown', 'online', 'offline')),
        boot_id TEXT,
        state_ts INTEGER,
        last_seen INTEGER,
        battery_boot_id TEXT,
        battery_ts INTEGER,
        soc REAL,
        voltage REAL,
        current REAL
      ) STRICT;

      CREATE TABLE battery_records (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        historical INTEGER NOT NULL,
        device_state TEXT NOT NULL,
        soc REAL NOT NULL,
        voltage REAL NOT NULL,
        current REAL NOT NULL,
        extra TEXT NOT NULL,
        UNIQUE (unit_id, boot_id, seq)
      ) STRICT;

      CREATE INDEX battery_records_unit_ts ON battery_records (unit_id, ts);
    `,
    postgres: `
      CREATE TABLE units (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL DEFAULT 'unknown' CHECK (state IN ('unknown', 'online', 'offline')),
        boot_id TEXT,
        state_ts BIGINT,
        last_seen BIGINT,
        battery_boot_id TEXT,
        battery_ts BIGINT,
        soc DOUBLE PRECISION,
        voltage DOUBLE PRECISION,
        current DOUBLE PRECISION
      );

      CREATE TABLE battery_records (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        ts BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        historical INTEGER NOT NULL,
        device_state TEXT NOT NULL,
        soc DOUBLE PRECISION NOT NULL,
        voltage DOUBLE PRECISION NOT NULL,
        current DOUBLE PRECISION NOT NULL,
        extra TEXT NOT NULL,
        UNIQUE (unit_id, boot_id, seq)
      );

      CREATE INDEX battery_records_unit_ts ON battery_records (unit_id, ts);
    `,
  },
  {
    version: 2,
    name: 'report-by-exception records and folded boot states',
    sqlite: `
      -- Every payload-v2 record as received: only the kinds that changed at that instant (body, JSON).
      CREATE TABLE telemetry_records (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        historical INTEGER NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (unit_id, boot_id, seq)
      ) STRICT;

      CREATE INDEX telemetry_records_unit_ts ON telemetry_records (unit_id, ts);

      -- The fold of a boot's records in seq order (a ReconstructedState, JSON) up to last_seq.
      CREATE TABLE boot_states (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        state TEXT NOT NULL,
        first_received_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (unit_id, boot_id)
      ) STRICT;

      -- 1: a battery record the unit sent (payload v1). 2: the battery state rebuilt from a v2 record,
      -- kept so the battery history and page read one table; that record itself lives in telemetry_records.
      ALTER TABLE battery_records ADD COLUMN payload_version INTEGER NOT NULL DEFAULT 1
        CHECK (payload_version IN (1, 2));

      -- Which row the unit's battery summary came from, so a rebuilt boot can refresh it exactly.
      ALTER TABLE units ADD COLUMN battery_seq INTEGER;
    `,
    postgres: `
      CREATE TABLE telemetry_records (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        ts BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        historical INTEGER NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (unit_id, boot_id, seq)
      );

      CREATE INDEX telemetry_records_unit_ts ON telemetry_records (unit_id, ts);

      CREATE TABLE boot_states (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        last_seq BIGINT NOT NULL,
        state TEXT NOT NULL,
        first_received_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (unit_id, boot_id)
      );

      ALTER TABLE battery_records ADD COLUMN payload_version INTEGER NOT NULL DEFAULT 1
        CHECK (payload_version IN (1, 2));

      ALTER TABLE units ADD COLUMN battery_seq BIGINT;
    `,
  },
  {
    version: 3,
    name: 'positions apart, untrusted unit clocks, birth, events',
    sqlite: `
      -- The position part of each v2 record, kept apart so positions can be purged sooner (retention.ts).
      CREATE TABLE positions (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (unit_id, boot_id, seq)
      ) STRICT;
      CREATE INDEX positions_unit_ts ON positions (unit_id, ts);
      CREATE INDEX positions_ts ON positions (ts);
      CREATE INDEX telemetry_records_ts ON telemetry_records (ts);
      CREATE INDEX battery_records_ts ON battery_records (ts);

      -- The unit's own clock reading when it was not believable (ts then holds the arrival time).
      ALTER TABLE telemetry_records ADD COLUMN unit_ts INTEGER;

      -- The retained birth message: versions and config hash (JSON), and when it arrived.
      ALTER TABLE units ADD COLUMN birth TEXT;
      ALTER TABLE units ADD COLUMN birth_at INTEGER;

      -- Alarms and state changes the unit published on its events topic.
      CREATE TABLE unit_events (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (unit_id, boot_id, seq)
      ) STRICT;
      CREATE INDEX unit_events_unit_ts ON unit_events (unit_id, ts);
    `,
    postgres: `
      CREATE TABLE positions (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        ts BIGINT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (unit_id, boot_id, seq)
      );
      CREATE INDEX positions_unit_ts ON positions (unit_id, ts);
      CREATE INDEX positions_ts ON positions (ts);
      CREATE INDEX telemetry_records_ts ON telemetry_records (ts);
      CREATE INDEX battery_records_ts ON battery_records (ts);

      ALTER TABLE telemetry_records ADD COLUMN unit_ts BIGINT;

      -- Which boot state was stored last, where SQLite has its rowid.
      ALTER TABLE boot_states ADD COLUMN arrival BIGSERIAL;

      ALTER TABLE units ADD COLUMN birth TEXT;
      ALTER TABLE units ADD COLUMN birth_at BIGINT;

      CREATE TABLE unit_events (
        unit_id TEXT NOT NULL REFERENCES units(id),
        boot_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        ts BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (unit_id, boot_id, seq)
      );
      CREATE INDEX unit_events_unit_ts ON unit_events (unit_id, ts);
    `,
  },
  {
    version: 4,
    name: 'technician command audit',
    sqlite: `
      -- Who sent which command to which unit, and how it ended; never the values sent (a secret may be one).
      CREATE TABLE command_audit (
        ts INTEGER NOT NULL,
        username TEXT,
        unit_id TEXT NOT NULL,
        command TEXT NOT NULL,
        request_id TEXT,
        code TEXT NOT NULL,
        target TEXT
      ) STRICT;
      CREATE INDEX command_audit_unit_ts ON command_audit (unit_id, ts);
    `,
    postgres: `
      CREATE TABLE command_audit (
        ts BIGINT NOT NULL,
        username TEXT,
        unit_id TEXT NOT NULL,
        command TEXT NOT NULL,
        request_id TEXT,
        code TEXT NOT NULL,
        target TEXT
      );
      CREATE INDEX command_audit_unit_ts ON command_audit (unit_id, ts);
    `,
  },
];
