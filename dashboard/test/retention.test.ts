import { describe, expect, it } from 'vitest';
import { RetentionConfigSchema } from '../src/config.js';
import { purgeExpired } from '../src/store/retention.js';
import { rideBatch } from './records-v2.js';
import { ENGINES, openTestStore } from './support/engines.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22);
const UNIT = 'tri-01';
const RETENTION = { rawDays: 180, positionDays: 61, aggregateDays: 1830 };

describe.each(ENGINES)('retention per data class on %s', (engine) => {
  it('defaults to two months of positions, six of raw telemetry, five years of aggregates', () => {
    expect(RetentionConfigSchema.properties.positionDays.default).toBe(61);
    expect(RetentionConfigSchema.properties.rawDays.default).toBe(180);
    expect(RetentionConfigSchema.properties.aggregateDays.default).toBe(1830);
  });

  it('drops positions after their lifetime while the rest of the record stays, then the rest after its own', async () => {
    const { store } = await openTestStore(engine);
    await store.upsertUnits([{ id: UNIT, name: 'Un' }]);
    // Three boots: 200 days old (past raw), 100 days old (past positions only), 10 days old (kept).
    for (const [bootId, ageDays] of [
      ['boot-old-00001', 200],
      ['boot-mid-00001', 100],
      ['boot-new-00001', 10],
    ] as const) {
      const batch = rideBatch(bootId, [0, 1, 2, 3, 4, 5, 6]);
      const t0 = NOW - ageDays * DAY;
      const records = batch.records.map((r, i) => ({ ...r, ts: t0 + i * 1000 }));
      await store.insertRecordsV2(UNIT, bootId, records, t0 + 10_000);
    }
    const count = async (table: string) =>
      (await store.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? -1;
    const positionsBefore = await count('positions');
    expect(positionsBefore).toBeGreaterThan(0);

    const report = await purgeExpired(store.db, RETENTION, NOW);
    expect(report.deleted.telemetry_records).toBe(7);
    expect(report.deleted.positions).toBe((positionsBefore / 3) * 2);
    expect(await count('telemetry_records')).toBe(14);
    expect(await count('positions')).toBe(positionsBefore / 3);
    // The 100-day-old boot keeps its records and battery history, but its fold has no position left.
    const states = await store.db.all<{ boot_id: string; state: string }>(
      'SELECT boot_id, state FROM boot_states ORDER BY boot_id',
    );
    expect(states.map((s) => [s.boot_id, 'position' in JSON.parse(s.state)])).toEqual([
      ['boot-mid-00001', false],
      ['boot-new-00001', true],
    ]);
    expect(report.positionsStripped).toBe(1);
    // Idempotent: a second pass finds nothing more.
    const again = await purgeExpired(store.db, RETENTION, NOW);
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
    expect(again.positionsStripped).toBe(0);
  });
});
