import { join } from 'node:path';
import { encodeBatch, unitTopic } from '@triporteur/edge/contract';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, openStore } from '../src/store/open.js';
import type { FleetStore } from '../src/store/types.js';
import { captureLogger, connectUnit, tempDir, UNITS, waitFor } from './helpers.js';
import { rideBatch } from './records-v2.js';
import { testPostgres, UNIT_CLOCKS_TRUSTED } from './support/engines.js';
import { startIngestRig } from './support/ingest-rig.js';

const [A] = UNITS;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The embedded broker, a connected unit and ingest over `store`; returns a publisher of ride batches. */
async function rig(store: FleetStore) {
  const { logger, lines } = captureLogger();
  const { broker, ingest, close } = await startIngestRig(store, logger, { retryMs: 20, retryMaxMs: 200 });
  cleanups.push(close);
  const unit = await connectUnit(broker.url, A.id, A.secret);
  cleanups.push(() => unit.endAsync(true));
  const publish = (bootId: string, seqs: number[]) =>
    unit.publishAsync(unitTopic(A.id, 'telemetry'), Buffer.from(encodeBatch(rideBatch(bootId, seqs))), { qos: 1 });
  return { ingest, publish, lines };
}

const seqsOf = (rows: { seq: number }[]) => rows.map((r) => r.seq);

describe('ingest when the database cannot take writes: it waits, unacknowledged, and loses nothing', () => {
  it('SQLite locked by another process: writes retry until the lock goes, each record stored once', async () => {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'fleet.db');
    const store = await openSqliteStore(path, { clock: UNIT_CLOCKS_TRUSTED, busyTimeoutMs: 20 });
    cleanups.push(() => store.close());
    const { ingest, publish } = await rig(store);

    // A backup tool, say, holds the write lock.
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    const sending = (async () => {
      for (const seqs of [[0, 1], [2, 3], [4], [5, 6]]) await publish('boot-locked-0001', seqs);
    })();
    await waitFor('a retry', () => ingest.stats().storeRetries >= 3);
    expect(await store.countRecords()).toBe(0);
    other.exec('COMMIT');
    other.close();
    await sending;
    await waitFor('all stored', async () => (await store.countRecords()) === 7, 10_000);
    const rows = await store.db.all<{ seq: number }>('SELECT seq FROM telemetry_records ORDER BY seq');
    expect(seqsOf(rows)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ingest.stats().dropped['store-error']).toBe(0);
  });

  it('PostgreSQL stopped and started again: ingest holds on, then stores every record once', async () => {
    const server = await testPostgres();
    const url = await server.createDatabase();
    const store = await openStore({ engine: 'postgres', url }, { clock: UNIT_CLOCKS_TRUSTED });
    cleanups.push(() => store.close());
    const { ingest, publish, lines } = await rig(store);
    await publish('boot-pg-0001', [0, 1]);
    await waitFor('first stored', async () => (await store.countRecords()) === 2);

    await server.stop();
    const sending = (async () => {
      for (const seqs of [[2, 3], [4], [5, 6]]) await publish('boot-pg-0001', seqs);
    })();
    await waitFor('a retry', () => ingest.stats().storeRetries >= 2);
    await server.start();
    await sending;
    await waitFor('all stored', async () => (await store.countRecords()) === 7, 15_000);
    const rows = await store.db.all<{ seq: number }>('SELECT seq FROM telemetry_records ORDER BY seq');
    expect(seqsOf(rows)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ingest.stats().dropped['store-error']).toBe(0);
    expect(lines.some((l) => l.msg === 'store unavailable: retrying' && l.unitId === A.id)).toBe(true);
  });
});
