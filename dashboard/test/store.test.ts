import { beforeEach, describe, expect, it } from 'vitest';
import type { SqlFleetStore } from '../src/store/sql-store.js';
import { telemetry } from './helpers.js';
import { ENGINES, openTestStore } from './support/engines.js';

const UNITS = [
  { id: 'tri-01', name: 'Un' },
  { id: 'tri-02', name: 'Deux' },
];
const BOOT = 'boot-aaaa-0001';

describe.each(ENGINES)('the fleet store on %s', (engine) => {
  let store: SqlFleetStore;

  beforeEach(async () => {
    ({ store } = await openTestStore(engine));
    await store.upsertUnits(UNITS);
  });

  it('stores records and shows the latest battery values per unit', async () => {
    const result = await store.insertRecords('tri-01', BOOT, telemetry(BOOT, [1, 2, 3], 64).records, 5000);
    expect(result).toEqual({ inserted: 3, duplicates: 0, skipped: 0 });
    expect(await store.countRecords()).toBe(3);
    expect(await store.countRecords('tri-02')).toBe(0);
    const unit = await store.getUnit('tri-01');
    expect(unit).toMatchObject({ id: 'tri-01', name: 'Un', online: false, lastSeen: 5000 });
    expect(unit?.battery).toEqual({ ts: 1_700_000_003_000, socPct: 64, voltageV: 52.3, currentA: -4.5 });
    expect((await store.listUnits()).map((u) => u.id)).toEqual(['tri-02', 'tri-01']);
  });

  it('drops duplicates by (unit, boot, seq) and reports them', async () => {
    await store.insertRecords('tri-01', BOOT, telemetry(BOOT, [1, 2]).records, 1);
    const again = await store.insertRecords('tri-01', BOOT, telemetry(BOOT, [2, 3]).records, 2);
    expect(again).toEqual({ inserted: 1, duplicates: 1, skipped: 0 });
    const otherBoot = await store.insertRecords(
      'tri-01',
      'boot-bbbb-0002',
      telemetry('boot-bbbb-0002', [1]).records,
      3,
    );
    expect(otherBoot.inserted).toBe(1);
    const otherUnit = await store.insertRecords('tri-02', BOOT, telemetry(BOOT, [1]).records, 3);
    expect(otherUnit.inserted).toBe(1);
    expect(await store.countRecords()).toBe(5);
  });

  it('does not let an outbox replay roll back the latest values', async () => {
    await store.insertRecords('tri-01', BOOT, telemetry(BOOT, [10], 50).records, 1);
    await store.insertRecords('tri-01', BOOT, telemetry(BOOT, [4, 5], 90, true).records, 2);
    expect((await store.getUnit('tri-01'))?.battery?.socPct).toBe(50);
  });

  it('applies state, ignoring an old boot’s last will that arrives after the new boot', async () => {
    expect(await store.applyState('tri-01', { v: 1, state: 'online', bootId: 'boot-new-0002', ts: 9 }, 100)).toBe(true);
    const stale = { v: 1, state: 'offline', bootId: 'boot-old-0001', ts: 1 } as const;
    expect(await store.applyState('tri-01', stale, 101)).toBe(false);
    expect(await store.getUnit('tri-01')).toMatchObject({ online: true, bootId: 'boot-new-0002', lastSeen: 100 });
    const will = { v: 1, state: 'offline', bootId: 'boot-new-0002', ts: 9 } as const;
    expect(await store.applyState('tri-01', will, 200)).toBe(true);
    expect(await store.getUnit('tri-01')).toMatchObject({ online: false, lastSeen: 100 });
    expect(await store.applyState('tri-99', will, 200)).toBe(false);
  });

  it('lists only configured units and can mark them all offline', async () => {
    await store.applyState('tri-02', { v: 1, state: 'online', bootId: BOOT, ts: 1 }, 1);
    await store.markAllOffline();
    expect((await store.getUnit('tri-02'))?.online).toBe(false);
    await store.upsertUnits([{ id: 'tri-01', name: 'Un bis' }]);
    expect(await store.listUnits()).toHaveLength(1);
    expect((await store.getUnit('tri-01'))?.name).toBe('Un bis');
  });
});
