import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ClockPolicy } from '../../src/store/clock.js';
import { ALL_MIGRATIONS } from '../../src/store/schema.js';
import { migrate } from '../../src/store/sql/migrate.js';
import { PostgresDb } from '../../src/store/sql/postgres-db.js';
import { SqliteDb } from '../../src/store/sql/sqlite-db.js';
import type { Migration, SqlDb } from '../../src/store/sql/types.js';
import { SqlFleetStore } from '../../src/store/sql-store.js';
import { startTestPostgres, type TestPostgres } from '../../src/testing/postgres.js';

/** Both storage engines: every store test runs on each, so PostgreSQL behaves as SQLite does. */
export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

let server: Promise<TestPostgres> | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

/** One throw-away PostgreSQL per test file, started on first use and removed after the file. */
export function testPostgres(): Promise<TestPostgres> {
  if (!server) {
    server = startTestPostgres();
    cleanups.push(async () => (await server)?.close());
  }
  return server;
}

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  server = undefined;
});

export interface TestDb {
  db: SqlDb;
  /** For SQLite the file, for PostgreSQL the URL: what a second connection would open. */
  location: string;
}

/** A fresh, migrated database on `engine`; closed after the test file. */
export async function openTestDb(engine: Engine, migrations: readonly Migration[]): Promise<TestDb> {
  let db: SqlDb;
  let location: string;
  if (engine === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'dashboard-db-'));
    location = join(dir, 'fleet.db');
    db = SqliteDb.open(location);
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
  } else {
    location = await (await testPostgres()).createDatabase();
    db = new PostgresDb({ url: location });
  }
  cleanups.push(() => db.close());
  await migrate(db, migrations, location);
  return { db, location };
}

/**
 * For store tests whose arrival times are small synthetic numbers (1, 2, 42 000): every unit clock is
 * believed, so what they assert is not blurred by the clock check, which clock tests assert on its own.
 */
export const UNIT_CLOCKS_TRUSTED: ClockPolicy = { maxAheadMs: Number.POSITIVE_INFINITY, earliest: 0 };

/** A fleet store on `engine` over a fresh migrated database, closed after the test file. */
export async function openTestStore(
  engine: Engine,
  options: { clock?: ClockPolicy } = {},
): Promise<{ store: SqlFleetStore; location: string }> {
  const { db, location } = await openTestDb(engine, ALL_MIGRATIONS);
  return { store: new SqlFleetStore(db, { where: location, clock: options.clock ?? UNIT_CLOCKS_TRUSTED }), location };
}
