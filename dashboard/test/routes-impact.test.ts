import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authPlugin } from '../src/auth/plugin.js';
import { Permission } from '../src/auth/roles.js';
import { FleetHistoryStore } from '../src/fleet/fleet-store.js';
import { parseZones } from '../src/fleet/zones.js';
import { OPENAPI_PATH, openApiPlugin } from '../src/http/openapi.js';
import { impactRoutes } from '../src/http/routes/impact.js';
import { HotspotDayStore } from '../src/reports/hotspot-days.js';
import { localDays } from '../src/reports/impact.js';
import { ALL_MIGRATIONS } from '../src/store/schema.js';
import { SqlFleetStore } from '../src/store/sql-store.js';
import { ENGINES, openTestDb, UNIT_CLOCKS_TRUSTED } from './support/engines.js';
import { loginAs } from './support/login.js';

const quiet = pino({ level: 'silent' });
const newApp = () => Fastify({ loggerInstance: quiet });
type App = ReturnType<typeof newApp>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PARIS = 'Europe/Paris';
/** Local midnight beginning Monday 15 January 2024 in Paris (23:00 UTC the day before). */
const D0 = Date.UTC(2024, 0, 14, 23);
const RANGE = `from=${D0}&to=${D0 + 3 * DAY}`;
/** The dashboard's clock: the evening of the third day, so a visit still open counts up to now. */
const NOW = D0 + 2 * DAY + 22 * HOUR;

const square = (lon: number, lat: number) => [
  [
    [lon, lat],
    [lon + 0.01, lat],
    [lon + 0.01, lat + 0.01],
    [lon, lat + 0.01],
    [lon, lat],
  ],
];
const ZONES = parseZones(
  JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { name: 'Les Tilleuls', id: 'tilleuls' },
        geometry: { type: 'Polygon', coordinates: square(4.86, 45.75) },
      },
      {
        type: 'Feature',
        properties: { name: 'Marché' },
        geometry: { type: 'Polygon', coordinates: square(4.8, 45.7) },
      },
    ],
  }),
  'test zones',
);

const outing = (startTs: number, hours: number, distanceM: number) => ({
  startTs,
  endTs: startTs + hours * HOUR,
  distanceM,
  stops: 1,
  sessions: 99,
  devices: 99,
  movingMs: HOUR,
});
const stop = (startTs: number, hours: number, at: [number, number] | null, sessions: number, devices: number) => ({
  startTs,
  endTs: startTs + hours * HOUR,
  durationMs: hours * HOUR,
  lat: at ? at[0] : null,
  lon: at ? at[1] : null,
  sessions,
  devices,
});
const tally = (responses: number, reason: Record<string, number>, autonomy: Record<string, number>) => ({
  responses,
  answers: { reason, autonomy, access: { mobile: responses } },
});
const hotspotDay = (unitId: string, day: number, sessions: number, devices: number) => ({
  unitId,
  day: `2024-01-${15 + day}`,
  dayStart: D0 + day * DAY,
  sessions,
  devices,
});

describe.each(ENGINES)('impact report route (%s)', (engine) => {
  let app: App;
  let coordinator: string;
  let viewer: string;
  const get = (url: string, cookie?: string) => app.inject({ url, headers: cookie ? { cookie } : {} });

  beforeAll(async () => {
    const { db, location } = await openTestDb(engine, ALL_MIGRATIONS);
    const store = new SqlFleetStore(db, { where: location, clock: UNIT_CLOCKS_TRUSTED });
    const fleetStore = new FleetHistoryStore(db);
    const hotspotDays = new HotspotDayStore(db);
    await store.upsertUnits([
      { id: 'tri-01', name: 'Un' },
      { id: 'tri-02', name: 'Deux' },
      { id: 'tri-03', name: 'Trois' },
    ]);
    await fleetStore.record('tri-01', {
      outings: [
        outing(D0 - DAY + 10 * HOUR, 2, 5000), // the day before the range
        outing(D0 + 9 * HOUR, 3, 4200),
        outing(D0 + DAY + 14 * HOUR, 2, 1800),
      ],
      stops: [stop(D0 + 10 * HOUR, 1, [45.755, 4.865], 6, 5)],
      zoneEvents: [
        { zone: 'Les Tilleuls', kind: 'enter', ts: D0 + 9.5 * HOUR },
        { zone: 'Les Tilleuls', kind: 'leave', ts: D0 + 11.5 * HOUR },
        // Still inside at the dashboard's now: counts up to now.
        { zone: 'Les Tilleuls', kind: 'enter', ts: D0 + 2 * DAY + 20 * HOUR },
      ],
    });
    await fleetStore.record('tri-02', {
      outings: [outing(D0 + 8 * HOUR, 2, 3000)],
      stops: [
        // Location paused: a day out, in no zone.
        stop(D0 + 8.5 * HOUR, 0.5, null, 1, 1),
        // A market day with no outing: active, and counted in its zone.
        stop(D0 + 2 * DAY + 9 * HOUR, 4, [45.705, 4.805], 9, 8),
      ],
      zoneEvents: [
        // Entered before the range: inside from its first instant until it leaves.
        { zone: 'Marché', kind: 'enter', ts: D0 - 2 * HOUR },
        { zone: 'Marché', kind: 'leave', ts: D0 + 2 * DAY + 14 * HOUR },
      ],
    });
    await hotspotDays.record([
      { ...hotspotDay('tri-01', -1, 100, 100), questionnaire: tally(50, { admin: 50 }, {}) }, // before the range
      hotspotDay('tri-01', 0, 3, 2),
      { ...hotspotDay('tri-01', 0, 7, 5), questionnaire: tally(2, { admin: 1, job: 1 }, { alone: 2 }) },
      hotspotDay('tri-01', 0, 4, 3), // a replay: lower, changes nothing
      { ...hotspotDay('tri-01', 1, 6, 4), questionnaire: tally(1, { admin: 1 }, { help: 1 }) },
      hotspotDay('tri-02', 0, 2, 2),
      hotspotDay('tri-02', 2, 9, 8),
    ]);

    app = newApp();
    await app.register(openApiPlugin, { sessionCookie: 'triporteur-session' });
    await app.register(authPlugin, { db, cookieSecure: false, passwordCost: { ln: 10, r: 8, p: 1 } });
    await app.register(impactRoutes, {
      sources: {
        fleetStore,
        hotspotDays,
        units: () => store.listUnits(),
        zones: ZONES,
        timeZone: PARIS,
        now: () => NOW,
      },
      reports: app.requirePermission(Permission.REPORTS_VIEW),
    });
    await app.ready();
    coordinator = (await loginAs(app, 'coordination', 'coordinator')).cookie;
    viewer = (await loginAs(app, 'financeur', 'viewer')).cookie;
  });
  afterAll(async () => {
    await app.close();
  });

  it('gives a funder the figures per unit, per day and per zone', async () => {
    const res = await get(`/api/reports/impact?${RANGE}`, viewer);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const day = (d: number, outings: number, hours: number, sessions: number, devices: number, distanceM: number) => ({
      day: `2024-01-${15 + d}`,
      outings,
      presentMs: hours * HOUR,
      sessions,
      devices,
      distanceM,
    });
    expect(res.json()).toEqual({
      from: D0,
      to: D0 + 3 * DAY,
      timeZone: PARIS,
      days: ['2024-01-15', '2024-01-16', '2024-01-17'],
      totals: {
        outings: 3,
        presentMs: 7 * HOUR,
        sessions: 7 + 6 + 2 + 9,
        devicesDays: 5 + 4 + 2 + 8,
        // Three calendar days with a tricycle out.
        devicesPerDayMean: 19 / 3,
        distanceM: 9000,
        activeDays: 3,
      },
      units: [
        {
          unitId: 'tri-02',
          name: 'Deux',
          outings: 1,
          presentMs: 2 * HOUR,
          sessions: 11,
          devicesDays: 10,
          devicesPerDayMean: 5,
          distanceM: 3000,
          activeDays: 2,
          perDay: [day(0, 1, 2, 2, 2, 3000), day(1, 0, 0, 0, 0, 0), day(2, 0, 0, 9, 8, 0)],
        },
        {
          unitId: 'tri-03',
          name: 'Trois',
          outings: 0,
          presentMs: 0,
          sessions: 0,
          devicesDays: 0,
          devicesPerDayMean: 0,
          distanceM: 0,
          activeDays: 0,
          perDay: [day(0, 0, 0, 0, 0, 0), day(1, 0, 0, 0, 0, 0), day(2, 0, 0, 0, 0, 0)],
        },
        {
          unitId: 'tri-01',
          name: 'Un',
          outings: 2,
          presentMs: 5 * HOUR,
          sessions: 13,
          // Each day's highest count, added over the days: 5 on the 15th, 4 on the 16th.
          devicesDays: 9,
          devicesPerDayMean: 4.5,
          distanceM: 6000,
          activeDays: 2,
          perDay: [day(0, 1, 3, 7, 5, 4200), day(1, 1, 2, 6, 4, 1800), day(2, 0, 0, 0, 0, 0)],
        },
      ],
      zones: [
        {
          zone: 'tilleuls',
          name: 'Les Tilleuls',
          visits: 2,
          presentMs: 2 * HOUR + 2 * HOUR,
          stops: 1,
          sessions: 6,
          devices: 5,
        },
        {
          zone: 'Marché',
          name: 'Marché',
          visits: 0,
          presentMs: 2 * DAY + 14 * HOUR,
          stops: 1,
          sessions: 9,
          devices: 8,
        },
      ],
      questionnaire: {
        responses: 3,
        answers: { reason: { admin: 2, job: 1 }, autonomy: { alone: 2, help: 1 }, access: { mobile: 3 } },
      },
    });
    // Counts only: no place, no time of day.
    expect(res.body).not.toMatch(/"lat"|"lon"|45\.7|4\.86|T\d\d:/);
  });

  it('counts a range cut mid-visit up to its end, and says null without any questionnaire', async () => {
    const third = await get(`/api/reports/impact?from=${D0 + 2 * DAY}&to=${D0 + 2 * DAY + 12 * HOUR}`, coordinator);
    expect(third.statusCode).toBe(200);
    const body = third.json() as {
      days: string[];
      questionnaire: unknown;
      zones: { name: string; presentMs: number; visits: number }[];
      totals: { sessions: number; activeDays: number };
    };
    expect(body.days).toEqual(['2024-01-17']);
    expect(body.questionnaire).toBeNull();
    expect(body.zones.map((z) => [z.name, z.visits, z.presentMs])).toEqual([
      ['Les Tilleuls', 0, 0],
      ['Marché', 0, 12 * HOUR],
    ]);
    expect(body.totals).toMatchObject({ sessions: 9, activeDays: 1 });
  });

  it('lists every local day a range touches, across a change to summer time', () => {
    expect(localDays(D0 + 12 * HOUR, D0 + DAY + 1, PARIS)).toEqual(['2024-01-15', '2024-01-16']);
    // 31 March 2024 has 23 hours in Paris.
    const march30 = Date.UTC(2024, 2, 29, 23);
    expect(localDays(march30, march30 + 3 * DAY, PARIS)).toEqual([
      '2024-03-30',
      '2024-03-31',
      '2024-04-01',
      '2024-04-02',
    ]);
  });

  it('is open to every role with the reports permission, and to nobody logged out', async () => {
    expect((await get(`/api/reports/impact?${RANGE}`, coordinator)).statusCode).toBe(200);
    const anonymous = await get(`/api/reports/impact?${RANGE}`);
    expect(anonymous.statusCode).toBe(401);
    expect((anonymous.json() as { code: string }).code).toBe('DSH_AUTH_UNAUTHENTICATED');
  });

  it('accepts 400 days', async () => {
    expect((await get(`/api/reports/impact?from=${D0}&to=${D0 + 400 * DAY}`, viewer)).statusCode).toBe(200);
  });

  it.each([
    [`from=${D0}&to=${D0}`, 'DSH_FLEET_BAD_RANGE'],
    [`from=${D0 + 1}&to=${D0}`, 'DSH_FLEET_BAD_RANGE'],
    [`from=${D0}&to=${D0 + 400 * DAY + 1}`, 'DSH_FLEET_RANGE_TOO_LONG'],
    [`from=0&to=${Number.MAX_SAFE_INTEGER}`, 'DSH_FLEET_RANGE_TOO_LONG'],
    [`from=${D0}&to=1e400`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${D0}&to=123456789012345678901234567890`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${D0}&from=${D0 + 1}&to=${D0 + DAY}`, 'DSH_FLEET_BAD_QUERY'],
    [`from[]=${D0}&to=${D0 + DAY}`, 'DSH_FLEET_BAD_QUERY'],
    [`from=lundi&to=${D0 + DAY}`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${D0}.5&to=${D0 + DAY}`, 'DSH_FLEET_BAD_QUERY'],
    [`to=${D0 + DAY}`, 'DSH_FLEET_BAD_QUERY'],
    ['', 'DSH_FLEET_BAD_QUERY'],
  ])('refuses ?%s with a coded 400', async (query, code) => {
    const res = await get(`/api/reports/impact?${query}`, viewer);
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; message: string };
    expect(body.code).toBe(code);
    expect(body.message).toMatch(/^Paramètres refusés|^Période/);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: OPENAPI_PATH })).json() as {
      paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, unknown> }>>;
    };
    const impact = doc.paths['/api/reports/impact']?.get;
    expect(impact?.tags).toEqual(['rapports']);
    expect(Object.keys(impact?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  });
});
