import { describe, expect, it } from 'vitest';
import { fleetConfig } from '../src/fleet/config.js';
import { FLEET_MIGRATIONS } from '../src/fleet/fleet-migrations.js';
import { FleetHistoryStore } from '../src/fleet/fleet-store.js';
import { FleetTracker } from '../src/fleet/fleet-tracker.js';
import type { Outing } from '../src/fleet/outings.js';
import type { FleetSample } from '../src/fleet/sample.js';
import type { Stop } from '../src/fleet/stops.js';
import type { Zone } from '../src/fleet/zones.js';
import { ENGINES, openTestDb } from './support/engines.js';

const MIN = 60_000;
const PARIS = 'Europe/Paris';
/** 10 June 2025, 09:00 in Paris. */
const T0 = Date.UTC(2025, 5, 10, 7, 0);

const ZONE: Zone = {
  name: 'Exemple — Les Tilleuls (fictif)',
  bbox: [4.86, 45.75, 4.87, 45.757],
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [4.86, 45.75],
        [4.87, 45.75],
        [4.87, 45.757],
        [4.86, 45.757],
        [4.86, 45.75],
      ],
    ],
  },
};

/**
 * Out of the depot, into the zone, a 20-min stop there (6 residents), out, and back for the afternoon:
 * one stop, one outing, an enter and a leave.
 */
function track(): FleetSample[] {
  const samples: FleetSample[] = [];
  let ts = T0;
  let lat = 45.745;
  const lon = 4.865;
  let sessions = 0;
  const push = (extra: Partial<FleetSample>) => {
    samples.push({ ts, paused: false, lat, lon, sessionsToday: sessions, distinctDevicesToday: sessions, ...extra });
  };
  push({ speedKmh: 0 });
  for (let i = 0; i < 30; i++) {
    ts += 10_000;
    lat += 0.0003; // 33 m per 10 s: 12 km/h northwards, into the zone after 3 minutes
    push({ speedKmh: 12 });
  }
  // Parked in the zone for 20 minutes: 2, 1, 2 and 1 residents connect between the heartbeats.
  ts += 10_000;
  push({ speedKmh: 0.3 });
  for (const connected of [2, 1, 2, 1]) {
    ts += 5 * MIN;
    sessions += connected;
    push({ speedKmh: 0.3 });
  }
  for (let i = 0; i < 40; i++) {
    ts += 10_000;
    lat -= 0.0003;
    push({ speedKmh: 12 });
  }
  for (let i = 0; i <= 30; i++) {
    ts += i === 0 ? 10_000 : 5 * MIN;
    push({ speedKmh: 0 });
  }
  return samples;
}

const stop = (startTs: number, over: Partial<Stop> = {}): Stop => ({
  startTs,
  endTs: startTs + 20 * MIN,
  durationMs: 20 * MIN,
  lat: 45.75,
  lon: 4.86,
  sessions: 3,
  devices: 2,
  ...over,
});
const outing = (startTs: number, over: Partial<Outing> = {}): Outing => ({
  startTs,
  endTs: startTs + 3 * 3_600_000,
  distanceM: 8_000.5,
  stops: 1,
  sessions: 5,
  devices: 4,
  movingMs: 40 * MIN,
  ...over,
});

describe.each(ENGINES)('FleetHistoryStore on %s', (engine) => {
  it('stores what a live tracker closed, and the same rows again change nothing', async () => {
    const { db } = await openTestDb(engine, FLEET_MIGRATIONS);
    const store = new FleetHistoryStore(db);
    const tracker = new FleetTracker(fleetConfig(), [ZONE]);
    const closed = { stops: [] as Stop[], outings: [] as Outing[], zoneEvents: [] as unknown[] };
    for (const sample of track()) {
      const events = tracker.onSample('tri-01', sample);
      await store.record('tri-01', events);
      closed.stops.push(...events.stops);
      closed.outings.push(...events.outings);
      closed.zoneEvents.push(...events.zoneEvents);
    }
    expect(closed.stops).toHaveLength(1);
    expect(closed.outings).toHaveLength(1);
    expect(closed.zoneEvents).toHaveLength(2);
    const day = [T0 - 3_600_000, T0 + 24 * 3_600_000] as const;
    const stops = await store.stops('tri-01', ...day);
    expect(stops).toEqual(closed.stops.map((s) => ({ unitId: 'tri-01', ...s })));
    expect(stops[0]).toMatchObject({ durationMs: 20 * MIN + 10_000, sessions: 6, devices: 6 });
    expect(await store.outings('tri-01', ...day)).toEqual(closed.outings.map((o) => ({ unitId: 'tri-01', ...o })));
    const events = await store.zoneEvents(...day);
    expect(events.map((e) => [e.unitId, e.zone, e.kind])).toEqual([
      ['tri-01', ZONE.name, 'enter'],
      ['tri-01', ZONE.name, 'leave'],
    ]);

    await store.record('tri-01', { ...closed, zoneEvents: events });
    expect(await store.stops('tri-01', ...day)).toHaveLength(1);
    expect(await store.outings('tri-01', ...day)).toHaveLength(1);
    expect(await store.zoneEvents(...day)).toHaveLength(2);
  });

  it('rebuilds a day from stored samples without duplicating what the live tracker stored', async () => {
    const { db } = await openTestDb(engine, FLEET_MIGRATIONS);
    const store = new FleetHistoryStore(db);
    const samples = track();
    const live = new FleetTracker(fleetConfig(), [ZONE]);
    // Live, the unit's outbox held back the first half hour: the tracker saw only the rest.
    const late = samples.filter((s) => s.ts < T0 + 30 * MIN);
    for (const sample of samples.filter((s) => s.ts >= T0 + 30 * MIN)) {
      await store.record('tri-01', live.onSample('tri-01', sample));
    }
    expect(live.onSample('tri-01', late[0] as FleetSample).ignored).toBe(true);

    const from = await store.recomputeStart('tri-01', late[0]?.ts ?? 0, PARIS);
    expect(from).toBe(Date.UTC(2025, 5, 9, 22)); // Paris midnight
    for (let round = 0; round < 2; round++) {
      const rebuilt = live.rebuild('tri-01', samples, await store.zonesInside('tri-01', from));
      await store.replaceFrom('tri-01', from, rebuilt);
    }
    const day = [from, from + 24 * 3_600_000] as const;
    const stops = await store.stops('tri-01', ...day);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ sessions: 6 });
    const outings = await store.outings('tri-01', ...day);
    expect(outings).toHaveLength(1);
    expect(outings[0]).toMatchObject({ startTs: T0 + 10_000, stops: 1, sessions: 6 });
    expect((await store.zoneEvents(...day)).map((e) => e.kind)).toEqual(['enter', 'leave']);
  });

  it('starts a rebuild where a stop running at midnight began, and knows the zones a unit is in', async () => {
    const { db } = await openTestDb(engine, FLEET_MIGRATIONS);
    const store = new FleetHistoryStore(db);
    const midnight = Date.UTC(2025, 5, 10, 22);
    await store.record('tri-01', {
      stops: [stop(midnight - 30 * MIN, { endTs: midnight + 10 * MIN, durationMs: 40 * MIN })],
      outings: [],
      zoneEvents: [
        { zone: 'A', kind: 'enter', ts: midnight - 60 * MIN },
        { zone: 'B', kind: 'enter', ts: midnight - 50 * MIN },
        { zone: 'B', kind: 'leave', ts: midnight - 40 * MIN },
      ],
    });
    expect(await store.recomputeStart('tri-01', midnight + 5 * 3_600_000, PARIS)).toBe(midnight - 30 * MIN);
    expect(await store.recomputeStart('tri-02', midnight + 5 * 3_600_000, PARIS)).toBe(midnight);
    expect(await store.zonesInside('tri-01')).toEqual(['A']);
    expect(await store.zonesInside('tri-01', midnight - 45 * MIN)).toEqual(['A', 'B']);
    expect(await store.zoneEvents(midnight - 55 * MIN, midnight, 'tri-01')).toHaveLength(2);
    expect(await store.zoneEvents(midnight - 55 * MIN, midnight, 'tri-02')).toEqual([]);
  });

  it('reports fleet totals without any position, counting a long stop outside outings once', async () => {
    const { db } = await openTestDb(engine, FLEET_MIGRATIONS);
    const store = new FleetHistoryStore(db);
    await store.record('tri-01', {
      outings: [outing(T0)],
      stops: [stop(T0 + 30 * MIN)], // inside the outing: its residents are in the outing's
      zoneEvents: [],
    });
    await store.record('tri-02', {
      outings: [outing(T0, { distanceM: 2_000, sessions: 1, devices: 1, movingMs: 10 * MIN, stops: 0 })],
      // Parked for hours at the market after the outing ended: counted on its own.
      stops: [stop(T0 + 4 * 3_600_000, { durationMs: 150 * MIN, sessions: 20, devices: 15, lat: null, lon: null })],
      zoneEvents: [],
    });
    await store.record('tri-03', { outings: [outing(T0 + 48 * 3_600_000)], stops: [], zoneEvents: [] });
    const report = await store.report(T0 - 3_600_000, T0 + 24 * 3_600_000);
    expect(report).toEqual({
      from: T0 - 3_600_000,
      to: T0 + 24 * 3_600_000,
      units: 2,
      outings: 2,
      distanceM: 10_000.5,
      movingMs: 50 * MIN,
      stops: 2,
      stopMs: 170 * MIN,
      sessions: 5 + 1 + 20,
      devices: 4 + 1 + 15,
    });
    expect(await store.report(0, 1)).toMatchObject({ units: 0, outings: 0, stops: 0, sessions: 0, distanceM: 0 });
  });

  it('forgets where old stops were, keeping their figures', async () => {
    const { db } = await openTestDb(engine, FLEET_MIGRATIONS);
    const store = new FleetHistoryStore(db);
    await store.record('tri-01', { stops: [stop(T0), stop(T0 + 60 * 24 * 3_600_000)], outings: [], zoneEvents: [] });
    expect(await store.forgetPlacesBefore(T0 + 24 * 3_600_000)).toBe(1);
    expect(await store.forgetPlacesBefore(T0 + 24 * 3_600_000)).toBe(0);
    const stops = await store.stops('tri-01', 0, Number.MAX_SAFE_INTEGER);
    expect(stops.map((s) => [s.lat, s.lon, s.sessions])).toEqual([
      [null, null, 3],
      [45.75, 4.86, 3],
    ]);
  });
});
