import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { encodeBatch, unitTopic } from '@triporteur/edge/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { type DashboardConfig, validateDashboardConfig } from '../src/config.js';
import { type RunningDashboard, startDashboard } from '../src/dashboard.js';
import { DashboardErrorCode } from '../src/errors.js';
import { captureLogger, connectUnit, telemetry, tempDir, UNITS, unitAccounts } from './helpers.js';
import { RIDE_FINAL_STATE, rideBatch } from './records-v2.js';
import { sseReader } from './sse.js';

const [A] = UNITS;

/** A coordinator's session cookie on `dashboard`, through the real login route. */
async function login(dashboard: RunningDashboard): Promise<string> {
  return (await session(dashboard)).cookie;
}

async function session(dashboard: RunningDashboard): Promise<{ cookie: string; csrf: string }> {
  const account = {
    username: `coordination-${Math.random().toString(36).slice(2, 8)}`,
    password: 'un mot de passe assez long',
  };
  await dashboard.users.createUser({ ...account, role: 'coordinator' });
  const res = await fetch(`${dashboard.httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (!res.ok) throw new Error(`login refused: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: csrfToken };
}

async function listenAnywhere(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

const portOf = (server: Server) => {
  const address = server.address();
  return address && typeof address === 'object' ? address.port : 0;
};

async function freePort(): Promise<number> {
  const server = await listenAnywhere();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function config(dir: string, patch: Partial<Record<keyof DashboardConfig, unknown>> = {}) {
  return validateDashboardConfig({
    configVersion: 1,
    http: { host: '127.0.0.1', port: 0, cookieSecure: false },
    broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
    store: { path: join(dir, 'fleet.db') },
    units: await unitAccounts(),
    ...patch,
  });
}

describe('startDashboard', () => {
  const { logger } = captureLogger();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let dashboard: RunningDashboard;

  beforeAll(async () => {
    dir = await tempDir();
    dashboard = await startDashboard(await config(dir.path), { logger });
  });
  afterAll(async () => {
    await dashboard.close();
    await dir.remove();
  });

  it('pushes a live update over SSE when a unit’s record arrives', async () => {
    expect(dashboard.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const abort = new AbortController();
    const res = await fetch(`${dashboard.httpUrl}/api/live`, {
      signal: abort.signal,
      headers: { cookie: await login(dashboard) },
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const unit = await connectUnit(dashboard.mqttUrl, A.id, A.secret);
    try {
      const live = sseReader(res);
      const first = await live.until((e) => e.event === 'snapshot');
      const snapshot = JSON.parse(first.data) as { units: { id: string }[] };
      expect(snapshot.units.map((u) => u.id).sort()).toEqual(UNITS.map((u) => u.id).sort());

      await unit.publishAsync(unitTopic(A.id, 'telemetry'), JSON.stringify(telemetry('boot-live-0001', [1], 33)), {
        qos: 1,
      });
      const event = await live.until((e) => e.event === 'unit' && e.data.includes('"socPct":33'));
      const update = JSON.parse(event.data);
      expect(update).toMatchObject({ id: A.id, battery: { socPct: 33 } });
      expect(await dashboard.store.countRecords(A.id)).toBe(1);
    } finally {
      abort.abort();
      await unit.endAsync();
    }
  });

  it('feeds the live page and /api/units/:id/state from a payload-v2 batch', async () => {
    const abort = new AbortController();
    const cookie = await login(dashboard);
    const res = await fetch(`${dashboard.httpUrl}/api/live`, { signal: abort.signal, headers: { cookie } });
    const unit = await connectUnit(dashboard.mqttUrl, A.id, A.secret);
    try {
      const live = sseReader(res);
      await live.until((e) => e.event === 'snapshot');
      const batch = encodeBatch(rideBatch('boot-live-v2-01', [0, 1, 2, 3, 4, 5, 6]));
      await unit.publishAsync(unitTopic(A.id, 'telemetry'), Buffer.from(batch), { qos: 1 });
      const event = await live.until((e) => e.event === 'unit' && e.data.includes('"voltageV":51.5'));
      // The map's place and the Wi-Fi users come with the row: the page asks for no unit's state.
      expect(JSON.parse(event.data)).toMatchObject({
        id: A.id,
        battery: { socPct: 79, voltageV: 51.5, currentA: 0 },
        place: { kind: 'known', lat: 48.851, lon: 2.352 },
        wifiUsers: 2,
      });
      const state = await fetch(`${dashboard.httpUrl}/api/units/${A.id}/state`, { headers: { cookie } });
      expect(state.status).toBe(200);
      expect(await state.json()).toMatchObject({ unitId: A.id, bootId: 'boot-live-v2-01', state: RIDE_FINAL_STATE });
    } finally {
      abort.abort();
      await unit.endAsync();
    }
  });

  it('pushes an alert over SSE when it is raised, and again when someone acknowledges it', async () => {
    const abort = new AbortController();
    const { cookie, csrf } = await session(dashboard);
    const res = await fetch(`${dashboard.httpUrl}/api/live`, { signal: abort.signal, headers: { cookie } });
    const unit = await connectUnit(dashboard.mqttUrl, A.id, A.secret);
    try {
      const live = sseReader(res);
      const snapshot = JSON.parse((await live.until((e) => e.event === 'snapshot')).data) as {
        alerts: { kind: string }[];
      };
      // The open alerts come with the snapshot: the earlier ride left a BMS protection open.
      expect(snapshot.alerts.map((a) => a.kind)).toEqual(['bms-protection']);
      const batch = rideBatch('boot-live-alert-1', [0]);
      const [first] = batch.records;
      if (!first?.battery) throw new Error('the ride starts with a battery record');
      const flat = { ...batch, records: [{ ...first, battery: { ...first.battery, socPct: 7 } }] };
      await unit.publishAsync(unitTopic(A.id, 'telemetry'), Buffer.from(encodeBatch(flat)), { qos: 1 });
      const isLow = (e: { event: string; data: string }) => e.event === 'alert' && e.data.includes('"low-battery"');
      const raised = JSON.parse((await live.until(isLow)).data);
      expect(raised).toMatchObject({ unitId: A.id, kind: 'low-battery', severity: 'critical', acknowledgedBy: null });

      const ack = await fetch(`${dashboard.httpUrl}/api/alerts/${raised.id}/ack`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(ack.status).toBe(200);
      const acknowledged = JSON.parse((await live.until(isLow)).data);
      expect(acknowledged).toMatchObject({ id: raised.id, acknowledgedBy: expect.stringMatching(/^coordination-/) });
    } finally {
      abort.abort();
      await unit.endAsync();
    }
  });

  it('reports health and the units over HTTP', async () => {
    const health = await fetch(`${dashboard.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', ingest: { connected: true } });
  });
});

describe('startDashboard failures', () => {
  it('reports an HTTP port in use as DSH_PORT_IN_USE and stops what it had started', async () => {
    const dir = await tempDir();
    const blocker = await listenAnywhere();
    const brokerPort = await freePort();
    try {
      const cfg = await config(dir.path, {
        http: { host: '127.0.0.1', port: portOf(blocker) },
        broker: { mode: 'embedded', host: '127.0.0.1', port: brokerPort },
      });
      await expect(startDashboard(cfg, { logger: captureLogger().logger })).rejects.toMatchObject({
        code: DashboardErrorCode.PORT_IN_USE,
      });
      // The embedded broker was closed on the way out, so its port is free again.
      const reuse = await listenAnywhere(brokerPort);
      reuse.close();
    } finally {
      blocker.close();
      await dir.remove();
    }
  });
});

describe('CLI', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { write: (s: string) => err.push(s) },
        stdin: new PassThrough(),
        stopRequested: () => Promise.resolve(),
      },
    };
  };

  it('prints one coded line and exits non-zero on a bad config', async () => {
    const dir = await tempDir();
    try {
      const missing = io();
      expect(await runCli(['node', 'cli', 'serve', '--config', join(dir.path, 'none.json')], missing.io)).toBe(1);
      expect(missing.err.join('')).toMatch(/^error DSH_CONFIG_READ: cannot read config file .*\n$/);

      const file = join(dir.path, 'bad.json');
      await writeFile(file, JSON.stringify({ configVersion: 1, store: { path: 'x.db' }, units: [{ id: 'BAD' }] }));
      const bad = io();
      expect(await runCli(['node', 'cli', 'serve', '--config', file], bad.io)).toBe(1);
      expect(bad.err).toHaveLength(1);
      expect(bad.err[0]).toMatch(/^error DSH_CONFIG_INVALID: units\/0\/\w+: /);
      expect(bad.err[0]).not.toMatch(/\n\s+at /);
    } finally {
      await dir.remove();
    }
  });

  it('hashes a secret from stdin', async () => {
    const run = io();
    run.io.stdin.end('a-long-unit-secret\n');
    expect(await runCli(['node', 'cli', 'hash-secret'], run.io)).toBe(0);
    expect(run.out.join('')).toMatch(/^scrypt\$[^$]+\$[^$]+\n$/);
  });
});
