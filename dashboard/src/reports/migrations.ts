import type { Migration } from '../store/sql/types.js';

/**
 * The impact reports' table, versions 700–719. One row per unit and local day: the day's highest hotspot
 * counters (they only grow from local midnight, so their maximum is the day's figure) and the day's
 * questionnaire tally. `day_start` (local midnight, ms) lets retention purge old days by time.
 */
export const REPORT_MIGRATIONS: readonly Migration[] = [
  {
    version: 700,
    name: 'hotspot counters per unit and local day',
    sqlite: `
      CREATE TABLE hotspot_days (
        unit_id TEXT NOT NULL,
        day TEXT NOT NULL,
        day_start INTEGER NOT NULL,
        sessions_max INTEGER NOT NULL,
        devices_max INTEGER NOT NULL,
        questionnaire_responses INTEGER,
        questionnaire TEXT,
        PRIMARY KEY (unit_id, day)
      ) STRICT;
      CREATE INDEX hotspot_days_day ON hotspot_days (day);
      CREATE INDEX hotspot_days_start ON hotspot_days (day_start);`,
    postgres: `
      CREATE TABLE hotspot_days (
        unit_id TEXT NOT NULL,
        day TEXT NOT NULL,
        day_start BIGINT NOT NULL,
        sessions_max BIGINT NOT NULL,
        devices_max BIGINT NOT NULL,
        questionnaire_responses BIGINT,
        questionnaire TEXT,
        PRIMARY KEY (unit_id, day)
      );
      CREATE INDEX hotspot_days_day ON hotspot_days (day);
      CREATE INDEX hotspot_days_start ON hotspot_days (day_start);`,
  },
];

/** For schema.ts's ALL_RETENTION_TARGETS: counts per day, kept as long as the other aggregates. */
export const REPORT_RETENTION_TARGETS = [
  { table: 'hotspot_days', timeColumn: 'day_start', dataClass: 'aggregate' },
] as const;
