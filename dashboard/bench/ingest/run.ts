import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineFacts } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import type { RunningDashboard } from '../../src/dashboard.js';
import { startTestPostgres, type TestPostgres } from '../../src/testing/postgres.js';
import { type IngestRun, measureIngest, startBenchDashboard } from './ingest-run.js';
import { summarize } from './percentiles.js';
import { Publishers } from './publishers.js';
import { measureRelay, type RelayRun } from './relay.js';
import { type BenchFigures, latencyTable, perSecond, problems, targets, throughputTable } from './report.js';
import { type BenchFleet, startBenchFleet } from './setup.js';

/**
 * `npm run bench` (after the uplink bench): the dashboard's ingest against the broker's own relay rate,
 * into SQLite and into PostgreSQL, and publish-to-API latency at 1,000 units reporting every 10 s.
 * Prints the tables, writes bench/results/dashboard-ingest.json, exits non-zero when a target is missed
 * or a count does not add up. Method and provenance: bench/README.md.
 */

const { values: opts } = parseArgs({
  options: {
    units: { type: 'string', default: '1000' },
    batches: { type: 'string', default: '5' },
    records: { type: 'string', default: '30' },
    'relay-runs': { type: 'string', default: '3' },
    'relay-repeat': { type: 'string', default: '8' },
    'period-s': { type: 'string', default: '10' },
    'warmup-s': { type: 'string', default: '10' },
    'measure-s': { type: 'string', default: '40' },
    'no-out': { type: 'boolean', default: false },
  },
});
const int = (name: keyof typeof opts) => {
  const value = Number(opts[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const UNITS = int('units');
const BATCHES = int('batches');
const RECORDS = int('records');
const RELAY_RUNS = int('relay-runs');
const RELAY_REPEAT = int('relay-repeat');
const PERIOD_MS = int('period-s') * 1000;
const WARMUP_MS = int('warmup-s') * 1000;
const MEASURE_MS = int('measure-s') * 1000;
const SEED = 20251201;

const progress = (line: string) => process.stderr.write(`ingest bench: ${line}\n`);
// Warnings and errors only, to stderr: the tables on stdout stay readable and info lines cost nothing.
const logger = pino({ level: 'warn', base: { service: 'dashboard-ingest-bench' } }, pino.destination(2));

function mosquittoVersion(): string {
  try {
    return execFileSync('mosquitto', ['-h'], { encoding: 'utf8' }).split('\n')[0] ?? 'unknown';
  } catch (err) {
    // `mosquitto -h` prints its usage and exits 3.
    return ((err as { stdout?: string }).stdout ?? '').split('\n')[0] || 'unknown';
  }
}

function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'bench', 'README.md'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`ingest bench: no bench/README.md above ${from}`);
    dir = up;
  }
  return dir;
}

const versions: Record<string, string> = { mosquitto: mosquittoVersion(), node: process.versions.node };
let fleet: BenchFleet | undefined;
let postgres: TestPostgres | undefined;
let publishers: Publishers | undefined;
let dashboard: RunningDashboard | undefined;

async function engineVersion(d: RunningDashboard, engine: 'sqlite' | 'postgres'): Promise<string> {
  const sql = engine === 'sqlite' ? 'SELECT sqlite_version() AS v' : 'SELECT version() AS v';
  const row = await d.store.db.get<{ v: string }>(sql);
  return engine === 'sqlite' ? `SQLite ${row?.v}` : (row?.v.split(' on ')[0] ?? 'unknown');
}

async function login(d: RunningDashboard): Promise<string> {
  const account = { username: 'bench-coordination', password: 'mot-de-passe-du-banc-de-mesure' };
  await d.users.createUser({ ...account, role: 'coordinator' });
  const res = await fetch(`${d.httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (!cookie) throw new Error('login set no session cookie');
  return cookie;
}

async function run(): Promise<BenchFigures> {
  const startedAt = Date.now();
  progress(
    `${UNITS} units, ${BATCHES} batches of ${RECORDS} records each; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(2)}`,
  );
  [fleet, postgres] = await Promise.all([startBenchFleet(UNITS, progress), startTestPostgres()]);
  publishers = Publishers.start();
  const connected = await publishers.connect({
    url: fleet.mqttUrl,
    units: fleet.units,
    seed: SEED,
    batchesPerUnit: BATCHES,
    recordsPerBatch: RECORDS,
    backlogEndTs: Date.now(),
  });
  progress(
    `backlog: ${connected.messagesPerBurst} messages, ${connected.recordsPerBurst} records, ` +
      `${Math.round(connected.payloadBytesPerBurst / connected.messagesPerBurst)} B a message`,
  );
  const expected = { messages: connected.messagesPerBurst, records: connected.recordsPerBurst };

  const relayRuns: RelayRun[] = [];
  for (let i = 0; i < RELAY_RUNS; i++) {
    const relay = await measureRelay(fleet.mqttUrl, fleet.ingest, publishers, {
      messages: expected.messages * RELAY_REPEAT,
      recordsPerMessage: RECORDS,
      repeat: RELAY_REPEAT,
    });
    relayRuns.push(relay);
    progress(
      `relay run ${i + 1}: ${perSecond(relay.records, relay.elapsedMs)} records/s in ${Math.round(relay.elapsedMs)} ms`,
    );
  }

  const ingest: IngestRun[] = [];
  const want = { ...expected, recordsPerUnit: BATCHES * RECORDS, units: UNITS };
  const pgUrl = await postgres.createDatabase('bench_ingest');
  dashboard = await startBenchDashboard(fleet.config({ engine: 'postgres', url: pgUrl }), logger);
  versions.postgres = await engineVersion(dashboard, 'postgres');
  progress('PostgreSQL dashboard up; burst');
  ingest.push(await measureIngest('postgres', dashboard, publishers, want));
  progress(`PostgreSQL: ${perSecond(ingest[0]?.records ?? 0, ingest[0]?.elapsedMs ?? 0)} records/s`);
  await dashboard.close();
  dashboard = undefined;
  await postgres.close();
  postgres = undefined;

  dashboard = await startBenchDashboard(fleet.config({ engine: 'sqlite', path: join(fleet.dir, 'fleet.db') }), logger);
  versions.sqlite = await engineVersion(dashboard, 'sqlite');
  progress('SQLite dashboard up; burst');
  const sqlite = await measureIngest('sqlite', dashboard, publishers, want);
  ingest.push(sqlite);
  progress(`SQLite: ${perSecond(sqlite.records, sqlite.elapsedMs)} records/s`);

  progress(
    `latency: ${UNITS} units every ${PERIOD_MS / 1000} s, ${WARMUP_MS / 1000} s warm-up, ${MEASURE_MS / 1000} s measured`,
  );
  const cookie = await login(dashboard);
  const paced = await publishers.paced({
    liveUrl: `${dashboard.httpUrl}/api/live`,
    cookie,
    periodMs: PERIOD_MS,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    settleMs: 5000,
  });
  const summary = summarize(paced.latenciesMs);
  progress(`latency: p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms over ${summary.samples} samples`);
  progress(`done in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  return {
    relayRuns,
    ingest,
    latency: {
      units: UNITS,
      periodMs: PERIOD_MS,
      measureMs: MEASURE_MS,
      summary,
      publishedMeasured: paced.publishedMeasured,
      missing: paced.missing,
      unmatchedEvents: paced.unmatchedEvents,
      failedPublishes: paced.failed,
      maxScheduleLagMs: paced.maxScheduleLagMs,
    },
  };
}

async function closeAll(): Promise<void> {
  await publishers?.close();
  await dashboard?.close().catch((err: unknown) => progress(`dashboard close: ${(err as Error).message}`));
  await postgres?.close().catch(() => undefined);
  await fleet?.close().catch(() => undefined);
}

let figures: BenchFigures;
try {
  figures = await run();
} catch (err) {
  process.stderr.write(`\ningest bench FAILED: ${(err as Error).stack ?? String(err)}\n`);
  await closeAll();
  process.exit(1);
}
await closeAll();

const goals = targets(figures);
const failed = [
  ...problems(figures),
  ...goals.filter((g) => !g.pass).map((g) => `target missed: ${g.name} (${g.value})`),
];
const out = process.stdout;
out.write(
  `dashboard ingest: ${UNITS} units, v2 batches of ${RECORDS} records; ${versions.mosquitto}, ${versions.postgres}, ` +
    `${versions.sqlite}, Node ${versions.node}\n\n`,
);
out.write(`${throughputTable(figures)}\n`);
out.write(
  `relay: the backlog ${RELAY_REPEAT} times over in each run, so it lasts long enough to time; ingest: the backlog once.\n\n`,
);
out.write(`${latencyTable(figures)}\n\n`);
for (const goal of goals) out.write(`target ${goal.name}: ${goal.value} → ${goal.pass ? 'met' : 'MISSED'}\n`);

if (!opts['no-out']) {
  const relay = figures.relayRuns;
  const report = {
    bench: 'dashboard-ingest',
    date: new Date().toISOString(),
    node: process.versions.node,
    machine: {
      ...machineFacts(),
      loadAtEnd: loadavg()[0],
    },
    versions,
    method: {
      units: UNITS,
      batchesPerUnit: BATCHES,
      recordsPerBatch: RECORDS,
      seed: SEED,
      relay:
        'same publishers and backlog → Mosquitto → one mqtt.js QoS 1 subscriber (ingest account, same filters) that only acknowledges; best of the runs',
      ingest:
        'startDashboard on the external Mosquitto; first publish → last record stored (ingest counter), then the database counted',
      latency: `one record per unit every ${PERIOD_MS / 1000} s, staggered; publish → matching \`unit\` event on /api/live (SSE), measured in the publishers' process after ${WARMUP_MS / 1000} s of warm-up`,
      postgres: "throw-away cluster from startTestPostgres: fsync off, full_page_writes off (the tests' server)",
    },
    relay: {
      runs: relay.map((r) => ({
        ...r,
        elapsedMs: Math.round(r.elapsedMs),
        recordsPerS: perSecond(r.records, r.elapsedMs),
        messagesPerS: perSecond(r.messages, r.elapsedMs),
      })),
    },
    ingest: figures.ingest.map((r) => ({
      ...r,
      elapsedMs: Math.round(r.elapsedMs),
      recordsPerS: perSecond(r.records, r.elapsedMs),
      messagesPerS: perSecond(r.messages, r.elapsedMs),
    })),
    latency: figures.latency,
    targets: goals,
    problems: failed,
    pass: failed.length === 0,
  };
  const outDir = process.env.BENCH_OUT ?? join(repoRoot(import.meta.dirname), 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, 'dashboard-ingest.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  out.write(`\nwritten to ${file}\n`);
}
if (failed.length > 0) {
  process.stderr.write(`\ndashboard ingest bench FAILED:\n${failed.map((p) => `  ${p}`).join('\n')}\n`);
  process.exitCode = 1;
}
