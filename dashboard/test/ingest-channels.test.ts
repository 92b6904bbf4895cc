import { join } from 'node:path';
import { type EventPayload, encodeBatch, unitTopic } from '@triporteur/edge/contract';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedBroker } from '../src/broker/embedded.js';
import type { Ingest } from '../src/ingest/ingest.js';
import { openSqliteStore } from '../src/store/open.js';
import type { SqlFleetStore } from '../src/store/sql-store.js';
import { captureLogger, connectUnit, tempDir, UNITS, waitFor } from './helpers.js';
import { rideBatch } from './records-v2.js';
import { startIngestRig } from './support/ingest-rig.js';

const [A, B] = UNITS;
const BIRTH = {
  v: 1,
  bootId: 'boot-birth-0001',
  software: { edge: '0.4.0' },
  firmware: { bms: 'JBD 4.2' },
  bmsModel: 'JBD-SP15S001',
  configHash: 'a'.repeat(64),
  ts: Date.now(),
};
const event = (seq: number, extra: Partial<EventPayload> = {}): EventPayload => ({
  v: 1,
  bootId: 'boot-events-0001',
  seq,
  ts: Date.now(),
  kind: 'bms-protection',
  active: true,
  severity: 'critical',
  data: { flags: 'cellOvervoltage' },
  ...extra,
});

describe('ingest of birth, events and untrusted clocks, with the real clock and the default clock check', () => {
  const { logger, lines } = captureLogger();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: SqlFleetStore;
  let broker: EmbeddedBroker;
  let ingest: Ingest;
  let closeRig: () => Promise<void>;
  let a: MqttClient;
  let b: MqttClient;

  beforeAll(async () => {
    dir = await tempDir();
    store = await openSqliteStore(join(dir.path, 'fleet.db'));
    ({ broker, ingest, close: closeRig } = await startIngestRig(store, logger));
    a = await connectUnit(broker.url, A.id, A.secret);
    b = await connectUnit(broker.url, B.id, B.secret);
  });
  afterAll(async () => {
    await Promise.all([a.endAsync(true), b.endAsync(true)]);
    await closeRig();
    await store.close();
    await dir.remove();
  });

  it('keeps the retained birth message: versions and config hash', async () => {
    await a.publishAsync(unitTopic(A.id, 'birth'), JSON.stringify(BIRTH), { qos: 1, retain: true });
    await waitFor('birth stored', async () => (await store.getBirth(A.id)) !== undefined);
    expect((await store.getBirth(A.id))?.birth).toEqual(BIRTH);
    expect(ingest.stats().births).toBe(1);
  });

  it('stores events once by (unit, boot, seq), and tells listeners about new ones only', async () => {
    const heard: string[] = [];
    const stop = ingest.onNotice((notice) => {
      if (notice.kind === 'event') heard.push(`${notice.unitId}:${notice.event.seq}`);
    });
    for (const seq of [0, 1, 1, 0, 2]) {
      await a.publishAsync(unitTopic(A.id, 'events'), JSON.stringify(event(seq)), { qos: 1 });
    }
    await waitFor('events counted', () => ingest.stats().eventsInserted + ingest.stats().eventsDuplicate === 5);
    stop();
    expect(ingest.stats()).toMatchObject({ eventsInserted: 3, eventsDuplicate: 2 });
    expect(heard).toEqual([`${A.id}:0`, `${A.id}:1`, `${A.id}:2`]);
    const stored = await store.eventsOf(A.id, 0, Date.now() + 60_000);
    expect(stored.map((e) => [e.event.seq, e.event.kind, e.event.data])).toEqual([
      [0, 'bms-protection', { flags: 'cellOvervoltage' }],
      [1, 'bms-protection', { flags: 'cellOvervoltage' }],
      [2, 'bms-protection', { flags: 'cellOvervoltage' }],
    ]);
  });

  it('refuses an event that breaks the contract, naming the unit', async () => {
    const before = ingest.stats().dropped.schema;
    await a.publishAsync(unitTopic(A.id, 'events'), JSON.stringify({ ...event(9), kind: 'reboot-now' }), { qos: 1 });
    await waitFor('schema drop', () => ingest.stats().dropped.schema === before + 1);
    expect(lines.some((l) => l.msg === 'dropped message' && l.unitId === A.id && l.reason === 'schema')).toBe(true);
  });

  it('files records from a clock in 1970 or years ahead under their arrival time, keeping the unit’s reading', async () => {
    const bootId = 'boot-clock-0001';
    const batch = rideBatch(bootId, [0, 1, 2]);
    const [r0, r1, r2] = batch.records;
    if (!r0 || !r1 || !r2) throw new Error('ride batch too short');
    const now = Date.now();
    r0.ts = 12_000; // a Pi before NTP
    r1.ts = now + 3 * 365 * 86_400_000; // a GPS week rollover gone wrong
    r2.ts = now - 60_000; // believable
    const sentAt = Date.now();
    await a.publishAsync(unitTopic(A.id, 'telemetry'), Buffer.from(encodeBatch(batch)), { qos: 1 });
    await waitFor('records stored', async () => (await store.countRecords(A.id)) === 3);
    const rows = await store.db.all<{ seq: number; ts: number; unit_ts: number | null }>(
      'SELECT seq, ts, unit_ts FROM telemetry_records WHERE boot_id = $1 ORDER BY seq',
      [bootId],
    );
    expect(rows.map((r) => [r.seq, r.unit_ts])).toEqual([
      [0, 12_000],
      [1, r1.ts],
      [2, null],
    ]);
    for (const row of rows.slice(0, 2)) {
      expect(row.ts).toBeGreaterThanOrEqual(sentAt);
      expect(row.ts).toBeLessThanOrEqual(Date.now());
    }
    expect(rows[2]?.ts).toBe(r2.ts);
    expect(ingest.stats().recordsClockSuspect).toBe(2);
  });

  it('contains a unit spamming garbage, then another unit’s topic (dropped by the broker): the other unit’s records all arrive, logs stay short', async () => {
    const logLinesBefore = lines.length;
    const garbageDrops = () => {
      const d = ingest.stats().dropped;
      return d['not-json'] + d['bad-header'] + d['too-large'];
    };
    const dropsBefore = garbageDrops();
    const garbage = [Buffer.from('not json'), Buffer.from([0x13, 0xff]), Buffer.alloc(300 * 1024, 0x7b)];
    const SPAM = 300;
    const spam = (async () => {
      for (let i = 0; i < SPAM; i++) {
        await a.publishAsync(unitTopic(A.id, 'telemetry'), garbage[i % garbage.length] ?? Buffer.alloc(0), { qos: 1 });
      }
      // Another unit's prefix: the broker's ACL refuses it and drops the offender's connection.
      const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
      a.publish(unitTopic(B.id, 'telemetry'), Buffer.from(encodeBatch(rideBatch('boot-forged-0001', [0]))), { qos: 0 });
      await closed;
    })();
    const bootId = 'boot-b-spam-0001';
    for (const seqs of [
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ]) {
      const batch = Buffer.from(encodeBatch(rideBatch(bootId, seqs)));
      await b.publishAsync(unitTopic(B.id, 'telemetry'), batch, { qos: 1 });
    }
    await spam;
    await waitFor('B stored', async () => (await store.countRecords(B.id)) === 7, 10_000);
    await waitFor('spam counted', () => garbageDrops() - dropsBefore === SPAM, 10_000);
    // Nothing of the forged boot reached B's history.
    expect(await store.db.all("SELECT seq FROM telemetry_records WHERE boot_id = 'boot-forged-0001'")).toEqual([]);
    // Throttled: a handful of warning lines for 300 drops, not 300.
    const dropLines = lines.slice(logLinesBefore).filter((l) => l.msg === 'dropped message');
    expect(dropLines.length).toBeGreaterThan(0);
    expect(dropLines.length).toBeLessThan(20);
  });
});
