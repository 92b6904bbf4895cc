import type { Migration } from '../store/sql/types.js';

/**
 * The alerts table, versions 30–39. `active` is 1 while the alert is open (not cleared); the partial
 * unique index keeps one open alert per key, so two dashboard processes raising the same alert at
 * once merge into it instead of opening two. `last_outcome` is what the latest signal did to the row,
 * returned by the same statement that wrote it, so no read before the write is needed.
 */
export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    version: 30,
    name: 'alerts',
    sqlite: `
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        unit_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        first_at INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        count INTEGER NOT NULL,
        detail TEXT NOT NULL,
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        acknowledged_by TEXT,
        acknowledged_at INTEGER,
        cleared_at INTEGER,
        last_outcome TEXT NOT NULL CHECK (last_outcome IN ('raised', 'merged', 'escalated'))
      ) STRICT;
      CREATE UNIQUE INDEX alerts_open_key ON alerts (key) WHERE active = 1;
      CREATE INDEX alerts_unit ON alerts (unit_id, id);
      CREATE INDEX alerts_active ON alerts (active, id);`,
    postgres: `
      CREATE TABLE alerts (
        id BIGSERIAL PRIMARY KEY,
        unit_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        first_at BIGINT NOT NULL,
        last_at BIGINT NOT NULL,
        count BIGINT NOT NULL,
        detail TEXT NOT NULL,
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        acknowledged_by TEXT,
        acknowledged_at BIGINT,
        cleared_at BIGINT,
        last_outcome TEXT NOT NULL CHECK (last_outcome IN ('raised', 'merged', 'escalated'))
      );
      CREATE UNIQUE INDEX alerts_open_key ON alerts (key) WHERE active = 1;
      CREATE INDEX alerts_unit ON alerts (unit_id, id);
      CREATE INDEX alerts_active ON alerts (active, id);`,
  },
];
