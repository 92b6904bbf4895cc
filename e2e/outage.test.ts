import { startSimulatedTricycle } from '@triporteur/edge';
import { startMosquitto } from '@triporteur/edge/testing';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeUnits, quietLogger, startTestDashboard, until } from './support/fleet.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function stored(dbPath: string, unitId: string): Array<{ boot: string; seq: number; historical: number }> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT boot_id AS boot, seq, historical FROM telemetry_records WHERE unit_id = ? ORDER BY seq')
      .all(unitId) as Array<{ boot: string; seq: number; historical: number }>;
  } finally {
    db.close();
  }
}

describe('a broker outage while records keep coming', () => {
  it('delivers every record to the dashboard store exactly once after Mosquitto comes back', async () => {
    const [unit] = makeUnits(['tri-outage']);
    if (!unit) throw new Error('no unit');
    const ingest = { username: 'dashboard-ingest', password: 'ingest-secret-for-test' };
    const mosquitto = await startMosquitto(
      { [unit.id]: unit.password, [ingest.username]: ingest.password },
      ingest.username,
    );
    cleanups.push(() => mosquitto.stop());
    const dashboard = await startTestDashboard([unit], { url: mosquitto.url, ...ingest });
    cleanups.push(() => dashboard.close());
    // A record every 300 ms: the outage below holds as many records as a few minutes of a real unit's 10-s ones.
    const tricycle = await startSimulatedTricycle(
      {
        unitId: unit.id,
        password: unit.password,
        initialSocPct: 80,
        timeScale: 60,
        sampleIntervalMs: 300,
        batchIntervalMs: 300,
        // MQTT 5: the session must outlive the disconnect (session expiry), or queued commands would be lost.
        mqttProtocol: 5,
      },
      mosquitto.url,
      quietLogger,
    );
    cleanups.push(() => tricycle.stop());
    await until(async () => (await dashboard.store.countRecords(unit.id)) >= 3, 'records before the outage');

    await mosquitto.kill();
    await until(() => tricycle.app.status().pendingRecords >= 15, 'records piling up in the outbox', 30_000);
    await mosquitto.restart();

    await until(() => tricycle.app.status().uplink === 'online', 'edge back online', 30_000);
    const produced = () => tricycle.app.status().publishedRecords + tricycle.app.status().pendingRecords;
    await until(() => tricycle.app.status().pendingRecords === 0, 'outbox drained', 30_000);
    const total = produced();
    await until(() => stored(dashboard.dbPath, unit.id).length >= total, 'every record stored', 30_000);

    const rows = stored(dashboard.dbPath, unit.id);
    const seqs = rows.map((r) => r.seq);
    expect(new Set(rows.map((r) => r.boot))).toEqual(new Set([tricycle.app.bootId]));
    // Exactly once: 0, 1, 2, … with no gap and no duplicate, outage or not.
    expect(seqs.slice(0, total)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(new Set(seqs).size).toBe(seqs.length);
    // What waited in the outbox during the outage came back flagged as historical.
    expect(rows.filter((r) => r.historical === 1).length).toBeGreaterThanOrEqual(15);
  });
});
