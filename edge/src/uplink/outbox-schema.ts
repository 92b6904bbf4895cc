import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { RowRef } from './outbox-eviction.js';

/** 'TRIO' in ASCII: marks the file as a triporteur outbox, so we never write our tables into someone else's database. */
export const OUTBOX_APPLICATION_ID = 0x5452494f;

/**
 * Migration i takes the file from schema version i to i + 1 (PRAGMA user_version). Append new steps;
 * never edit a shipped one, units in the field may still hold a file at any older version.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- id is assigned by the outbox, never reused within a process run: a late ack for an id can never delete
  -- a newer record, and "historical" is a plain id comparison. STRICT makes SQLite refuse a float seq or ts.
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    boot_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    alarm INTEGER NOT NULL CHECK (alarm IN (0, 1)),
    size INTEGER NOT NULL,
    payload TEXT NOT NULL,
    UNIQUE (boot_id, seq)
  ) STRICT;
  -- The age bound looks records up by ts; without this index every append would scan the whole table.
  CREATE INDEX outbox_ts ON outbox (ts);
  -- Lifetime counters (evicted, downsampled, opens) that must survive restarts, or a reboot would hide data loss.
  CREATE TABLE outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  `,
];

export const OUTBOX_SCHEMA_VERSION = MIGRATIONS.length;

/** The WAL is cut back to this after a checkpoint instead of to zero, so it is reused rather than regrown. */
const WAL_KEEP_BYTES = 4 * 1024 * 1024;

/**
 * Opens the file in WAL mode with synchronous=FULL (the fsync policy is explained on Outbox), migrates it and
 * checks its pages. Throws plain errors; the outbox wraps them in EDG_OUTBOX_OPEN.
 */
export function openOutboxFile(path: string, maxPages: number | undefined): Database {
  const db = new BetterSqlite3(path);
  try {
    if (db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') throw new Error('WAL mode refused');
    // Explicit: better-sqlite3 12 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, i.e. NORMAL once in WAL mode.
    db.pragma('synchronous = FULL');
    db.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`);
    if (maxPages !== undefined) db.pragma(`max_page_count = ${maxPages}`);
    migrateOutbox(db);
    // Catches a card that corrupted pages behind SQLite's back, at boot rather than mid-replay.
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`quick_check: ${String(check)}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Brings the file to the current schema in one transaction. Throws (plain Error) on a file that is not ours. */
export function migrateOutbox(db: Database): void {
  db.transaction(() => {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId === 0 && version === 0) {
      const objects = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number };
      if (objects.n > 0) throw new Error('the file is an SQLite database of some other program');
      db.pragma(`application_id = ${OUTBOX_APPLICATION_ID}`);
    } else if (appId !== OUTBOX_APPLICATION_ID) {
      throw new Error(`the file is an SQLite database of some other program (application_id ${appId})`);
    }
    if (version > OUTBOX_SCHEMA_VERSION) {
      throw new Error(`schema version ${version} is newer than this software's ${OUTBOX_SCHEMA_VERSION}`);
    }
    for (let v = version; v < OUTBOX_SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] ?? '');
    if (version !== OUTBOX_SCHEMA_VERSION) db.pragma(`user_version = ${OUTBOX_SCHEMA_VERSION}`);
  }).immediate();
}

export interface OutboxRow {
  id: number;
  boot_id: string;
  seq: number;
  ts: number;
  alarm: number;
  payload: string;
}

/** What folding reads of a record: which boot it belongs to, and its payload. */
export interface FoldRow {
  id: number;
  boot_id: string;
  size: number;
  payload: string;
}

export interface OutboxStatements {
  insert: Statement<[number, string, number, number, number, number, string]>;
  peek: Statement<[number, number], OutboxRow>;
  remove: Statement<[number], { size: number }>;
  /** Deletes a record and hands it back, for folding into the next one. */
  take: Statement<[number], FoldRow>;
  /** The first record after an id. */
  next: Statement<[number], FoldRow>;
  setPayload: Statement<[string, number, number]>;
  newest: Statement<[], RowRef>;
  oldest: Statement<[number], RowRef>;
  oldestNonAlarm: Statement<[number, number], RowRef>;
  oldestFoldable: Statement<[number, number], RowRef>;
  expiredNonAlarm: Statement<[number], RowRef>;
  expiredAlarms: Statement<[number], { n: number }>;
  head: Statement<[], { ts: number }>;
  lastSeq: Statement<[string], { seq: number | null }>;
  totals: Statement<[], { rows: number; bytes: number; maxId: number }>;
  meta: Statement<[], { key: string; value: number }>;
  bumpMeta: Statement<[string, number]>;
}

/** Every statement the outbox runs, prepared once. RowRef.alarm comes back as 0/1 and is made boolean by the caller. */
export function prepareOutboxStatements(db: Database): OutboxStatements {
  const ref = 'id, boot_id AS bootId, alarm = 1 AS alarm, size';
  return {
    insert: db.prepare<[number, string, number, number, number, number, string]>(
      'INSERT INTO outbox (id, boot_id, seq, ts, alarm, size, payload) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    peek: db.prepare<[number, number], OutboxRow>(
      'SELECT id, boot_id, seq, ts, alarm, payload FROM outbox WHERE id > ? ORDER BY id LIMIT ?',
    ),
    remove: db.prepare<[number], { size: number }>('DELETE FROM outbox WHERE id = ? RETURNING size'),
    take: db.prepare<[number], FoldRow>('DELETE FROM outbox WHERE id = ? RETURNING id, boot_id, size, payload'),
    next: db.prepare<[number], FoldRow>(
      'SELECT id, boot_id, size, payload FROM outbox WHERE id > ? ORDER BY id LIMIT 1',
    ),
    setPayload: db.prepare<[string, number, number]>('UPDATE outbox SET payload = ?, size = ? WHERE id = ?'),
    newest: db.prepare<[], RowRef>(`SELECT ${ref} FROM outbox ORDER BY id DESC LIMIT 1`),
    oldest: db.prepare<[number], RowRef>(`SELECT ${ref} FROM outbox ORDER BY id LIMIT ?`),
    oldestNonAlarm: db.prepare<[number, number], RowRef>(
      `SELECT ${ref} FROM outbox WHERE alarm = 0 AND id > ? ORDER BY id LIMIT ?`,
    ),
    // Boots never interleave (one process writes one boot), so "the next record is of the same boot" means
    // "a later record of the same boot exists"; the lookup of the next record goes by rowid.
    oldestFoldable: db.prepare<[number, number], RowRef>(
      `SELECT ${ref} FROM outbox o WHERE alarm = 0 AND id > ?
         AND boot_id = (SELECT n.boot_id FROM outbox n WHERE n.id > o.id ORDER BY n.id LIMIT 1)
       ORDER BY id LIMIT ?`,
    ),
    expiredNonAlarm: db.prepare<[number], RowRef>(`SELECT ${ref} FROM outbox WHERE ts < ? AND alarm = 0 ORDER BY id`),
    expiredAlarms: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM outbox WHERE ts < ? AND alarm = 1'),
    head: db.prepare<[], { ts: number }>('SELECT ts FROM outbox ORDER BY id LIMIT 1'),
    lastSeq: db.prepare<[string], { seq: number | null }>('SELECT max(seq) AS seq FROM outbox WHERE boot_id = ?'),
    totals: db.prepare<[], { rows: number; bytes: number; maxId: number }>(
      'SELECT count(*) AS rows, coalesce(sum(size), 0) AS bytes, coalesce(max(id), 0) AS maxId FROM outbox',
    ),
    meta: db.prepare<[], { key: string; value: number }>('SELECT key, value FROM outbox_meta'),
    bumpMeta: db.prepare<[string, number]>(
      'INSERT INTO outbox_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value',
    ),
  };
}
