/**
 * Numbered SQLite migrations. Append only: a shipped migration never changes, because databases
 * in the field have already run it. Tables are STRICT so a wrong type fails loudly.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'units and battery records',
    sql: `
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
  },
  {
    version: 2,
    name: 'report-by-exception records and folded boot states',
    sql: `
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
  },
];
