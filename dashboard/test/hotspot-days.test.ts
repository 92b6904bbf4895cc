import type { TelemetryRecordV2 } from '@triporteur/edge/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../src/alerts/alert-store.js';
import { AlertEngine } from '../src/alerts/alerts.js';
import { DEFAULT_ALERTS_CONFIG } from '../src/alerts/config.js';
import { signalsOf } from '../src/bus/from-ingest.js';
import { LocalBus } from '../src/bus/local-bus.js';
import { fleetConfig } from '../src/fleet/config.js';
import { FleetHistoryStore } from '../src/fleet/fleet-store.js';
import { FleetTracker } from '../src/fleet/fleet-tracker.js';
import { PresenceTracker } from '../src/fleet/presence.js';
import { FleetPipeline } from '../src/pipeline/fleet-pipeline.js';
import { HotspotDayBatch, HotspotDayStore } from '../src/reports/hotspot-days.js';
import { ALL_MIGRATIONS } from '../src/store/schema.js';
import { SqlFleetStore } from '../src/store/sql-store.js';
import { captureLogger } from './helpers.js';
import { ENGINES, openTestDb, UNIT_CLOCKS_TRUSTED } from './support/engines.js';

const PARIS = 'Europe/Paris';
const HOUR = 3_600_000;
/** Local midnight in Paris that begins 15 January 2025 (UTC+1 in winter). */
const D15 = Date.UTC(2025, 0, 14, 23);

const tally = (responses: number, admin: number) => ({
  responses,
  answers: { reason: { admin, job: responses - admin }, autonomy: { alone: responses }, access: {} },
});

describe('HotspotDayBatch', () => {
  it('files each record’s counters under its local day, keeping the highest', () => {
    const batch = new HotspotDayBatch('tri-01', PARIS);
    batch.add({ ts: D15 - HOUR / 2, hotspot: { sessionsToday: 40, distinctDevicesToday: 30 } });
    batch.add({ ts: D15 + HOUR, hotspot: { sessionsToday: 4, distinctDevicesToday: 3 } });
    batch.add({ ts: D15 + 2 * HOUR, hotspot: { sessionsToday: 2 } });
    batch.add({ ts: D15 + 3 * HOUR, hotspot: { sessionsNow: 5 } });
    batch.add({ ts: D15 + 4 * HOUR, battery: { socPct: 50 } } as { ts: number });
    expect(batch.rows).toEqual([
      { unitId: 'tri-01', day: '2025-01-14', dayStart: D15 - 24 * HOUR, sessions: 40, devices: 30 },
      { unitId: 'tri-01', day: '2025-01-15', dayStart: D15, sessions: 4, devices: 3 },
    ]);
  });

  it('keeps the questionnaire tally with the most responses, and drops one of the wrong shape', () => {
    const batch = new HotspotDayBatch('tri-01', PARIS);
    batch.add({ ts: D15 + HOUR, hotspot: { questionnaireToday: tally(3, 1) } });
    batch.add({ ts: D15 + 2 * HOUR, hotspot: { questionnaireToday: tally(2, 2) } });
    batch.add({ ts: D15 + 3 * HOUR, hotspot: { questionnaireToday: { responses: 9, answers: { reason: {} } } } });
    const hostile = JSON.parse(
      '{"responses": 9, "answers": {"reason": {"__proto__": 9}, "autonomy": {}, "access": {}}}',
    );
    batch.add({ ts: D15 + 4 * HOUR, hotspot: { questionnaireToday: hostile } });
    batch.add({ ts: D15 + 5 * HOUR, hotspot: { questionnaireToday: { ...tally(1, 1), responses: 1e12 } } });
    expect(batch.rows).toEqual([
      { unitId: 'tri-01', day: '2025-01-15', dayStart: D15, sessions: 0, devices: 0, questionnaire: tally(3, 1) },
    ]);
  });
});

describe.each(ENGINES)('HotspotDayStore and the pipeline feeding it (%s)', (engine) => {
  let days: HotspotDayStore;
  let store: SqlFleetStore;

  beforeAll(async () => {
    const { db, location } = await openTestDb(engine, ALL_MIGRATIONS);
    days = new HotspotDayStore(db);
    store = new SqlFleetStore(db, { where: location, clock: UNIT_CLOCKS_TRUSTED });
  });

  it('only ever raises a day’s counters, and keeps the fuller questionnaire', async () => {
    const day = { unitId: 'tri-01', day: '2025-01-15', dayStart: D15 };
    await days.record([{ ...day, sessions: 7, devices: 5, questionnaire: tally(3, 1) }]);
    // A replayed morning record: lower counters, a smaller tally.
    await days.record([{ ...day, sessions: 3, devices: 6, questionnaire: tally(1, 1) }]);
    await days.record([{ ...day, sessions: 2, devices: 1 }]);
    await days.record([{ unitId: 'tri-02', day: '2025-01-16', dayStart: D15 + 24 * HOUR, sessions: 1, devices: 1 }]);
    expect(await days.between('2025-01-15', '2025-01-15')).toEqual([
      { ...day, sessions: 7, devices: 6, questionnaire: tally(3, 1) },
    ]);
    await days.record([{ ...day, sessions: 8, devices: 6, questionnaire: tally(4, 4) }]);
    const both = await days.between('2025-01-01', '2025-01-31');
    expect(both).toEqual([
      { ...day, sessions: 8, devices: 6, questionnaire: tally(4, 4) },
      { unitId: 'tri-02', day: '2025-01-16', dayStart: D15 + 24 * HOUR, sessions: 1, devices: 1 },
    ]);
    expect(await days.between('2025-01-17', '2025-12-31')).toEqual([]);
  });

  it('is fed by the fleet pipeline from the records it folds, across midnight and a replay', async () => {
    const { logger } = captureLogger();
    const unit = 'tri-pipe';
    const boot = `boot-${engine}-hotspot`;
    await store.upsertUnits([{ id: unit, name: 'Pipeline' }]);
    const bus = new LocalBus(logger);
    const config = fleetConfig();
    const clock = { now: D15 };
    const pipeline = new FleetPipeline({
      bus,
      records: store,
      onlineUnits: async () => [],
      unitIds: [unit],
      presence: new PresenceTracker(config.offlineGraceS * 1000),
      tracker: new FleetTracker(config, []),
      derived: new FleetHistoryStore(store.db),
      alerts: new AlertEngine({ store: new AlertStore(store.db), config: DEFAULT_ALERTS_CONFIG, log: logger }),
      hotspotDays: days,
      timeZone: PARIS,
      logger,
      now: () => clock.now,
      tickMs: 60_000,
    });
    const deliver = async (records: TelemetryRecordV2[]) => {
      const receivedAt = (records.at(-1)?.ts ?? 0) + 1000;
      clock.now = Math.max(clock.now, receivedAt);
      const outcome = await store.insertRecordsV2(unit, boot, records, receivedAt);
      const notice = { kind: 'records', unitId: unit, bootId: boot, records, receivedAt } as const;
      for (const signal of signalsOf({ ...notice, seqs: outcome.insertedSeqs })) await bus.publish(signal);
      await new Promise((resolve) => setTimeout(resolve, 0));
      await pipeline.idle();
    };
    const hotspot = (sessionsToday: number, distinctDevicesToday: number, extra: object = {}) =>
      ({ sessionsNow: 0, sessionsToday, distinctDevicesToday, full: true, ...extra }) as TelemetryRecordV2['hotspot'];
    try {
      // The evening of the 14th, then the counters reset at midnight and climb again on the 15th.
      await deliver([
        { seq: 0, ts: D15 - 2 * HOUR, hotspot: hotspot(10, 8) },
        { seq: 1, ts: D15 - HOUR, hotspot: { sessionsToday: 12, distinctDevicesToday: 9 } },
      ]);
      await deliver([
        { seq: 2, ts: D15 + 60_000, hotspot: hotspot(0, 0) },
        { seq: 3, ts: D15 + 9 * HOUR, hotspot: hotspot(5, 4, { questionnaireToday: tally(2, 1) }) },
      ]);
      // A record the unit sent at 23:30 that arrives last (a replay): it raises the 14th, not the 15th.
      await deliver([{ seq: 5, ts: D15 + 10 * HOUR, hotspot: { sessionsToday: 6 } }]);
      await deliver([{ seq: 4, ts: D15 - HOUR / 2, hotspot: { sessionsToday: 13, distinctDevicesToday: 11 } }]);
      const rows = (await days.between('2025-01-14', '2025-01-15')).filter((r) => r.unitId === unit);
      expect(rows).toEqual([
        { unitId: unit, day: '2025-01-14', dayStart: D15 - 24 * HOUR, sessions: 13, devices: 11 },
        { unitId: unit, day: '2025-01-15', dayStart: D15, sessions: 6, devices: 4, questionnaire: tally(2, 1) },
      ]);
    } finally {
      await pipeline.close();
      await bus.close();
    }
  });
});
