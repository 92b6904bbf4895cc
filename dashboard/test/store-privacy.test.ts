import type { TelemetryRecordV2 } from '@triporteur/edge/contract';
import { describe, expect, it } from 'vitest';
import { ENGINES, openTestStore } from './support/engines.js';

const UNIT = 'tri-01';
const BOOT = 'boot-pause-0001';
const T0 = Date.UTC(2026, 10, 22, 9);
const where = { lat: 45.7597, lon: 4.8422, speedKmh: 0, courseDeg: 10, altitudeM: 170 };

describe.each(ENGINES)('"pause location" on %s: nothing of where the tricycle is gets stored', (engine) => {
  it('stores no coordinates for a paused position, even from a unit that sent them, nor while the aux switch is on', async () => {
    const { store } = await openTestStore(engine);
    await store.upsertUnits([{ id: UNIT, name: 'Un' }]);
    const records: TelemetryRecordV2[] = [
      { seq: 0, ts: T0, position: { full: true, state: 'connected', fix: '3d', ...where, satellites: 9 } },
      // A unit whose software forgot to leave the coordinates out while paused.
      { seq: 1, ts: T0 + 1000, position: { fix: '3d', paused: true, ...where } },
      // The aux board's switch, in the same record as a position.
      { seq: 2, ts: T0 + 2000, aux: { pauseLocation: true }, position: { lat: 45.76, lon: 4.85 } },
    ];
    await store.insertRecordsV2(UNIT, BOOT, records, T0 + 3000);
    const stored = await store.positionsOf(UNIT, T0, T0 + 10_000);
    expect(stored.map((p) => [p.ts, 'lat' in p.position, 'lon' in p.position, p.position.paused])).toEqual([
      [T0, true, true, undefined],
      [T0 + 1000, false, false, true],
      [T0 + 2000, false, false, true],
    ]);
    const bodies = await store.db.all<{ body: string }>('SELECT body FROM positions WHERE seq > 0 ORDER BY seq');
    for (const { body } of bodies) expect(body).not.toMatch(/45\.7|4\.8/);
    // The unit's current state is paused, without the coordinates from before the pause.
    const state = await store.getUnitState(UNIT);
    expect(state?.state.position?.values).toMatchObject({ paused: true, fix: '3d' });
    expect(state?.state.position?.values.lat).toBeUndefined();
    expect(state?.state.position?.values.lon).toBeUndefined();
  });
});
