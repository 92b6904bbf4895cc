import { unitTopic } from '@triporteur/edge/contract';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/auth/secrets.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/broker/embedded.js';
import { DashboardErrorCode } from '../src/errors.js';
import { captureLogger, connectClient, connectUnit, UNITS, unitAccounts, waitFor } from './helpers.js';

const [A, B] = UNITS;

describe('embedded broker', () => {
  const { logger, lines } = captureLogger();
  let broker: EmbeddedBroker;
  const clients: MqttClient[] = [];
  const track = (c: MqttClient) => {
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      units: await unitAccounts(),
      ingest: { username: 'dashboard-ingest', secretHash: await hashSecret('ingest-service-secret') },
      logger,
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await broker.close();
  });

  it('listens on the port it reports when asked for port 0', () => {
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
  });

  it('accepts a unit with its own credentials and the ingest account', async () => {
    const unit = track(await connectUnit(broker.url, A.id, A.secret));
    expect(unit.connected).toBe(true);
    const ingest = track(
      await connectClient(broker.url, {
        clientId: 'dashboard-ingest:tool',
        username: 'dashboard-ingest',
        password: 'ingest-service-secret',
      }),
    );
    expect(ingest.connected).toBe(true);
    const { username, password, clientId } = broker.ingestLogin;
    expect(track(await connectClient(broker.url, { username, password, clientId })).connected).toBe(true);
  });

  it('refuses a wrong password, an unknown account and a borrowed client id', async () => {
    await expect(connectUnit(broker.url, A.id, 'not-the-secret')).rejects.toMatchObject({ code: 4 });
    await expect(connectUnit(broker.url, 'tri-nobody', 'whatever')).rejects.toMatchObject({ code: 4 });
    await expect(connectUnit(broker.url, A.id, B.secret)).rejects.toMatchObject({ code: 4 });
    await expect(
      connectClient(broker.url, { clientId: `${B.id}-edge`, username: A.id, password: A.secret }),
    ).rejects.toMatchObject({ code: 2 });
    const refused = lines.filter((l) => l.module === 'broker' && l.msg === 'refused connection');
    expect(refused.map((l) => l.unitId)).toEqual(expect.arrayContaining([A.id, 'tri-nobody']));
    expect(JSON.stringify(lines)).not.toContain('not-the-secret');
  });

  it('does not deliver what a unit publishes into another unit’s subtree, and disconnects it', async () => {
    const watcher = track(
      await connectClient(broker.url, { ...broker.ingestLogin, clientId: 'dashboard-ingest:watch' }),
    );
    const seen: string[] = [];
    watcher.on('message', (topic) => seen.push(topic));
    await watcher.subscribeAsync('triporteur/v1/#', { qos: 1 });

    const intruder = track(await connectUnit(broker.url, A.id, A.secret));
    const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
    intruder.publish(unitTopic(B.id, 'telemetry'), '{"forged":true}', { qos: 0 });
    await closed;

    const honest = track(await connectUnit(broker.url, B.id, B.secret));
    await honest.publishAsync(unitTopic(B.id, 'telemetry'), '{"real":true}', { qos: 1 });
    await waitFor('the honest message', () => seen.length > 0);
    expect(seen).toEqual([unitTopic(B.id, 'telemetry')]);
    expect(lines.some((l) => l.msg === 'refused publish' && l.unitId === A.id)).toBe(true);
  });

  it('lets a unit subscribe to its own commands but not to fleet topics', async () => {
    const unit = track(await connectUnit(broker.url, A.id, A.secret));
    const grants = await unit.subscribeAsync({ [`triporteur/v1/${A.id}/cmd/#`]: { qos: 1 } });
    expect(grants.map((g) => g.qos)).toEqual([1]);
    for (const filter of ['triporteur/v1/#', 'triporteur/v1/+/telemetry', `triporteur/v1/${B.id}/cmd/#`]) {
      await expect(unit.subscribeAsync(filter, { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });
    }
    expect(unit.connected).toBe(true);
    expect(lines.some((l) => l.msg === 'refused subscription' && l.unitId === A.id)).toBe(true);
  });

  it('reports a port already taken as DSH_PORT_IN_USE', async () => {
    await expect(
      startEmbeddedBroker({
        host: '127.0.0.1',
        port: broker.port,
        units: [],
        ingest: { username: 'dashboard-ingest' },
        logger,
      }),
    ).rejects.toMatchObject({ code: DashboardErrorCode.PORT_IN_USE });
  });
});
