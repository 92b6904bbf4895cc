import type { RetentionConfig } from '../config.js';
import type { SqlDb } from './sql/types.js';

/** The data classes the config gives each a lifetime (RetentionConfig). */
export type DataClass = 'raw' | 'position' | 'aggregate';

/** A table whose rows expire with their class, by the time column named. */
export interface RetentionTarget {
  table: string;
  timeColumn: string;
  dataClass: DataClass;
}

/** The core's tables; features add theirs (schema.ts). */
export const CORE_RETENTION_TARGETS: readonly RetentionTarget[] = [
  { table: 'telemetry_records', timeColumn: 'ts', dataClass: 'raw' },
  { table: 'battery_records', timeColumn: 'ts', dataClass: 'raw' },
  { table: 'unit_events', timeColumn: 'ts', dataClass: 'raw' },
  { table: 'boot_states', timeColumn: 'updated_at', dataClass: 'raw' },
  { table: 'positions', timeColumn: 'ts', dataClass: 'position' },
];

const DAY_MS = 86_400_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export interface PurgeReport {
  /** Rows deleted per table. */
  deleted: Record<string, number>;
  /** Boot states whose last position was older than the position lifetime and was removed. */
  positionsStripped: number;
}

function lifetimeDays(config: RetentionConfig, dataClass: DataClass): number {
  if (dataClass === 'raw') return config.rawDays;
  if (dataClass === 'position') return config.positionDays;
  return config.aggregateDays;
}

/**
 * Deletes what has outlived its class, one table per transaction so ingest is never held for long.
 * A boot's folded state keeps the last position it saw: that one goes too once positions expire,
 * so no position outlives the position lifetime anywhere.
 */
export async function purgeExpired(
  db: SqlDb,
  config: RetentionConfig,
  now: number,
  targets: readonly RetentionTarget[] = CORE_RETENTION_TARGETS,
): Promise<PurgeReport> {
  const report: PurgeReport = { deleted: {}, positionsStripped: 0 };
  for (const target of targets) {
    if (!IDENTIFIER.test(target.table) || !IDENTIFIER.test(target.timeColumn)) {
      throw new Error(`retention target ${target.table}.${target.timeColumn} is not a plain identifier`);
    }
    const cutoff = now - lifetimeDays(config, target.dataClass) * DAY_MS;
    const { changes } = await db.transaction((tx) =>
      tx.run(`DELETE FROM ${target.table} WHERE ${target.timeColumn} < $1`, [cutoff]),
    );
    report.deleted[target.table] = (report.deleted[target.table] ?? 0) + changes;
  }
  const positionCutoff = now - config.positionDays * DAY_MS;
  await db.transaction(async (tx) => {
    const stale = await tx.all<{ unit_id: string; boot_id: string; state: string }>(
      'SELECT unit_id, boot_id, state FROM boot_states WHERE updated_at < $1',
      [positionCutoff],
    );
    for (const row of stale) {
      const state = JSON.parse(row.state) as Record<string, unknown>;
      if (!('position' in state)) continue;
      delete state.position;
      await tx.run('UPDATE boot_states SET state = $1 WHERE unit_id = $2 AND boot_id = $3', [
        JSON.stringify(state),
        row.unit_id,
        row.boot_id,
      ]);
      report.positionsStripped++;
    }
  });
  return report;
}
