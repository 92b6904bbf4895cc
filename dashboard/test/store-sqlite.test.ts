import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DashboardErrorCode } from '../src/errors.js';
import { CORE_MIGRATIONS } from '../src/store/migrations.js';
import { openSqliteStore } from '../src/store/open.js';
import { ALL_MIGRATIONS } from '../src/store/schema.js';
import type { SqlFleetStore } from '../src/store/sql-store.js';
import { telemetry, tempDir } from './helpers.js';
import { UNIT_CLOCKS_TRUSTED } from './support/engines.js';

const UNITS = [
  { id: 'tri-01', name: 'Un' },
  { id: 'tri-02', name: 'Deux' },
];
const BOOT = 'boot-aaaa-0001';
const UNIT_ID = 'tri-01';

describe('the fleet store on a SQLite file', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  let store: SqlFleetStore;

  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir.path, 'nested', 'fleet.db');
    store = await openSqliteStore(path);
    await store.upsertUnits(UNITS);
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('runs in WAL mode with synchronous=NORMAL', async () => {
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
    expect(await store.db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    // NORMAL; it is per connection, so ask the store's own
    expect(await store.db.get('PRAGMA synchronous')).toEqual({ synchronous: 1 });
  });

  it('migrates once: reopening keeps data and does not re-run migrations', async () => {
    await store.insertRecords('tri-01', BOOT, telemetry(BOOT, [1]).records, 1);
    await store.close();
    store = await openSqliteStore(path);
    expect(await store.countRecords()).toBe(1);
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
      expect(rows).toEqual(ALL_MIGRATIONS.map((m) => ({ version: m.version })));
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer dashboard and a path it cannot open', async () => {
    await store.close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 0)").run();
    db.close();
    await expect(openSqliteStore(path)).rejects.toMatchObject({ code: DashboardErrorCode.STORE_SCHEMA });
    const blocker = join(dir.path, 'a-file');
    await writeFile(blocker, '');
    await expect(openSqliteStore(join(blocker, 'fleet.db'))).rejects.toMatchObject({
      code: DashboardErrorCode.STORE_OPEN,
    });
    store = await openSqliteStore(join(dir.path, 'fresh.db'));
  });

  it('migrates a version-1 database: its rows stay v1 records and keep their summary', async () => {
    await store.close();
    const oldPath = join(dir.path, 'old.db');
    const db = new Database(oldPath);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
    );
    const first = CORE_MIGRATIONS[0];
    if (!first) throw new Error('no migration 1');
    db.exec(first.sqlite);
    db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(first.name);
    db.prepare(
      "INSERT INTO units (id, name, battery_boot_id, battery_ts, soc, voltage, current) VALUES (?, 'Un', ?, 5, 60, 50, -1)",
    ).run(UNIT_ID, BOOT);
    db.prepare("INSERT INTO battery_records VALUES (?, ?, 1, 5, 5, 0, 'connected', 60, 50, -1, '{}')").run(
      UNIT_ID,
      BOOT,
    );
    db.close();

    store = await openSqliteStore(oldPath, { clock: UNIT_CLOCKS_TRUSTED });
    expect(await store.countRecords(UNIT_ID)).toBe(1);
    expect((await store.getUnit(UNIT_ID))?.battery).toEqual({ ts: 5, socPct: 60, voltageV: 50, currentA: -1 });
    // A summary from before migration 2 has no seq: a historical record of its boot moves it only by clock.
    await store.insertRecords(
      UNIT_ID,
      BOOT,
      telemetry(BOOT, [0], 90, true).records.map((r) => ({ ...r, ts: 4 })),
      6,
    );
    expect((await store.getUnit(UNIT_ID))?.battery?.socPct).toBe(60);
    expect(await store.db.all('SELECT payload_version AS v FROM battery_records ORDER BY seq')).toEqual([
      { v: 1 },
      { v: 1 },
    ]);
  });
});
