import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseCapture } from '@triporteur/firmware-bridge';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { EdgeConfig } from '../src/config/schema.js';
import { birthTopic, cmdTopic, parseBirth, parseCommandReply, replyTopic } from '../src/contract/commands.js';
import { startTestBroker } from './support/aedes-broker.js';
import { recordingHost, startBmsRig, testConfig } from './support/rig.js';
import { until } from './support/until.js';

const UNIT = 'tri-test-01';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A running edge app and a technician's client on the same real broker. */
async function running(options: { configPath?: (config: EdgeConfig) => string } = {}) {
  const rig = await startBmsRig();
  cleanups.push(() => rig.close());
  const broker = await startTestBroker({ [UNIT]: 'unit-secret', tech: 'tech-secret' });
  cleanups.push(() => broker.close());
  const config = testConfig({ bmsPath: rig.pty.b, url: broker.url });
  const configPath = options.configPath?.(config);
  const app = buildApp(recordingHost(), config, { version: '9.9.9', ...(configPath ? { configPath } : {}) });
  cleanups.push(() => app.stop());
  await app.start();
  const tech: MqttClient = await mqtt.connectAsync(broker.url, {
    username: 'tech',
    password: 'tech-secret',
    protocolVersion: 4,
  });
  cleanups.push(() => tech.endAsync(true));
  const replies = new Map<string, unknown>();
  const births: unknown[] = [];
  tech.on('message', (topic, payload) => {
    if (topic === birthTopic(UNIT)) {
      const birth = parseBirth(payload);
      if (birth.ok) births.push(birth.value);
      return;
    }
    const reply = parseCommandReply(payload);
    if (reply.ok && reply.value.id !== null) replies.set(reply.value.id, reply.value);
  });
  await tech.subscribeAsync([`triporteur/v1/${UNIT}/reply/+`, birthTopic(UNIT)], { qos: 1 });
  await until(() => app.status().uplink === 'online', 'online');
  const send = async (name: string, id: string, args?: unknown) => {
    await tech.publishAsync(
      cmdTopic(UNIT, name),
      JSON.stringify({ v: 1, id, ...(args === undefined ? {} : { args }) }),
      { qos: 1 },
    );
    await until(() => replies.has(id), `reply ${id}`);
    return replies.get(id) as { ok: boolean; result?: Record<string, unknown>; error?: { code: string } };
  };
  return { app, rig, send, births, replyTopic, config };
}

describe('edge app: remote commands and birth', () => {
  it('announces itself with a retained birth and answers get-status with its correlation id', async () => {
    const { app, send, births } = await running();
    await until(() => births.length > 0, 'birth');
    expect(births[0]).toMatchObject({ bootId: app.bootId, software: { edge: '9.9.9' } });
    const reply = await send('get-status', 'status-1');
    expect(reply).toMatchObject({ ok: true, result: { unitId: UNIT, bootId: app.bootId, uplink: 'online' } });
  });

  it('pauses and resumes the location from the dashboard, and keeps the pause on disk beside the outbox', async () => {
    const { send, config } = await running();
    const paused = await send('location-pause', 'pause-1', { paused: true });
    expect(paused).toMatchObject({
      ok: true,
      result: { paused: true, manual: true, by: 'dashboard', outsideHours: false },
    });
    const saved = join(dirname(config.outbox.path), 'location-privacy.json');
    expect(JSON.parse(await readFile(saved, 'utf8'))).toMatchObject({ manual: true, by: 'dashboard' });
    expect(await send('location-pause', 'pause-2', { paused: false })).toMatchObject({
      ok: true,
      result: { paused: false },
    });
    const bad = await send('location-pause', 'pause-3', { paused: 'oui' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'EDG_CMD_INVALID' } });
  });

  it('applies a telemetry interval live, and refuses an invalid value naming the field', async () => {
    const { send } = await running();
    const ok = await send('config-set', 'set-1', { key: 'telemetry.batchIntervalMs', value: 1000 });
    expect(ok).toMatchObject({ ok: true, result: { applied: true, restartRequired: false } });
    const bad = await send('config-set', 'set-2', { key: 'telemetry.batchIntervalMs', value: 'fast' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'EDG_CMD_INVALID' } });
    const read = await send('config-get', 'get-1', { key: 'mqtt.password' });
    expect(read).toMatchObject({ ok: true, result: { value: '[redacted]' } });
  });

  it('writes a set value into its config file, which keeps mode 0600 (it holds the broker password)', async () => {
    let path = '';
    const { send } = await running({
      configPath: (config) => {
        path = join(dirname(config.outbox.path), 'config.json');
        writeFileSync(path, JSON.stringify(config), { mode: 0o600 });
        return path;
      },
    });
    const ok = await send('config-set', 'set-file', { key: 'telemetry.maxBatch', value: 50 });
    expect(ok).toMatchObject({ ok: true });
    expect(JSON.parse(await readFile(path, 'utf8')).telemetry.maxBatch).toBe(50);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(path)).filter((name) => name.includes('config.json'))).toEqual(['config.json']);
  });

  it('captures the raw BMS line on request and keeps the file on the unit', async () => {
    const { send, rig } = await running();
    const started = await send('capture-start', 'cap-1', { port: rig.pty.b, seconds: 30 });
    expect(started).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stopped = await send('capture-stop', 'cap-2');
    expect(stopped.ok).toBe(true);
    const file = String(stopped.result?.file);
    expect(Number(stopped.result?.bytes)).toBeGreaterThan(0);
    const { header, chunks } = parseCapture(await readFile(file, 'utf8'));
    expect(header.protocol).toBe('jbd');
    expect(chunks.length).toBeGreaterThan(0);
    const other = await send('capture-start', 'cap-3', { port: '/dev/ttyS0' });
    expect(other).toMatchObject({ ok: false, error: { code: 'EDG_CMD_INVALID' } });
  });

  it('runs diagnostics and restarts the BMS subsystem without losing the link', async () => {
    const { app, send } = await running();
    await until(() => app.status().bms === 'connected', 'BMS connected');
    const diag = await send('run-diagnostics', 'diag-1');
    expect(diag).toMatchObject({ ok: true, result: { ok: true } });
    const restart = await send('restart-subsystem', 'rs-1', { name: 'bms' });
    expect(restart).toMatchObject({ ok: true, result: { name: 'bms', deferred: false } });
    await until(() => app.status().bms === 'connected', 'BMS connected again');
  });
});
