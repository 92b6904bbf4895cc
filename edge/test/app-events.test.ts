import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { validateEdgeConfig } from '../src/config/load.js';
import type { EventPayload } from '../src/contract/events.js';
import { unitTopic } from '../src/contract/topics.js';
import { startTestBroker } from './support/aedes-broker.js';
import { recordingHost, startBmsRig, testConfig } from './support/rig.js';
import { until } from './support/until.js';

// The whole edge app against a real broker that goes away for longer than mqtt.downEventAfterS:
// the outage becomes an uplink-down event, journaled while the link is down and sent when it is back.

const UNIT = 'tri-test-01';
const USERS = { [UNIT]: 'unit-secret', observer: 'observer-secret' };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('edge app: events', () => {
  it('reports a broker outage past the threshold as uplink-down, start and end, once the link is back', async () => {
    const rig = await startBmsRig();
    cleanups.push(() => rig.close());
    let broker = await startTestBroker(USERS);
    const port = broker.port;
    cleanups.push(() => broker.close());

    const base = testConfig({ bmsPath: rig.pty.b, url: broker.url });
    const config = validateEdgeConfig({
      ...structuredClone(base),
      mqtt: { ...base.mqtt, downEventAfterS: 10, reconnectMaxMs: 1000 },
    });
    const app = buildApp(recordingHost(), config);
    cleanups.push(() => app.stop());
    await app.start();
    await until(() => app.status().uplink === 'online', 'the first connection');

    await broker.close();
    const downAt = Date.now();
    await until(() => app.status().pendingEvents === 1, 'the outage journaled', 20_000);
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(10_000);

    broker = await startTestBroker(USERS, port);
    const received: EventPayload[] = [];
    const observer = await mqtt.connectAsync(broker.url, { username: 'observer', password: 'observer-secret' });
    cleanups.push(() => observer.endAsync(true));
    observer.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString()) as EventPayload));
    await observer.subscribeAsync(unitTopic(UNIT, 'events'), { qos: 1 });

    await until(() => received.length === 2, 'the outage’s start and end', 20_000);
    const [start, end] = received;
    expect(start).toMatchObject({ kind: 'uplink-down', active: true, bootId: app.bootId, seq: 0 });
    expect(start?.data?.cause).toBe('broker-unreachable');
    expect(start?.data?.sinceTs).toBeGreaterThanOrEqual(downAt - 1000);
    expect(end).toMatchObject({ kind: 'uplink-down', active: false, seq: 1 });
    expect(end?.data?.downS).toBeGreaterThanOrEqual(10);
    await until(() => app.status().pendingEvents === 0, 'the journal emptied');
  }, 60_000);
});
