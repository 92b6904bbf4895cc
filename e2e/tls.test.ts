import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, nodeHost, validateEdgeConfig } from '@triporteur/edge';
import { createTestCa, startMosquitto } from '@triporteur/edge/testing';
import { createPtyPair, JbdSimulator, openSerialTransport } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { quietLogger, startTestDashboard, until } from './support/fleet.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A throw-away CA and Mosquitto's certificate for localhost, removed after the test. */
async function brokerCa(): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const ca = await createTestCa();
  cleanups.push(() => ca.remove());
  return { caFile: ca.caFile, ...(await ca.issue('server', ['localhost'], ['127.0.0.1'])) };
}

async function setup(caFileForEdge: (ca: string, other: string) => string) {
  const ca = await brokerCa();
  const stranger = await brokerCa();
  const unit = { id: 'tri-tls', password: 'tls-unit-secret' };
  const ingest = { username: 'dashboard-ingest', password: 'ingest-secret-for-test' };
  const broker = await startMosquitto(
    { [unit.id]: unit.password, [ingest.username]: ingest.password },
    ingest.username,
    ca,
  );
  cleanups.push(() => broker.stop());
  const pty = await createPtyPair();
  cleanups.push(() => pty.close());
  const side = await openSerialTransport({ path: pty.a, baudRate: 9600 });
  cleanups.push(() => side.close());
  const sim = new JbdSimulator({ transport: side, timeScale: 600 });
  sim.start();
  cleanups.push(async () => sim.stop());
  const config = validateEdgeConfig({
    configVersion: 1,
    unitId: unit.id,
    bms: { type: 'jbd', path: pty.b, pollIntervalMs: 300 },
    mqtt: {
      url: broker.url,
      username: unit.id,
      password: unit.password,
      caFile: caFileForEdge(ca.caFile, stranger.caFile),
      reconnectMs: 500,
    },
    telemetry: { sampleIntervalMs: 300, batchIntervalMs: 300 },
    outbox: { path: join(await mkdtemp(join(tmpdir(), 'tls-outbox-')), 'outbox.db') },
  });
  const app = buildApp(nodeHost(quietLogger), config);
  cleanups.push(() => app.stop());
  return { app, broker, ingest, unit, ca };
}

describe('MQTT over TLS with a CA file from config (Mosquitto)', () => {
  it('connects with the configured CA and delivers telemetry to the dashboard', async () => {
    const { app, broker, ingest, unit, ca } = await setup((mine) => mine);
    const dashboard = await startTestDashboard([{ id: unit.id, name: 'TLS', password: unit.password }], {
      url: broker.url,
      ...ingest,
      caFile: ca.caFile,
    });
    cleanups.push(() => dashboard.close());
    await app.start();
    await until(() => app.status().uplink === 'online', 'online over TLS');
    await until(async () => (await dashboard.store.countRecords(unit.id)) >= 2, 'records through TLS');
  });

  it('refuses a broker whose certificate the configured CA did not sign, and sends nothing', async () => {
    const { app } = await setup((_mine, other) => other);
    await app.start();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(app.status().uplink).not.toBe('online');
    expect(app.status().publishedRecords).toBe(0);
    expect(app.status().pendingRecords).toBeGreaterThan(0);
  });
});
