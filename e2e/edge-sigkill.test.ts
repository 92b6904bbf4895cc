import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPtyPair, JbdSimulator, openSerialTransport } from '@triporteur/firmware-bridge';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeUnits, startTestDashboard, until } from './support/fleet.js';

// The compiled edge CLI, as systemd runs it; `npm test` builds it first.
const EDGE = join(import.meta.dirname, '..', 'edge', 'dist', 'src', 'main.js');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function rowsByBoot(dbPath: string, unitId: string): Map<string, number[]> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT boot_id AS boot, seq FROM telemetry_records WHERE unit_id = ? ORDER BY boot_id, seq')
      .all(unitId) as Array<{ boot: string; seq: number }>;
    const byBoot = new Map<string, number[]>();
    for (const { boot, seq } of rows) byBoot.set(boot, [...(byBoot.get(boot) ?? []), seq]);
    return byBoot;
  } finally {
    db.close();
  }
}

function outboxDepth(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the edge process killed with SIGKILL again and again', () => {
  it('loses nothing and duplicates nothing', async () => {
    const [unit] = makeUnits(['tri-sigkill']);
    if (!unit) throw new Error('no unit');
    const dashboard = await startTestDashboard([unit]);
    cleanups.push(() => dashboard.close());
    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const bms = await openSerialTransport({ path: pty.a, baudRate: 9600 });
    cleanups.push(() => bms.close());
    const simulator = new JbdSimulator({ transport: bms, timeScale: 60 });
    simulator.start();
    cleanups.push(async () => simulator.stop());

    const dir = await mkdtemp(join(tmpdir(), 'edge-sigkill-'));
    const outbox = join(dir, 'outbox.db');
    const configFile = join(dir, 'edge.json');
    await writeFile(
      configFile,
      JSON.stringify({
        configVersion: 1,
        unitId: unit.id,
        bms: { type: 'jbd', path: pty.b, pollIntervalMs: 200, responseTimeoutMs: 150 },
        mqtt: { url: dashboard.mqttUrl, username: unit.id, password: unit.password, reconnectMs: 500 },
        telemetry: { sampleIntervalMs: 300, batchIntervalMs: 300 },
        outbox: { path: outbox },
      }),
    );
    const start = (): ChildProcess =>
      spawn(process.execPath, [EDGE, 'run', '--config', configFile], {
        stdio: 'ignore',
        env: { ...process.env, LOG_LEVEL: 'silent' },
      });
    const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

    // Kill points spread over start-up, the first samples, and steady publishing.
    const lifetimesMs = [500, 1300, 700, 1600, 450, 900, 1100, 650];
    const kills = lifetimesMs.length;
    for (const lifetime of lifetimesMs) {
      const child = start();
      await new Promise((resolve) => setTimeout(resolve, lifetime));
      const gone = exited(child);
      child.kill('SIGKILL');
      await gone;
    }
    // One last run, stopped properly once its outbox is empty.
    const last = start();
    await until(
      () => outboxDepth(outbox) === 0 && rowsByBoot(dashboard.dbPath, unit.id).size >= 2,
      'outbox drained',
      30_000,
    );
    const done = exited(last);
    last.kill('SIGTERM');
    await done;
    await until(() => outboxDepth(outbox) === 0, 'outbox empty after a clean stop', 10_000);

    const byBoot = rowsByBoot(dashboard.dbPath, unit.id);
    // Each run is a boot; runs killed before their first sample may leave no record at all.
    expect(byBoot.size).toBeGreaterThanOrEqual(kills / 2);
    for (const [boot, seqs] of byBoot) {
      // No gap and no duplicate inside a boot: every record a run stored reached the dashboard once.
      expect({ boot, seqs }).toEqual({ boot, seqs: seqs.map((_, i) => i) });
    }
    expect(dashboard.ingest.stats().recordsInserted).toBe([...byBoot.values()].reduce((n, s) => n + s.length, 0));
  }, 120_000);
});
