import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DashboardError, DashboardErrorCode } from '../errors.js';
import type { ClockPolicy } from './clock.js';
import { ALL_MIGRATIONS } from './schema.js';
import { migrate } from './sql/migrate.js';
import { PostgresDb } from './sql/postgres-db.js';
import { SqliteDb } from './sql/sqlite-db.js';
import type { Migration, SqlDb } from './sql/types.js';
import { SqlFleetStore } from './sql-store.js';

export type StoreLocation =
  | { engine: 'sqlite'; path: string }
  | { engine: 'postgres'; url: string; maxConnections?: number };

export interface OpenStoreOptions {
  clock?: ClockPolicy;
  /** Default: every migration the dashboard has (schema.ts). */
  migrations?: readonly Migration[];
  /** SQLite: how long a write waits for another connection's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** A URL without its password, for messages and logs. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function connect(location: StoreLocation, options: OpenStoreOptions): Promise<{ db: SqlDb; where: string }> {
  if (location.engine === 'sqlite') {
    const where = location.path;
    try {
      if (where !== ':memory:') mkdirSync(dirname(where), { recursive: true });
      const busy = options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs };
      return { db: SqliteDb.open(where, busy), where };
    } catch (err) {
      throw new DashboardError(
        DashboardErrorCode.STORE_OPEN,
        `cannot open database ${where}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  const where = redacted(location.url);
  const db = new PostgresDb({
    url: location.url,
    ...(location.maxConnections === undefined ? {} : { maxConnections: location.maxConnections }),
  });
  return { db, where };
}

/**
 * Opens the fleet store on SQLite (the default) or PostgreSQL and brings its schema up to date. The
 * same SqlFleetStore runs on both; what differs is only the connection and each migration's DDL.
 */
export async function openStore(location: StoreLocation, options: OpenStoreOptions = {}): Promise<SqlFleetStore> {
  const { db, where } = await connect(location, options);
  try {
    await migrate(db, options.migrations ?? ALL_MIGRATIONS, where);
  } catch (err) {
    await db.close().catch(() => undefined);
    if (err instanceof DashboardError) throw err;
    throw new DashboardError(DashboardErrorCode.STORE_OPEN, `cannot use database ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return new SqlFleetStore(db, { where, ...(options.clock ? { clock: options.clock } : {}) });
}

/** The one-machine default: a SQLite file in WAL mode. */
export function openSqliteStore(path: string, options: OpenStoreOptions = {}): Promise<SqlFleetStore> {
  return openStore({ engine: 'sqlite', path }, options);
}
