import { join } from 'node:path';
import { MAX_PAYLOAD_BYTES, unitTopic } from '@triporteur/edge/contract';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedBroker } from '../src/broker/embedded.js';
import { DashboardErrorCode } from '../src/errors.js';
import { type Ingest, startIngest } from '../src/ingest/ingest.js';
import { openSqliteStore } from '../src/store/open.js';
import type { SqlFleetStore } from '../src/store/sql-store.js';
import { captureLogger, connectClient, connectUnit, telemetry, tempDir, UNITS, waitFor } from './helpers.js';
import { startPlainBroker } from './plain-broker.js';
import { UNIT_CLOCKS_TRUSTED } from './support/engines.js';
import { startIngestRig } from './support/ingest-rig.js';

const [A, B] = UNITS;
const BOOT = 'boot-test-0001';
const state = (s: 'online' | 'offline', bootId = BOOT) => JSON.stringify({ v: 1, state: s, bootId, ts: 1 });

describe('ingest over the embedded broker', () => {
  const { logger, lines } = captureLogger();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: SqlFleetStore;
  let broker: EmbeddedBroker;
  let ingest: Ingest;
  const changes: string[] = [];
  const clients: MqttClient[] = [];
  const unit = async (u: (typeof UNITS)[number], extra = {}) => {
    const c = await connectUnit(broker.url, u.id, u.secret, extra);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = await tempDir();
    store = await openSqliteStore(join(dir.path, 'fleet.db'), { clock: UNIT_CLOCKS_TRUSTED });
    ({ broker, ingest } = await startIngestRig(store, logger, { now: () => 42_000 }));
    ingest.onChange((id) => changes.push(id));
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

  it('stores a valid telemetry batch and notifies the change', async () => {
    const c = await unit(A);
    await c.publishAsync(unitTopic(A.id, 'telemetry'), JSON.stringify(telemetry(BOOT, [1, 2, 3], 71)), { qos: 1 });
    await waitFor('3 records', async () => (await store.countRecords(A.id)) === 3);
    expect((await store.getUnit(A.id))?.battery?.socPct).toBe(71);
    expect((await store.getUnit(A.id))?.lastSeen).toBe(42_000);
    await waitFor('a change for A', () => changes.includes(A.id));
  });

  it('stores the same batch only once', async () => {
    const c = await unit(B);
    const batch = JSON.stringify(telemetry(BOOT, [10, 11]));
    await c.publishAsync(unitTopic(B.id, 'telemetry'), batch, { qos: 1 });
    await c.publishAsync(unitTopic(B.id, 'telemetry'), batch, { qos: 1 });
    await waitFor('the duplicates to be seen', () => ingest.stats().recordsDuplicate >= 2);
    expect(await store.countRecords(B.id)).toBe(2);
  });

  it('counts and drops malformed payloads, then keeps storing valid ones', async () => {
    const c = await unit(A);
    const topic = unitTopic(A.id, 'telemetry');
    const before = ingest.stats().dropped;
    await c.publishAsync(topic, 'this is not json', { qos: 1 }); // 't' is no known header byte
    await c.publishAsync(topic, '{ this is not json }', { qos: 1 }); // headerless, as units before the header
    await c.publishAsync(topic, JSON.stringify({ v: 1, bootId: BOOT, records: [{ seq: -1 }] }), { qos: 1 });
    await c.publishAsync(topic, `"${'x'.repeat(MAX_PAYLOAD_BYTES + 10)}"`, { qos: 1 });
    await c.publishAsync(topic, JSON.stringify(telemetry(BOOT, [100])), { qos: 1 });
    await waitFor('the valid record after the bad ones', async () => (await store.countRecords(A.id)) === 4);
    const after = ingest.stats().dropped;
    expect(after['bad-header'] - before['bad-header']).toBe(1);
    expect(after['not-json'] - before['not-json']).toBe(1);
    expect(after.schema - before.schema).toBe(1);
    expect(after['too-large'] - before['too-large']).toBe(1);
    const warned = lines.filter((l) => l.module === 'ingest' && l.msg === 'dropped message' && l.unitId === A.id);
    expect(warned.map((l) => l.reason)).toEqual(
      expect.arrayContaining(['bad-header', 'not-json', 'schema', 'too-large']),
    );
    expect(ingest.connected).toBe(true);
  });

  it('applies online and offline, including the last will when a unit’s socket dies', async () => {
    const will = {
      topic: unitTopic(B.id, 'state'),
      payload: Buffer.from(state('offline')),
      qos: 1 as const,
      retain: true,
    };
    const c = await unit(B, { will, clean: false });
    await c.publishAsync(unitTopic(B.id, 'state'), state('online'), { qos: 1, retain: true });
    await waitFor('B online', async () => (await store.getUnit(B.id))?.online === true);
    expect((await store.getUnit(B.id))?.bootId).toBe(BOOT);

    c.stream.destroy(); // no DISCONNECT packet: the broker must fire the will
    await waitFor('B offline by its will', async () => (await store.getUnit(B.id))?.online === false);
    expect((await store.getUnit(B.id))?.lastSeen).toBe(42_000);
  });
});

describe('ingest against an external broker', () => {
  const { logger } = captureLogger();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: SqlFleetStore;
  let external: Awaited<ReturnType<typeof startPlainBroker>>;

  beforeAll(async () => {
    dir = await tempDir();
    store = await openSqliteStore(join(dir.path, 'fleet.db'), { clock: UNIT_CLOCKS_TRUSTED });
    await store.upsertUnits([{ id: A.id, name: A.name }]);
    external = await startPlainBroker('svc', 'svc-password');
  });
  afterAll(async () => {
    await external.close();
    await store.close();
    await dir.remove();
  });

  const options = (password: string) => ({
    url: external.url,
    username: 'svc',
    password,
    clientId: 'svc:ingest',
    unitIds: [A.id],
    store,
    logger,
  });

  it('drops payloads for units not in the config and for topics that are not ours', async () => {
    const ingest = await startIngest(options('svc-password'));
    const publisher = await connectClient(external.url, {
      clientId: 'tool',
      username: 'svc',
      password: 'svc-password',
    });
    try {
      await publisher.publishAsync(unitTopic('tri-ghost', 'telemetry'), JSON.stringify(telemetry(BOOT, [1])), {
        qos: 1,
      });
      await publisher.publishAsync('triporteur/v1/NOT A UNIT/telemetry', '{}', { qos: 1 });
      await publisher.publishAsync(unitTopic(A.id, 'telemetry'), JSON.stringify(telemetry(BOOT, [1])), { qos: 1 });
      await waitFor('the known unit’s record', async () => (await store.countRecords(A.id)) === 1);
      expect(ingest.stats().dropped['unknown-unit']).toBe(1);
      expect(ingest.stats().dropped['bad-topic']).toBe(1);
      expect(await store.countRecords()).toBe(1);
    } finally {
      await publisher.endAsync();
      await ingest.close();
    }
  });

  it('reports refused credentials as DSH_BROKER_AUTH and a dead broker as DSH_BROKER_UNREACHABLE', async () => {
    await expect(startIngest(options('wrong'))).rejects.toMatchObject({ code: DashboardErrorCode.BROKER_AUTH });
    await expect(
      startIngest({ ...options('svc-password'), url: 'mqtt://127.0.0.1:1', connectTimeoutMs: 2000 }),
    ).rejects.toMatchObject({ code: DashboardErrorCode.BROKER_UNREACHABLE });
  });
});
