import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hashSecret, openStore, type SqlFleetStore, UserStore } from '@triporteur/dashboard';
import {
  type MosquittoProcess,
  runMosquitto,
  startTestPostgres,
  type TestPostgres,
} from '@triporteur/dashboard/testing';
import { encodeBatch, type TelemetryRecordV2, unitTopic } from '@triporteur/edge/contract';
import { freePort } from '@triporteur/edge/testing';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUnits, type UnitCredentials, until } from './support/fleet.js';

/**
 * The scale path (issue 6, item 3): two dashboard processes, each started by the real CLI, share the
 * fleet's subscriptions through `$share/…` on Debian's Mosquitto (config, ACL and passwords written by
 * `triporteur-dashboard mosquitto-config`) and write to one PostgreSQL from Debian.
 */

const CLI = join(import.meta.dirname, '../dashboard/dist/src/main.js');
const UNIT_COUNT = 8;
const BATCHES = 6;
const PER_BATCH = 20;
const run = promisify(execFile);

interface DashboardProcess {
  instance: string;
  httpUrl: string;
  child: ChildProcess;
  output: () => string;
}

describe('two dashboard processes on Mosquitto and PostgreSQL', () => {
  let dir: string;
  let pg: TestPostgres;
  let mosquitto: MosquittoProcess;
  let store: SqlFleetStore;
  let mqttUrl: string;
  const units: UnitCredentials[] = makeUnits(
    Array.from({ length: UNIT_COUNT }, (_, i) => `tri-scale-${String(i + 1).padStart(2, '0')}`),
  );
  const processes = new Map<string, DashboardProcess>();
  const configs = new Map<string, string>();

  async function startProcess(instance: string): Promise<DashboardProcess> {
    const config = configs.get(instance) ?? '';
    const child = spawn(process.execPath, [CLI, 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        text = (text + chunk.toString()).slice(-20_000);
      });
    }
    const { port } = (JSON.parse(await readFile(config, 'utf8')) as { http: { port: number } }).http;
    const started: DashboardProcess = { instance, httpUrl: `http://127.0.0.1:${port}`, child, output: () => text };
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`dashboard ${instance} exited: ${text}`);
      return (await health(started).catch(() => undefined)) !== undefined;
    }, `dashboard ${instance} to answer`);
    processes.set(instance, started);
    return started;
  }

  function proc(instance: string): DashboardProcess {
    const p = processes.get(instance);
    if (!p) throw new Error(`no dashboard process ${instance}`);
    return p;
  }

  async function health(p: DashboardProcess) {
    const res = await fetch(`${p.httpUrl}/healthz`);
    if (res.status !== 200) throw new Error(`healthz ${res.status}`);
    return (await res.json()) as { ingest: { recordsInserted: number; recordsDuplicate: number } };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-scale-'));
    // Mosquitto drops to its own user when started as root: it must reach its files.
    await chmod(dir, 0o755);
    pg = await startTestPostgres();
    const url = await pg.createDatabase();
    const port = await freePort();
    mqttUrl = `mqtt://127.0.0.1:${port}`;
    const ingestPassword = randomBytes(18).toString('base64url');
    const base = {
      configVersion: 1,
      broker: { mode: 'external', url: mqttUrl, username: 'dashboard-ingest', password: ingestPassword },
      store: { engine: 'postgres', url },
      units: await Promise.all(
        units.map(async (u) => ({ id: u.id, name: u.name, secretHash: await hashSecret(u.password) })),
      ),
    };
    for (const instance of ['a', 'b']) {
      const file = join(dir, `dashboard-${instance}.json`);
      const http = { host: '127.0.0.1', port: await freePort(), cookieSecure: false };
      const ingest = { username: 'dashboard-ingest', shareGroup: 'dashboards', instance };
      await writeFile(file, JSON.stringify({ ...base, http, ingest }, null, 2));
      configs.set(instance, file);
    }
    const secrets = join(dir, 'secrets.json');
    await writeFile(secrets, JSON.stringify(Object.fromEntries(units.map((u) => [u.id, u.password]))));
    const broker = join(dir, 'mosquitto');
    const data = join(dir, 'mosquitto-data');
    await mkdir(data, { recursive: true });
    await chmod(data, 0o777);
    await run(process.execPath, [
      CLI,
      'mosquitto-config',
      ...['--config', configs.get('a') ?? '', '--out-dir', broker, '--port', String(port)],
      ...['--persistence-dir', data, '--secrets', secrets],
    ]);
    mosquitto = await runMosquitto(join(broker, 'mosquitto.conf'), port);
    await startProcess('a');
    await startProcess('b');
    store = await openStore({ engine: 'postgres', url });
  });

  afterAll(async () => {
    for (const p of processes.values()) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        await new Promise((resolve) => p.child.once('exit', resolve));
      }
    }
    await store?.close();
    await mosquitto?.stop();
    await pg?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Each unit connects with its own account and publishes `BATCHES` batches (QoS 1) of boot `bootId`. */
  async function ride(bootId: string, socPct = 80): Promise<void> {
    const clients: MqttClient[] = [];
    try {
      for (const u of units) {
        clients.push(
          await mqtt.connectAsync(mqttUrl, {
            clientId: u.id,
            username: u.id,
            password: u.password,
            reconnectPeriod: 0,
          }),
        );
      }
      await Promise.all(
        clients.map(async (client, i) => {
          const unitId = units[i]?.id ?? '';
          for (let b = 0; b < BATCHES; b++) {
            const records: TelemetryRecordV2[] = Array.from({ length: PER_BATCH }, (_, k) => {
              const seq = b * PER_BATCH + k;
              return { seq, ts: Date.now() - 60_000 + seq * 100, ...(seq === 0 ? { battery: battery(socPct) } : {}) };
            });
            await client.publishAsync(
              unitTopic(unitId, 'telemetry'),
              Buffer.from(encodeBatch({ v: 2, bootId, records })),
              {
                qos: 1,
              },
            );
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.endAsync()));
    }
  }

  const PER_RIDE = UNIT_COUNT * BATCHES * PER_BATCH;

  it('stores every record exactly once, split between the two processes', async () => {
    await ride('boot-scale-one');
    await until(async () => (await store.countRecords()) >= PER_RIDE, 'every record stored', 30_000);
    const counts = [(await health(proc('a'))).ingest, (await health(proc('b'))).ingest];
    // Each message went to one process: both had a share, and no record was offered twice.
    expect(counts.map((c) => c.recordsInserted > 0)).toEqual([true, true]);
    expect(counts.reduce((sum, c) => sum + c.recordsInserted, 0)).toBe(PER_RIDE);
    expect(counts.map((c) => c.recordsDuplicate)).toEqual([0, 0]);
    expect(await store.countRecords()).toBe(PER_RIDE);
  });

  it('pushes every unit’s changes and alerts to a live page on either process, whichever stored them', async () => {
    const users = new UserStore(store.db);
    const account = { username: 'coordination', password: randomBytes(12).toString('base64url') };
    await users.createUser({ ...account, role: 'coordinator' });
    const b = proc('b');
    const login = await fetch(`${b.httpUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const abort = new AbortController();
    const live = await fetch(`${b.httpUrl}/api/live`, { headers: { cookie }, signal: abort.signal });
    const reader = live.body?.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        text += new TextDecoder().decode(chunk.value);
      }
    })().catch(() => undefined);
    try {
      await until(() => text.includes('event: snapshot'), 'the snapshot');
      await ride('boot-scale-two', 6);
      // Units whose batches process a stored, and the critical battery the leader raised, reach b's page.
      await until(() => units.every((u) => text.includes(`"id":"${u.id}"`)), 'a unit event for every unit');
      await until(() => (text.match(/"kind":"low-battery"/g) ?? []).length >= UNIT_COUNT, 'the alerts, live');
      // One alert per unit, raised once (by the leading process) and never merged with a second raise.
      const rows = await store.db.all<{ unit_id: string; count: number }>(
        "SELECT unit_id, count FROM alerts WHERE kind = 'low-battery' ORDER BY unit_id",
      );
      expect(rows).toEqual(units.map((u) => ({ unit_id: u.id, count: 1 })));
    } finally {
      abort.abort();
      await reading;
    }
  });

  it('loses nothing when a process is killed mid-stream and started again', async () => {
    const a = proc('a');
    a.child.kill('SIGKILL');
    await new Promise((resolve) => a.child.once('exit', resolve));
    await ride('boot-scale-three');
    // Mosquitto keeps the killed process's share of the messages in its session until it comes back.
    await startProcess('a');
    await until(async () => (await store.countRecords()) >= 3 * PER_RIDE, 'every record of the third ride', 30_000);
    const rows = await store.db.all<{ n: number; distinct_seqs: number }>(
      `SELECT count(*) AS n, count(DISTINCT unit_id || ':' || boot_id || ':' || seq) AS distinct_seqs
       FROM telemetry_records`,
    );
    expect(rows).toEqual([{ n: 3 * PER_RIDE, distinct_seqs: 3 * PER_RIDE }]);
    const perUnit = await store.db.all<{ unit_id: string; n: number; last: number }>(
      `SELECT unit_id, count(*) AS n, max(seq) AS last FROM telemetry_records WHERE boot_id = 'boot-scale-three'
       GROUP BY unit_id ORDER BY unit_id`,
    );
    const perRide = BATCHES * PER_BATCH;
    expect(perUnit).toEqual(units.map((u) => ({ unit_id: u.id, n: perRide, last: perRide - 1 })));
  });
});

function battery(socPct: number): NonNullable<TelemetryRecordV2['battery']> {
  return {
    state: 'connected',
    socPct,
    voltageV: 48 + socPct / 10,
    currentA: -2,
    remainingAh: (20 * socPct) / 100,
    nominalAh: 20,
    cycles: 10,
    cellsV: [3.7, 3.7],
    temperaturesC: [20],
    protection: [],
    fets: { charge: true, discharge: true },
    full: true,
  };
}
