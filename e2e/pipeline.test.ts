import { type SimulatedTricycle, startSimulatedTricycle } from '@triporteur/edge';
import { startMosquitto } from '@triporteur/edge/testing';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeUnits, quietLogger, startTestDashboard, until } from './support/fleet.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Reads the dashboard's SQLite file from outside the dashboard, as a backup tool would. */
function readTable<T>(dbPath: string, sql: string, unitId: string): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(unitId) as T[];
  } finally {
    db.close();
  }
}

/** Every record the unit sent, whatever kinds it carried. */
const recordsOnDisk = (dbPath: string, unitId: string) =>
  readTable<{ seq: number }>(dbPath, 'SELECT seq FROM telemetry_records WHERE unit_id = ? ORDER BY seq', unitId);

/** The battery history the dashboard rebuilt from the records that carried battery changes. */
const batteryOnDisk = (dbPath: string, unitId: string) =>
  readTable<{ seq: number; soc: number }>(
    dbPath,
    'SELECT seq, soc FROM battery_records WHERE unit_id = ? ORDER BY seq',
    unitId,
  );

const spec = (unit: { id: string; password: string }) => ({
  unitId: unit.id,
  password: unit.password,
  initialSocPct: 80,
  timeScale: 600,
  sampleIntervalMs: 300,
  batchIntervalMs: 300,
});

async function checkPipeline(dashboard: Awaited<ReturnType<typeof startTestDashboard>>, tricycle: SimulatedTricycle) {
  expect(tricycle.link).toBe('pty'); // real ptys, not the in-memory fallback
  await until(async () => (await dashboard.store.countRecords(tricycle.unitId)) >= 3, 'three stored records');
  const unit = await dashboard.store.getUnit(tricycle.unitId);
  expect(unit?.online).toBe(true);
  expect(unit?.bootId).toBe(tricycle.app.bootId);
  expect(unit?.battery?.voltageV).toBeGreaterThan(40);

  const rows = recordsOnDisk(dashboard.dbPath, tricycle.unitId);
  expect(rows.length).toBeGreaterThanOrEqual(3);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i)); // in order, none missing, none doubled
  // The simulated pack discharges 600× faster than real time, so SOC must have fallen already.
  await until(() => {
    const now = batteryOnDisk(dashboard.dbPath, tricycle.unitId);
    return (now.at(-1)?.soc ?? 100) < (now[0]?.soc ?? 0);
  }, 'SOC falling in the stored history');

  await tricycle.stop();
  await until(async () => (await dashboard.store.getUnit(tricycle.unitId))?.online === false, 'offline after stop');
}

describe('pty → edge → broker → dashboard SQLite', () => {
  it('works through the embedded aedes broker', async () => {
    const [unit] = makeUnits(['tri-e2e-aedes']);
    if (!unit) throw new Error('no unit');
    const dashboard = await startTestDashboard([unit]);
    cleanups.push(() => dashboard.close());
    const tricycle = await startSimulatedTricycle(spec(unit), dashboard.mqttUrl, quietLogger);
    cleanups.push(() => tricycle.stop());
    await checkPipeline(dashboard, tricycle);
  });

  it('works through Debian mosquitto with a password file and ACL, the unit on MQTT 5', async () => {
    const [unit] = makeUnits(['tri-e2e-mosq']);
    if (!unit) throw new Error('no unit');
    const ingest = { username: 'dashboard-ingest', password: 'ingest-secret-for-test' };
    const mosquitto = await startMosquitto(
      { [unit.id]: unit.password, [ingest.username]: ingest.password },
      ingest.username,
    );
    cleanups.push(() => mosquitto.stop());
    const dashboard = await startTestDashboard([unit], { url: mosquitto.url, ...ingest });
    cleanups.push(() => dashboard.close());
    expect(dashboard.mqttUrl).toBe(mosquitto.url);
    const tricycle = await startSimulatedTricycle({ ...spec(unit), mqttProtocol: 5 }, mosquitto.url, quietLogger);
    cleanups.push(() => tricycle.stop());
    await checkPipeline(dashboard, tricycle);
  });
});
