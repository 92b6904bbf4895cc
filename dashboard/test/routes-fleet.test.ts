import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authPlugin } from '../src/auth/plugin.js';
import { Permission } from '../src/auth/roles.js';
import { FleetHistoryStore } from '../src/fleet/fleet-store.js';
import { OPENAPI_PATH, openApiPlugin } from '../src/http/openapi.js';
import { fleetRoutes } from '../src/http/routes/fleet.js';
import { ALL_MIGRATIONS } from '../src/store/schema.js';
import { SqlFleetStore } from '../src/store/sql-store.js';
import { RIDE, RIDE_T0 } from './records-v2.js';
import { openTestDb, UNIT_CLOCKS_TRUSTED } from './support/engines.js';
import { loginAs } from './support/login.js';

const quiet = pino({ level: 'silent' });
const newApp = () => Fastify({ loggerInstance: quiet });
type App = ReturnType<typeof newApp>;

const BOOT = 'boot-routes-fleet-01';
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T0 = RIDE_T0;
/** A range around everything stored. */
const RANGE = `from=${T0 - DAY}&to=${T0 + DAY}`;

const STOP = {
  startTs: T0 + 10 * MIN,
  endTs: T0 + 30 * MIN,
  durationMs: 20 * MIN,
  lat: 45.753,
  lon: 4.865,
  sessions: 6,
  devices: 5,
  bootId: BOOT,
};
const OUTING = {
  startTs: T0,
  endTs: T0 + 60 * MIN,
  distanceM: 4200,
  stops: 1,
  sessions: 6,
  devices: 5,
  movingMs: 25 * MIN,
  bootId: BOOT,
};
/** A market day on tri-02: a stop outside any outing, so its residents count on their own. */
const MARKET = { ...STOP, startTs: T0 + 2 * 60 * MIN, endTs: T0 + 6 * 60 * MIN, sessions: 9, devices: 8 };

describe('fleet routes', () => {
  let app: App;
  let coordinator: string;
  let viewer: string;
  const get = (url: string, cookie?: string) => app.inject({ url, headers: cookie ? { cookie } : {} });
  const codeOf = (res: { json: () => unknown }) => (res.json() as { code: string }).code;

  beforeAll(async () => {
    const { db, location } = await openTestDb('sqlite', ALL_MIGRATIONS);
    const store = new SqlFleetStore(db, { where: location, clock: UNIT_CLOCKS_TRUSTED });
    const fleetStore = new FleetHistoryStore(db);
    await store.upsertUnits([
      { id: 'tri-01', name: 'Un' },
      { id: 'tri-02', name: 'Deux' },
    ]);
    await store.insertRecordsV2('tri-01', BOOT, RIDE, T0);
    await store.insertEvents(
      'tri-01',
      [
        { v: 1, bootId: BOOT, seq: 0, ts: T0 + 5_000, kind: 'low-battery', active: true, severity: 'warning' },
        {
          v: 1,
          bootId: BOOT,
          seq: 1,
          ts: T0 + 50_000,
          kind: 'bms-protection',
          active: true,
          severity: 'critical',
          data: { flags: 'overCurrent' },
        },
      ],
      T0,
    );
    await fleetStore.record('tri-01', {
      stops: [STOP],
      outings: [OUTING],
      zoneEvents: [
        { zone: 'Les Tilleuls', kind: 'enter', ts: T0 + 8 * MIN },
        { zone: 'Les Tilleuls', kind: 'leave', ts: T0 + 32 * MIN },
      ],
    });
    await fleetStore.record('tri-02', {
      stops: [MARKET],
      outings: [],
      zoneEvents: [{ zone: 'Marché', kind: 'enter', ts: T0 + 2 * 60 * MIN }],
    });

    app = newApp();
    await app.register(openApiPlugin, { sessionCookie: 'triporteur-session' });
    await app.register(authPlugin, { db, cookieSecure: false, passwordCost: { ln: 10, r: 8, p: 1 } });
    await app.register(fleetRoutes, {
      fleetStore,
      store,
      liveView: app.requirePermission(Permission.FLEET_VIEW),
      reports: app.requirePermission(Permission.REPORTS_VIEW),
    });
    await app.ready();
    coordinator = (await loginAs(app, 'coordination', 'coordinator')).cookie;
    viewer = (await loginAs(app, 'financeur', 'viewer')).cookie;
  });
  afterAll(async () => {
    await app.close();
  });

  it('gives a coordinator the stops with their place, and the outings', async () => {
    const stops = await get(`/api/units/tri-01/stops?${RANGE}`, coordinator);
    expect(stops.statusCode).toBe(200);
    expect(stops.headers['cache-control']).toBe('no-store');
    expect(stops.json()).toEqual({ unitId: 'tri-01', stops: [{ unitId: 'tri-01', ...STOP }] });

    const outings = await get(`/api/units/tri-01/outings?${RANGE}`, coordinator);
    expect(outings.statusCode).toBe(200);
    expect(outings.json()).toEqual({ unitId: 'tri-01', outings: [{ unitId: 'tri-01', ...OUTING }] });

    // [from, to) by start time: a range ending at the stop's start leaves it out.
    const before = await get(`/api/units/tri-01/stops?from=${T0}&to=${STOP.startTs}`, coordinator);
    expect(before.json()).toEqual({ unitId: 'tri-01', stops: [] });
  });

  it('gives the positions as stored, oldest first, and says when the limit cut them', async () => {
    const res = await get(`/api/units/tri-01/positions?${RANGE}`, coordinator);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { positions: { ts: number; position: Record<string, unknown> }[]; truncated: boolean };
    expect(body.truncated).toBe(false);
    expect(body.positions.map((p) => p.ts)).toEqual([T0, T0 + 10_000, T0 + 40_000]);
    expect(body.positions[0]?.position).toMatchObject({ lat: 48.85, lon: 2.35, fix: '3d', full: true });
    expect(body.positions[1]?.position).toEqual({ lat: 48.851, speedKmh: 14 });

    const cut = await get(`/api/units/tri-01/positions?${RANGE}&limit=2`, coordinator);
    const page = cut.json() as { positions: { ts: number }[]; truncated: boolean };
    expect(page.positions.map((p) => p.ts)).toEqual([T0, T0 + 10_000]);
    expect(page.truncated).toBe(true);
  });

  it('gives the unit’s events and the zone crossings, fleet-wide or for one unit', async () => {
    const events = await get(`/api/units/tri-01/events?${RANGE}`, coordinator);
    expect(events.statusCode).toBe(200);
    const body = events.json() as { events: { ts: number; receivedAt: number; event: unknown }[]; truncated: boolean };
    expect(body.truncated).toBe(false);
    expect(body.events.map((e) => e.ts)).toEqual([T0 + 5_000, T0 + 50_000]);
    expect(body.events[1]).toEqual({
      ts: T0 + 50_000,
      receivedAt: T0,
      event: {
        v: 1,
        bootId: BOOT,
        seq: 1,
        ts: T0 + 50_000,
        kind: 'bms-protection',
        active: true,
        severity: 'critical',
        data: { flags: 'overCurrent' },
      },
    });

    const fleet = await get(`/api/zone-events?${RANGE}`, coordinator);
    expect(fleet.statusCode).toBe(200);
    expect((fleet.json() as { zoneEvents: unknown[] }).zoneEvents).toEqual([
      { unitId: 'tri-01', ts: T0 + 8 * MIN, zone: 'Les Tilleuls', kind: 'enter' },
      { unitId: 'tri-01', ts: T0 + 32 * MIN, zone: 'Les Tilleuls', kind: 'leave' },
      { unitId: 'tri-02', ts: T0 + 2 * 60 * MIN, zone: 'Marché', kind: 'enter' },
    ]);
    const one = await get(`/api/zone-events?${RANGE}&unitId=tri-02`, coordinator);
    expect((one.json() as { zoneEvents: { unitId: string }[] }).zoneEvents.map((e) => e.unitId)).toEqual(['tri-02']);
  });

  it('keeps every place-bearing route from a funder, and from anyone not logged in', async () => {
    for (const url of [
      `/api/units/tri-01/stops?${RANGE}`,
      `/api/units/tri-01/outings?${RANGE}`,
      `/api/units/tri-01/positions?${RANGE}`,
      `/api/units/tri-01/events?${RANGE}`,
      `/api/zone-events?${RANGE}`,
    ]) {
      const funder = await get(url, viewer);
      expect(funder.statusCode, url).toBe(403);
      expect(codeOf(funder)).toBe('DSH_AUTH_FORBIDDEN');
      expect(funder.body).not.toContain('45.753');
      const anonymous = await get(url);
      expect(anonymous.statusCode, url).toBe(401);
    }
  });

  it('gives a funder the aggregated report: figures only, no place and no unit', async () => {
    const res = await get(`/api/reports/fleet?${RANGE}`, viewer);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      from: T0 - DAY,
      to: T0 + DAY,
      units: 2,
      outings: 1,
      distanceM: 4200,
      movingMs: 25 * MIN,
      stops: 2,
      stopMs: 20 * MIN + 20 * MIN,
      // The stop inside the outing is already in the outing's counts; the market stop is not.
      sessions: 6 + 9,
      devices: 5 + 8,
    });
    expect(res.body).not.toMatch(/lat|lon|tri-0|Tilleuls|45\.7/);
    expect((await get(`/api/reports/fleet?${RANGE}`)).statusCode).toBe(401);
  });

  it.each([
    ['/api/reports/fleet?from=10&to=10', 'DSH_FLEET_BAD_RANGE'],
    ['/api/reports/fleet?from=20&to=10', 'DSH_FLEET_BAD_RANGE'],
    [`/api/reports/fleet?from=0&to=${401 * DAY}`, 'DSH_FLEET_RANGE_TOO_LONG'],
    ['/api/reports/fleet?from=abc&to=10', 'DSH_FLEET_BAD_QUERY'],
    ['/api/reports/fleet?from=-5&to=10', 'DSH_FLEET_BAD_QUERY'],
    ['/api/reports/fleet?from=10', 'DSH_FLEET_BAD_QUERY'],
    [`/api/units/tri-01/positions?from=${T0}&to=${T0 + 7 * DAY + 1}`, 'DSH_FLEET_RANGE_TOO_LONG'],
    [`/api/units/tri-01/positions?${RANGE}&limit=0`, 'DSH_FLEET_BAD_QUERY'],
    [`/api/units/tri-01/positions?${RANGE}&limit=10001`, 'DSH_FLEET_BAD_QUERY'],
    [`/api/units/tri-01/events?from=${T0}&to=${T0 + 32 * DAY}`, 'DSH_FLEET_RANGE_TOO_LONG'],
    [`/api/units/tri-01/stops?from=${T0}&to=${T0 + 93 * DAY}`, 'DSH_FLEET_RANGE_TOO_LONG'],
    ['/api/zone-events?from=5&to=4', 'DSH_FLEET_BAD_RANGE'],
  ])('refuses %s with a coded 400', async (url, code) => {
    const res = await get(url, coordinator);
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; message: string };
    expect(body.code).toBe(code);
    expect(body.message.length).toBeGreaterThan(10);
  });

  it('accepts the longest ranges allowed', async () => {
    expect((await get(`/api/reports/fleet?from=0&to=${400 * DAY}`, viewer)).statusCode).toBe(200);
    const week = await get(`/api/units/tri-01/positions?from=${T0}&to=${T0 + 7 * DAY}`, coordinator);
    expect(week.statusCode).toBe(200);
  });

  it('answers 404 for a unit that is not configured', async () => {
    for (const url of [
      `/api/units/tri-99/stops?${RANGE}`,
      `/api/units/tri-99/outings?${RANGE}`,
      `/api/units/tri-99/positions?${RANGE}`,
      `/api/units/tri-99/events?${RANGE}`,
      `/api/units/Pas%20Valide/positions?${RANGE}`,
      `/api/zone-events?${RANGE}&unitId=tri-99`,
    ]) {
      const res = await get(url, coordinator);
      expect(res.statusCode, url).toBe(404);
      expect(codeOf(res)).toBe('DSH_FLEET_UNKNOWN_UNIT');
    }
  });

  it('documents the routes, their ranges and their refusals in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: OPENAPI_PATH })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
    };
    const positions = doc.paths['/api/units/{unitId}/positions']?.get;
    expect(positions?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['unitId', 'from', 'to', 'limit']),
    );
    expect(Object.keys(positions?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404']),
    );
    for (const path of ['/api/units/{unitId}/stops', '/api/units/{unitId}/outings', '/api/units/{unitId}/events']) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
    expect(doc.paths['/api/zone-events']?.get).toBeDefined();
    expect(Object.keys(doc.paths['/api/reports/fleet']?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '403']),
    );
  });
});
