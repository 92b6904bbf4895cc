import { beforeEach, describe, expect, it } from 'vitest';
import type { SqlValue } from '../src/store/sql/types.js';
import type { SqlFleetStore } from '../src/store/sql-store.js';
import { telemetry } from './helpers.js';
import { RIDE_BATTERY, RIDE_FINAL_STATE, RIDE_T0, rideBatch } from './records-v2.js';
import { ENGINES, openTestStore } from './support/engines.js';

const UNIT = 'tri-01';
const BOOT = 'boot-v2-0001';

interface BatteryRow {
  seq: number;
  soc: number;
  voltage: number;
  current: number;
}

describe.each(ENGINES)('the fleet store with payload-v2 records on %s', (engine) => {
  let store: SqlFleetStore;

  function query<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return store.db.all<T>(sql, params);
  }
  const batteryRows = (bootId = BOOT) =>
    query<BatteryRow>(
      'SELECT seq, soc, voltage, current FROM battery_records WHERE unit_id = $1 AND boot_id = $2 ORDER BY seq',
      UNIT,
      bootId,
    );
  const insert = (seqs: number[], bootId = BOOT, receivedAt = 1, historical = false) =>
    store.insertRecordsV2(UNIT, bootId, rideBatch(bootId, seqs, historical).records, receivedAt);

  beforeEach(async () => {
    ({ store } = await openTestStore(engine));
    await store.upsertUnits([
      { id: UNIT, name: 'Un' },
      { id: 'tri-02', name: 'Deux' },
    ]);
  });

  it('stores records in order, folds them, and rebuilds the battery rows and summary', async () => {
    expect(await insert([0, 1, 2])).toEqual({ inserted: 3, duplicates: 0, rebuilt: false, insertedSeqs: [0, 1, 2] });
    await insert([3, 4]);
    await insert([5, 6], BOOT, 77);
    expect(await store.getUnitState(UNIT)).toEqual({
      bootId: BOOT,
      lastSeq: 6,
      receivedAt: 77,
      state: RIDE_FINAL_STATE,
    });
    expect(await batteryRows()).toEqual(RIDE_BATTERY);
    const versions = await query<{ v: number }>('SELECT DISTINCT payload_version AS v FROM battery_records');
    expect(versions).toEqual([{ v: 2 }]);
    expect((await store.getUnit(UNIT))?.battery).toEqual({
      ts: RIDE_T0 + 60_000,
      socPct: 79,
      voltageV: 51.5,
      currentA: 0,
    });
    expect((await store.getUnit(UNIT))?.lastSeen).toBe(77);
    // Seven records, not seven plus the six battery rows rebuilt from them.
    expect(await store.countRecords()).toBe(7);
    expect(await store.countRecords(UNIT)).toBe(7);
    expect(await store.countRecords('tri-02')).toBe(0);
  });

  it('drops duplicates by (unit, boot, seq) and counts them', async () => {
    await insert([0, 1, 2]);
    expect(await insert([1, 2, 3])).toEqual({ inserted: 1, duplicates: 2, rebuilt: false, insertedSeqs: [3] });
    expect(await insert([0, 1, 2, 3])).toEqual({ inserted: 0, duplicates: 4, rebuilt: false, insertedSeqs: [] });
    expect(await store.countRecords()).toBe(4);
    expect((await store.getUnitState(UNIT))?.lastSeq).toBe(3);
  });

  it('folds the boot again when a late record fills a gap, as if it had come in order', async () => {
    await insert([0, 1, 2]);
    await insert([4]);
    // Without seq 3 (soc 79), row 4 and the summary still show soc 80.
    expect((await batteryRows()).at(-1)).toEqual({ seq: 4, soc: 80, voltage: 51.8, current: -12 });
    expect((await store.getUnit(UNIT))?.battery?.socPct).toBe(80);

    expect(await insert([3])).toEqual({ inserted: 1, duplicates: 0, rebuilt: true, insertedSeqs: [3] });
    expect(await batteryRows()).toEqual(RIDE_BATTERY.filter((r) => r.seq <= 4));
    // The summary stays on seq 4 (a live late record does not roll it back) and now has seq 3's soc.
    expect((await store.getUnit(UNIT))?.battery).toEqual({
      ts: RIDE_T0 + 40_000,
      socPct: 79,
      voltageV: 51.8,
      currentA: -12,
    });
    await insert([5, 6]);
    expect(await store.getUnitState(UNIT)).toMatchObject({ lastSeq: 6, state: RIDE_FINAL_STATE });
    expect(await batteryRows()).toEqual(RIDE_BATTERY);
  });

  it('writes no battery row until the boot has sent battery in full, then every one it owes', async () => {
    await insert([1, 2]);
    expect(await batteryRows()).toEqual([]);
    expect((await store.getUnit(UNIT))?.battery).toBeNull();
    expect((await store.getUnitState(UNIT))?.state.battery).toEqual({
      values: { voltageV: 51.8, currentA: -9.5 },
      complete: false,
      updatedAt: RIDE_T0 + 10_000,
    });
    expect((await insert([0])).rebuilt).toBe(true);
    expect(await batteryRows()).toEqual(RIDE_BATTERY.filter((r) => r.seq <= 2));
    expect((await store.getUnit(UNIT))?.battery).toMatchObject({ socPct: 80, voltageV: 51.8, currentA: -9.5 });
  });

  it('ends in the in-order result whatever order the batches arrive in', async () => {
    const batches = [[0, 1], [2, 3], [4], [5, 6]];
    const orders = permutations(batches.map((_, i) => i));
    expect(orders).toHaveLength(24);
    for (const [n, order] of orders.entries()) {
      const bootId = `boot-order-${String(n).padStart(2, '0')}`;
      for (const i of order) await insert(batches[i] ?? [], bootId);
      expect({ order, rows: await batteryRows(bootId) }).toEqual({ order, rows: RIDE_BATTERY });
      const held = (await query<{ state: string }>('SELECT state FROM boot_states WHERE boot_id = $1', bootId))[0];
      expect({ order, state: JSON.parse(held?.state ?? 'null') }).toEqual({ order, state: RIDE_FINAL_STATE });
    }
    expect(await store.countRecords()).toBe(24 * 7);
  });

  it('stores the historical flag on the record and on its battery row', async () => {
    await insert([0, 1], BOOT, 1, true);
    await insert([2, 3]);
    const records = await query<{ seq: number; historical: number }>(
      'SELECT seq, historical FROM telemetry_records ORDER BY seq',
    );
    expect(records).toEqual([
      { seq: 0, historical: 1 },
      { seq: 1, historical: 1 },
      { seq: 2, historical: 0 },
      { seq: 3, historical: 0 },
    ]);
    const rows = await query<{ seq: number; historical: number }>(
      'SELECT seq, historical FROM battery_records ORDER BY seq',
    );
    expect(rows).toEqual([
      { seq: 0, historical: 1 },
      { seq: 1, historical: 1 },
      { seq: 3, historical: 0 },
    ]);
    const body = (await query<{ body: string }>('SELECT body FROM telemetry_records WHERE seq = 2'))[0]?.body;
    expect(JSON.parse(body ?? 'null')).toEqual({ system: { cpuTempC: 53 } });
  });

  it('reports the state of the boot the unit announced, else of the boot heard from last', async () => {
    expect(await store.getUnitState(UNIT)).toBeUndefined();
    expect(await store.getUnitState('tri-99')).toBeUndefined();
    await insert([0, 1], 'boot-old-0001', 10);
    await insert([0], 'boot-new-0002', 20);
    await insert([2, 3], 'boot-old-0001', 30); // the outbox replays the old boot after the new one started
    expect((await store.getUnitState(UNIT))?.bootId).toBe('boot-new-0002');
    await store.applyState(UNIT, { v: 1, state: 'online', bootId: 'boot-old-0001', ts: 1 }, 40);
    expect(await store.getUnitState(UNIT)).toMatchObject({ bootId: 'boot-old-0001', lastSeq: 3, receivedAt: 30 });
    await store.upsertUnits([{ id: 'tri-02', name: 'Deux' }]);
    expect(await store.getUnitState(UNIT)).toBeUndefined(); // no longer configured
  });

  it('counts v1 and v2 records together, each once', async () => {
    await store.insertRecords(UNIT, 'boot-v1-0001', telemetry('boot-v1-0001', [1, 2, 3]).records, 1);
    await insert([0, 1, 3]);
    await store.insertRecords('tri-02', 'boot-v1-0002', telemetry('boot-v1-0002', [1]).records, 1);
    expect(await store.countRecords(UNIT)).toBe(6);
    expect(await store.countRecords()).toBe(7);
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
