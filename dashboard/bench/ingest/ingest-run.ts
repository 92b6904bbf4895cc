import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { DashboardConfig } from '../../src/config.js';
import { type RunningDashboard, startDashboard } from '../../src/dashboard.js';
import type { IngestStats } from '../../src/ingest/ingest.js';
import type { Publishers } from './publishers.js';

/**
 * Sustained ingest: the whole dashboard (startDashboard: ingest, store, fleet pipeline, alerts, HTTP) on
 * the external Mosquitto, fed the backlog by the publishers. Timed from the first publish to the moment
 * ingest has stored the last record (the transaction of its message committed); then the database itself
 * is counted.
 */

export interface IngestRun {
  engine: 'sqlite' | 'postgres';
  messages: number;
  records: number;
  elapsedMs: number;
  publishMs: number;
  failedPublishes: number;
  /** What the database holds afterwards. */
  storedRecords: number;
  unitsWithAll: number;
  unitsExpected: number;
  stats: IngestStats;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a dashboard and waits until ingest has applied every unit's retained online state. */
export async function startBenchDashboard(
  config: Readonly<DashboardConfig>,
  logger: Logger,
): Promise<RunningDashboard> {
  const dashboard = await startDashboard(config, { logger });
  try {
    const units = config.units.length;
    await until(
      'the retained states',
      () => {
        const s = dashboard.ingest.stats();
        return s.statesApplied + s.statesStale >= units;
      },
      60_000,
    );
    return dashboard;
  } catch (err) {
    await dashboard.close();
    throw err;
  }
}

export async function measureIngest(
  engine: IngestRun['engine'],
  dashboard: RunningDashboard,
  publishers: Publishers,
  expected: { messages: number; records: number; recordsPerUnit: number; units: number },
  timeoutMs = 150_000,
): Promise<IngestRun> {
  const base = dashboard.ingest.stats().recordsInserted;
  let storedAt = 0;
  let finished: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    finished = resolve;
  });
  // Fires after each telemetry message is stored.
  const off = dashboard.ingest.onChange(() => {
    if (storedAt === 0 && dashboard.ingest.stats().recordsInserted - base >= expected.records) {
      storedAt = performance.now();
      finished();
    }
  });
  try {
    const started = performance.now();
    const burst = publishers.burst();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const got = dashboard.ingest.stats().recordsInserted - base;
        reject(new Error(`${engine} ingest: ${got} of ${expected.records} records after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const [done] = await Promise.race([Promise.all([burst, all]), timeout]).finally(() => clearTimeout(timer));
    const elapsedMs = storedAt - started;
    // A moment for anything extra (a duplicate, a stray message) to show in the counters.
    await new Promise((r) => setTimeout(r, 300));
    const perUnit = await dashboard.store.db.all<{ unit_id: string; n: number }>(
      'SELECT unit_id, count(*) AS n FROM telemetry_records GROUP BY unit_id',
    );
    return {
      engine,
      messages: done.messages,
      records: done.records,
      elapsedMs,
      publishMs: done.publishMs,
      failedPublishes: done.failed,
      storedRecords: await dashboard.store.countRecords(),
      unitsWithAll: perUnit.filter((row) => Number(row.n) === expected.recordsPerUnit).length,
      unitsExpected: expected.units,
      stats: dashboard.ingest.stats(),
    };
  } finally {
    off();
  }
}
