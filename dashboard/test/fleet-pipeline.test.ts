import type { TelemetryRecordV2 } from '@triporteur/edge/contract';
import { afterAll, describe, expect, it, vi } from 'vitest';
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
import type { SqlFleetStore } from '../src/store/sql-store.js';
import { captureLogger, UNITS } from './helpers.js';
import { ENGINES, type Engine, openTestStore } from './support/engines.js';

const UNIT = UNITS[0].id;
const BOOT = 'boot-pipeline-1';
const MIN = 60_000;
/** 10 June 2025, 08:30 in Paris. */
const MORNING = Date.UTC(2025, 5, 10, 6, 30);

/** A morning of one tricycle: 10 min riding north, parked 20 min (the hotspot serving), 10 min riding. */
function morning(): TelemetryRecordV2[] {
  const records: TelemetryRecordV2[] = [];
  let lat = 45.75;
  const lon = 4.85;
  let ts = MORNING;
  const push = (speedKmh: number, sessions: number) => {
    records.push({
      seq: records.length,
      ts,
      position: { state: 'connected', fix: '3d', lat, lon, speedKmh, satellites: 9, full: true },
      hotspot: { sessionsNow: 0, sessionsToday: sessions, distinctDevicesToday: sessions, full: true },
    });
  };
  const ride = (sessions: number) => {
    for (let i = 0; i < 60; i++) {
      push(12, sessions);
      lat += 0.0003;
      ts += 10_000;
    }
  };
  ride(0);
  for (let i = 0; i < 20; i++) {
    push(0, Math.floor(i / 2));
    ts += MIN;
  }
  ride(10);
  return records;
}

interface Rig {
  store: SqlFleetStore;
  derived: FleetHistoryStore;
  pipeline: FleetPipeline;
  /** Stores records as ingest does and signals them on the bus. */
  deliver(records: readonly TelemetryRecordV2[]): Promise<void>;
}

async function rig(engine: Engine, clock: { now: number }): Promise<Rig> {
  const { logger } = captureLogger();
  const { store } = await openTestStore(engine);
  await store.upsertUnits([{ id: UNIT, name: 'Triporteur' }]);
  const bus = new LocalBus(logger);
  const derived = new FleetHistoryStore(store.db);
  const config = fleetConfig();
  const pipeline = new FleetPipeline({
    bus,
    records: store,
    onlineUnits: async () => [],
    unitIds: [UNIT],
    presence: new PresenceTracker(config.offlineGraceS * 1000),
    tracker: new FleetTracker(config, []),
    derived,
    alerts: new AlertEngine({ store: new AlertStore(store.db), config: DEFAULT_ALERTS_CONFIG, log: logger }),
    timeZone: config.timeZone,
    logger,
    now: () => clock.now,
    tickMs: 20,
  });
  closers.push(async () => {
    await pipeline.close();
    await store.close();
  });
  return {
    store,
    derived,
    pipeline,
    async deliver(records) {
      for (let i = 0; i < records.length; i += 30) {
        const batch = records.slice(i, i + 30);
        const receivedAt = (batch.at(-1)?.ts ?? 0) + 1000;
        clock.now = Math.max(clock.now, receivedAt);
        const outcome = await store.insertRecordsV2(UNIT, BOOT, batch, receivedAt);
        const notice = { kind: 'records', unitId: UNIT, bootId: BOOT, records: batch, receivedAt } as const;
        for (const signal of signalsOf({ ...notice, seqs: outcome.insertedSeqs })) await bus.publish(signal);
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
      await pipeline.idle();
    },
  };
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** What the model stored, once a silence long after the morning has closed the last stop and outing. */
async function settled(r: Rig, clock: { now: number }) {
  clock.now = MORNING + 6 * 60 * MIN;
  await vi.waitFor(async () => expect(await r.derived.outings(UNIT, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1));
  await r.pipeline.idle();
  const span = (x: { startTs: number; endTs: number | null }) => [x.startTs, x.endTs];
  const stops = await r.derived.stops(UNIT, 0, Number.MAX_SAFE_INTEGER);
  const outings = await r.derived.outings(UNIT, 0, Number.MAX_SAFE_INTEGER);
  return {
    stops: stops.map((s) => ({ span: span(s), sessions: s.sessions })),
    outings: outings.map((o) => ({ span: span(o), stops: o.stops, distanceM: Math.round(o.distanceM) })),
  };
}

describe.each(ENGINES)('the fleet pipeline on %s', (engine) => {
  it('finds the stop of a morning delivered in order, from the stored records', async () => {
    const clock = { now: MORNING };
    const r = await rig(engine, clock);
    await r.deliver(morning());
    const result = await settled(r, clock);
    expect(result.stops).toEqual([{ span: [MORNING + 10 * MIN, MORNING + 30 * MIN], sessions: 10 }]);
    expect(result.outings).toHaveLength(1);
    expect(result.outings[0]?.stops).toBe(1);
  });

  it('rebuilds the same stops and outings when the stop arrives late, replayed from the outbox', async () => {
    const reference = { now: MORNING };
    const first = await rig(engine, reference);
    await first.deliver(morning());
    const inOrder = await settled(first, reference);

    const clock = { now: MORNING };
    const r = await rig(engine, clock);
    const all = morning();
    // The 4G dropped while parked: the rides arrive live, the stop's records come after, as a replay.
    await r.deliver(all.slice(0, 60));
    await r.deliver(all.slice(80));
    expect(r.pipeline.rebuilds).toBe(1); // first records after the start: the day so far is read back
    await r.deliver(all.slice(60, 80).map((rec) => ({ ...rec, historical: true })));
    expect(r.pipeline.rebuilds).toBe(2);
    expect(await settled(r, clock)).toEqual(inOrder);
  });
});
