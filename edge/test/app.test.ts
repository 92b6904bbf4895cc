import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type EdgeApp } from '../src/app.js';
import { decodeBatch } from '../src/contract/encoding.js';
import { parseState } from '../src/contract/parse.js';
import type { StatePayload } from '../src/contract/payloads.js';
import { applyRecord, type ReconstructedState, type TelemetryBatchV2 } from '../src/contract/records.js';
import { unitTopic } from '../src/contract/topics.js';
import { type EdgeError, EdgeErrorCode } from '../src/errors.js';
import { startTestBroker, type TestBroker } from './support/aedes-broker.js';
import { type BmsRig, recordingHost, startBmsRig, testConfig } from './support/rig.js';
import { until } from './support/until.js';

const UNIT = 'tri-test-01';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function observer(
  broker: TestBroker,
): Promise<{ client: MqttClient; states: StatePayload[]; batches: TelemetryBatchV2[] }> {
  const client = await mqtt.connectAsync(broker.url, {
    username: 'observer',
    password: 'observer-secret',
    protocolVersion: 4,
  });
  cleanups.push(() => client.endAsync(true));
  const states: StatePayload[] = [];
  const batches: TelemetryBatchV2[] = [];
  client.on('message', (topic, payload) => {
    if (topic.endsWith('/state')) {
      const parsed = parseState(payload);
      if (!parsed.ok) throw new Error(`bad state payload: ${parsed.detail}`);
      states.push(parsed.value);
    } else {
      const parsed = decodeBatch(payload);
      if (!parsed.ok) throw new Error(`bad telemetry payload: ${parsed.detail}`);
      if (parsed.value.v !== 2) throw new Error('the edge sends payload version 2');
      batches.push(parsed.value);
    }
  });
  await client.subscribeAsync([unitTopic(UNIT, 'state'), unitTopic(UNIT, 'telemetry')], { qos: 1 });
  return { client, states, batches };
}

/** What the dashboard rebuilds from the boot's records, folded in order. */
function reconstruct(batches: TelemetryBatchV2[], bootId: string): ReconstructedState {
  const records = batches.filter((b) => b.bootId === bootId).flatMap((b) => b.records);
  return records.reduce<ReconstructedState>((state, record) => applyRecord(state, record), {});
}

async function startRig(): Promise<BmsRig> {
  const rig = await startBmsRig();
  cleanups.push(() => rig.close());
  return rig;
}

async function startBroker(port = 0): Promise<TestBroker> {
  const broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' }, port);
  cleanups.push(() => broker.close());
  return broker;
}

function startApp(app: EdgeApp): Promise<void> {
  cleanups.push(() => app.stop());
  return app.start();
}

describe('edge app: pty → JBD driver → MQTT', () => {
  it('publishes retained online state and contract-valid battery telemetry, then offline on stop', async () => {
    const rig = await startRig();
    const broker = await startBroker();
    const watch = await observer(broker);
    const app = buildApp(recordingHost(), testConfig({ bmsPath: rig.pty.b, url: broker.url }));
    await startApp(app);

    await until(() => watch.batches.length >= 2, 'two telemetry batches');
    const records = watch.batches.flatMap((b) => b.records);
    expect(watch.batches.every((b) => b.bootId === app.bootId)).toBe(true);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    // The boot's first record carries every kind in full; later ones only what moved past its deadband.
    expect(records[0]?.battery).toMatchObject({ full: true });
    expect(records[0]?.system).toMatchObject({ full: true });
    expect(records[0]?.uplink).toMatchObject({ full: true });
    const state = reconstruct(watch.batches, app.bootId);
    expect(state.battery?.complete).toBe(true);
    const battery = state.battery?.values;
    expect(battery?.state).toBe('connected');
    expect(battery?.voltageV).toBeGreaterThan(40);
    expect(battery?.voltageV).toBeLessThan(56);
    expect(battery?.cellsV).toHaveLength(13);
    expect(battery?.currentA).toBeLessThan(0);
    expect(watch.states.at(-1)).toMatchObject({ state: 'online', bootId: app.bootId });
    expect(app.status()).toMatchObject({ bms: 'connected', uplink: 'online' });

    await app.stop();
    await until(() => watch.states.at(-1)?.state === 'offline', 'offline state after stop');
  });

  it('lets the broker announce offline through the last will when the link dies', async () => {
    const rig = await startRig();
    const broker = await startBroker();
    const watch = await observer(broker);
    const host = recordingHost();
    const app = buildApp(host, testConfig({ bmsPath: rig.pty.b, url: broker.url }));
    await startApp(app);
    await until(() => watch.states.at(-1)?.state === 'online', 'online');

    // Cut the TCP socket under mqtt.js, as a 4G drop does: no DISCONNECT packet is sent.
    host.clients[0]?.stream.destroy();
    await until(() => watch.states.at(-1)?.state === 'offline', 'last will');
    // The session reconnects by itself and says online again.
    await until(() => watch.states.at(-1)?.state === 'online', 'online after reconnect');
  });

  it('stops with EDG_MQTT_AUTH when the broker refuses the credentials, and does not retry', async () => {
    const rig = await startRig();
    const broker = await startBroker();
    const host = recordingHost();
    const app = buildApp(host, testConfig({ bmsPath: rig.pty.b, url: broker.url, password: 'wrong' }));
    const fatal = new Promise<EdgeError>((resolve) => app.onFatal(resolve));
    await startApp(app);
    await expect(fatal).resolves.toMatchObject({ code: EdgeErrorCode.MQTT_AUTH });
    expect(app.status().uplink).toBe('refused');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(host.clients[0]?.reconnecting).toBe(false);
    expect(host.clients[0]?.connected).toBe(false);
  });

  it('keeps reading the BMS while the broker is down, and publishes once it comes up', async () => {
    const rig = await startRig();
    const probe = await startBroker();
    const port = probe.port;
    await probe.close();
    const app = buildApp(recordingHost(), testConfig({ bmsPath: rig.pty.b, url: `mqtt://127.0.0.1:${port}` }));
    await startApp(app);
    await until(() => app.status().pendingRecords >= 2, 'records queued while offline');
    expect(app.status().uplink).not.toBe('online');

    const broker = await startBroker(port);
    const watch = await observer(broker);
    await until(() => watch.batches.length >= 1, 'telemetry after the broker came up');
    expect(app.status().uplink).toBe('online');
    expect(watch.batches[0]?.records[0]?.seq).toBe(0);
    // Made while the link was down, so replayed as historical (Sparkplug's is_historical).
    expect(watch.batches[0]?.records[0]?.historical).toBe(true);
  });

  it("sends a previous run's unacknowledged records after a restart, under that run's boot id", async () => {
    const rig = await startRig();
    const probe = await startBroker();
    const port = probe.port;
    await probe.close();
    const outboxPath = join(await mkdtemp(join(tmpdir(), 'edge-restart-')), 'outbox.db');
    const config = testConfig({ bmsPath: rig.pty.b, url: `mqtt://127.0.0.1:${port}`, outboxPath });
    const first = buildApp(recordingHost(), config);
    await first.start();
    await until(() => first.status().pendingRecords >= 3, 'records kept while offline');
    await first.stop();

    const broker = await startBroker(port);
    const watch = await observer(broker);
    const second = buildApp(recordingHost(), config);
    await startApp(second);
    await until(() => watch.batches.some((b) => b.bootId === second.bootId), 'the new boot publishing');
    const old = watch.batches.filter((b) => b.bootId === first.bootId).flatMap((b) => b.records);
    // Every record of the first run, in order, none missing: seq 0, 1, 2, …
    expect(old.length).toBeGreaterThanOrEqual(3);
    expect(old.map((r) => r.seq)).toEqual(old.map((_, i) => i));
    expect(old.every((r) => r.historical)).toBe(true);
  });

  it('fails start with EDG_SERIAL_OPEN on a wrong serial path', async () => {
    const broker = await startBroker();
    const app = buildApp(recordingHost(), testConfig({ bmsPath: '/dev/does-not-exist-tty', url: broker.url }));
    await expect(app.start()).rejects.toMatchObject({ code: EdgeErrorCode.SERIAL_OPEN });
  });
});
