import { DashboardError, DashboardErrorCode } from '../../errors.js';
import type { Migration, SqlDb } from './types.js';

// Any constant shared by every dashboard process: they queue on it when they start together.
const MIGRATION_LOCK = 7_274_830;

/**
 * Applies the migrations the database has not recorded yet, in version order, all in one transaction:
 * on PostgreSQL (transactional DDL) under an advisory lock, so dashboard processes starting together
 * migrate once; on SQLite under the write lock. A database newer than this code is refused.
 */
export async function migrate(db: SqlDb, migrations: readonly Migration[], where: string): Promise<number[]> {
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) {
    throw new DashboardError(DashboardErrorCode.STORE_SCHEMA, `duplicate migration versions: ${versions.join(', ')}`);
  }
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const known = Math.max(0, ...versions);
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
    );
    const rows = await tx.all<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new DashboardError(
        DashboardErrorCode.STORE_SCHEMA,
        `database ${where} has schema version ${newest}, newer than this dashboard knows (${known}); upgrade the dashboard`,
      );
    }
    const done: number[] = [];
    for (const migration of ordered) {
      if (applied.has(migration.version)) continue;
      await tx.exec(tx.dialect === 'postgres' ? migration.postgres : migration.sqlite);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
