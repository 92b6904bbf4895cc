import { join } from 'node:path';
import {
  type BatchViolation,
  type EncodingName,
  encodeBatch,
  MAX_INFLATED_BYTES,
  MAX_PAYLOAD_BYTES,
  type TelemetryBatch,
  unitTopic,
} from '@triporteur/edge/contract';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/broker/embedded.js';
import { type Ingest, startIngest } from '../src/ingest/ingest.js';
import { openSqliteStore } from '../src/store/open.js';
import type { SqlFleetStore } from '../src/store/sql-store.js';
import { captureLogger, connectUnit, telemetry, tempDir, UNITS, unitAccounts, waitFor } from './helpers.js';
import { RIDE_BATTERY, RIDE_FINAL_STATE, RIDE_T0, rideBatch } from './records-v2.js';
import { UNIT_CLOCKS_TRUSTED } from './support/engines.js';

const [A, B] = UNITS;

const encoded = (batch: TelemetryBatch, encoding: EncodingName) => Buffer.from(encodeBatch(batch, { encoding }));

describe('ingest of payload-v2 telemetry over the embedded broker', () => {
  const { logger, lines } = captureLogger();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let dbPath: string;
  let store: SqlFleetStore;
  let broker: EmbeddedBroker;
  let ingest: Ingest;
  const clients: MqttClient[] = [];
  const unit = async (u: (typeof UNITS)[number]) => {
    const c = await connectUnit(broker.url, u.id, u.secret);
    clients.push(c);
    return c;
  };
  const startOurIngest = async () =>
    startIngest({
      url: broker.url,
      ...broker.ingestLogin,
      unitIds: UNITS.map((u) => u.id),
      store,
      logger,
      now: () => 42_000,
    });
  const batteryRows = (unitId: string, bootId: string) => {
    const db = new Database(dbPath, { readonly: true });
    try {
      return db
        .prepare(
          'SELECT seq, soc, voltage, current FROM battery_records WHERE unit_id = ? AND boot_id = ? ORDER BY seq',
        )
        .all(unitId, bootId);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = await tempDir();
    dbPath = join(dir.path, 'fleet.db');
    store = await openSqliteStore(dbPath, { clock: UNIT_CLOCKS_TRUSTED });
    const units = await unitAccounts();
    await store.upsertUnits(units);
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      units,
      ingest: { username: 'dashboard-ingest' },
      logger,
    });
    ingest = await startOurIngest();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await ingest.close();
    await broker.close();
    await store.close();
    await dir.remove();
  });

  const encodings: Array<[EncodingName, number]> = [
    ['json', 0x10],
    ['deflate-raw', 0x11],
    ['deflate-raw-dict', 0x12],
  ];
  it.each(encodings)('stores and folds a ride sent as %s', async (encoding, header) => {
    const c = await unit(A);
    const bootId = `boot-${encoding}`;
    const before = await store.countRecords(A.id);
    const first = encoded(rideBatch(bootId, [0, 1, 2]), encoding);
    expect(first[0]).toBe(header);
    await c.publishAsync(unitTopic(A.id, 'telemetry'), first, { qos: 1 });
    await c.publishAsync(unitTopic(A.id, 'telemetry'), encoded(rideBatch(bootId, [3, 4, 5, 6]), encoding), {
      qos: 1,
    });
    await waitFor('7 more records', async () => (await store.countRecords(A.id)) === before + 7);
    expect(await store.getUnitState(A.id)).toEqual({ bootId, lastSeq: 6, receivedAt: 42_000, state: RIDE_FINAL_STATE });
    expect(batteryRows(A.id, bootId)).toEqual(RIDE_BATTERY);
    const summary = await store.getUnit(A.id);
    expect(summary?.battery).toEqual({ ts: RIDE_T0 + 60_000, socPct: 79, voltageV: 51.5, currentA: 0 });
    expect(summary?.lastSeen).toBe(42_000);
  });

  it('stores a redelivered batch only once', async () => {
    const c = await unit(B);
    const batch = encoded(rideBatch('boot-dup-0001', [0, 1, 2]), 'deflate-raw-dict');
    const { recordsDuplicate } = ingest.stats();
    await c.publishAsync(unitTopic(B.id, 'telemetry'), batch, { qos: 1 });
    await c.publishAsync(unitTopic(B.id, 'telemetry'), batch, { qos: 1 });
    await waitFor('the duplicates', () => ingest.stats().recordsDuplicate === recordsDuplicate + 3);
    expect(await store.countRecords(B.id)).toBe(3);
  });

  it('keeps the state right when an older batch arrives after newer ones', async () => {
    const c = await unit(B);
    const bootId = 'boot-late-0001';
    const topic = unitTopic(B.id, 'telemetry');
    const send = (seqs: number[]) =>
      c.publishAsync(topic, encoded(rideBatch(bootId, seqs), 'deflate-raw-dict'), { qos: 1 });
    const { bootsRebuilt, recordsDuplicate } = ingest.stats();
    await send([0, 1]);
    await send([4, 5, 6]);
    await send([2, 3]); // late: seq 3's soc changes what seq 4 rebuilds to
    await send([0, 1]); // and a plain redelivery
    await waitFor('the redelivery', () => ingest.stats().recordsDuplicate === recordsDuplicate + 2);
    expect(ingest.stats().bootsRebuilt).toBe(bootsRebuilt + 1);
    expect((await store.getUnitState(B.id))?.state).toEqual(RIDE_FINAL_STATE);
    expect(batteryRows(B.id, bootId)).toEqual(RIDE_BATTERY);
    expect((await store.getUnit(B.id))?.battery).toMatchObject({ socPct: 79, voltageV: 51.5, currentA: 0 });
    const rebuiltLog = lines.find((l) => l.msg === 'late telemetry record: boot state folded again');
    expect(rebuiltLog).toMatchObject({ unitId: B.id, bootId });
  });

  it('stores the historical flag of replayed records', async () => {
    const c = await unit(A);
    const bootId = 'boot-hist-0001';
    const before = await store.countRecords(A.id);
    await c.publishAsync(unitTopic(A.id, 'telemetry'), encoded(rideBatch(bootId, [0, 1], true), 'deflate-raw'), {
      qos: 1,
    });
    await waitFor('2 records', async () => (await store.countRecords(A.id)) === before + 2);
    const db = new Database(dbPath, { readonly: true });
    try {
      const rows = db.prepare('SELECT seq, historical FROM telemetry_records WHERE boot_id = ? ORDER BY seq');
      expect(rows.all(bootId)).toEqual([
        { seq: 0, historical: 1 },
        { seq: 1, historical: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('still takes payload v1, headerless or framed', async () => {
    const c = await unit(B);
    const before = await store.countRecords(B.id);
    const topic = unitTopic(B.id, 'telemetry');
    await c.publishAsync(topic, JSON.stringify(telemetry('boot-v1-0001', [1, 2], 55)), { qos: 1 });
    await c.publishAsync(topic, encoded(telemetry('boot-v1-0002', [1], 54), 'deflate-raw-dict'), { qos: 1 });
    await waitFor('3 v1 records', async () => (await store.countRecords(B.id)) === before + 3);
    expect((await store.getUnit(B.id))?.battery?.socPct).toBe(54);
  });

  it('counts and logs every refusal, acks it, and keeps storing', async () => {
    const c = await unit(A);
    const topic = unitTopic(A.id, 'telemetry');
    const valid = rideBatch('boot-after-bad-0001', [0]);
    // A decompression bomb: ~2 kB on the wire that would inflate to 2 MiB (a bootId far past its schema).
    const bomb = encoded({ ...valid, bootId: 'b'.repeat(2 * MAX_INFLATED_BYTES) }, 'deflate-raw-dict');
    expect(bomb.byteLength).toBeLessThan(MAX_PAYLOAD_BYTES / 10);
    const framed = encoded(valid, 'deflate-raw');
    const bad: Array<[BatchViolation, Buffer | string]> = [
      ['empty', Buffer.alloc(0)],
      ['bad-header', Buffer.from([0x20, ...framed.subarray(1)])], // header version 2 does not exist
      ['corrupt', framed.subarray(0, framed.byteLength - 4)], // the deflate stream cut short
      ['inflate-limit', bomb],
      ['too-large', encoded({ ...valid, bootId: 'b'.repeat(MAX_PAYLOAD_BYTES) }, 'json')],
      ['not-json', '{"v":2,'], // headerless, as from a unit that predates the header
      ['schema', encoded({ ...valid, bootId: 'short' }, 'deflate-raw-dict')],
    ];
    const before = ingest.stats();
    const count = await store.countRecords(A.id);
    for (const [, payload] of bad) await c.publishAsync(topic, payload, { qos: 1 });
    await c.publishAsync(topic, encoded(valid, 'deflate-raw-dict'), { qos: 1 });
    await waitFor('the valid batch after the bad ones', async () => (await store.countRecords(A.id)) === count + 1);

    const after = ingest.stats();
    expect(after.messages - before.messages).toBe(bad.length + 1);
    for (const [reason] of bad) {
      expect({ reason, dropped: after.dropped[reason] - before.dropped[reason] }).toEqual({ reason, dropped: 1 });
    }
    const warned = lines.filter((l) => l.msg === 'dropped message' && l.unitId === A.id).map((l) => l.reason);
    expect(warned).toEqual(expect.arrayContaining(bad.map(([reason]) => reason)));
    expect(ingest.connected).toBe(true);

    // Dropped means acked: a new ingest on the same persistent session is not handed any of them again.
    await ingest.close();
    ingest = await startOurIngest();
    await c.publishAsync(topic, encoded(rideBatch('boot-after-bad-0001', [1]), 'json'), { qos: 1 });
    await waitFor('the batch after the restart', async () => (await store.countRecords(A.id)) === count + 2);
    expect(ingest.stats().messages).toBe(1);
    expect(Object.values(ingest.stats().dropped).every((n) => n === 0)).toBe(true);
  });
});
