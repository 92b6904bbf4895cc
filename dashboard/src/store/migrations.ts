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
];
