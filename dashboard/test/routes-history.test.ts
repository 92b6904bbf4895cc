import type { BirthPayload, TelemetryRecordV2 } from '@triporteur/edge/contract';
import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authPlugin } from '../src/auth/plugin.js';
import { Permission } from '../src/auth/roles.js';
import { validateDashboardConfig } from '../src/config.js';
import { isDashboardError } from '../src/errors.js';
import { OPENAPI_PATH, openApiPlugin } from '../src/http/openapi.js';
import { historyRoutes } from '../src/http/routes/history.js';
import { ALL_MIGRATIONS } from '../src/store/schema.js';
import { SqlFleetStore } from '../src/store/sql-store.js';
import { ENGINES, openTestDb, UNIT_CLOCKS_TRUSTED } from './support/engines.js';
import { loginAs } from './support/login.js';

const quiet = pino({ level: 'silent' });
const newApp = () => Fastify({ loggerInstance: quiet });
type App = ReturnType<typeof newApp>;

const SEC = 1000;
const MIN = 60 * SEC;
const DAY = 24 * 60 * MIN;
const T0 = Date.UTC(2025, 2, 3, 9, 0);
/** Ten one-minute buckets from T0. */
const RANGE = `from=${T0}&to=${T0 + 10 * MIN}&points=10`;
const BUDGET = 5_000_000_000;

// Sorted the other way round from their start times: the answer must not depend on the boots' names.
const OLD_BOOT = 'zz-old-boot-0001';
const NEW_BOOT = 'aa-new-boot-0002';

/** The first boot: everything in full 30 min before the range (inside the look-back), then a few deltas. */
const OLD: TelemetryRecordV2[] = [
  {
    seq: 0,
    ts: T0 - 30 * MIN,
    battery: {
      state: 'connected',
      socPct: 80,
      voltageV: 52,
      currentA: -1,
      remainingAh: 16,
      nominalAh: 20,
      cycles: 10,
      cellsV: [4.01, 4.05, 4.03],
      temperaturesC: [20, 25],
      protection: [],
      fets: { charge: true, discharge: true },
      full: true,
    },
    motor: { state: 'connected', powerW: 100, speedKmh: 10, faultCode: 0, faultName: '', full: true },
    position: { state: 'connected', fix: '3d', lat: 45.7531, lon: 4.8652, full: true },
    hotspot: { sessionsNow: 1, sessionsToday: 1, distinctDevicesToday: 1, full: true },
    uplink: { signalPct: 60, bytesSent: 0, bytesReceived: 0, reconnects: 0, outboxDepth: 0, full: true },
    system: { cpuTempC: 50, full: true },
  },
  { seq: 1, ts: T0 + 30 * SEC, battery: { socPct: 79 }, position: { lat: 45.7532 } },
  // The bucket's last record decides its values.
  { seq: 2, ts: T0 + 50 * SEC, battery: { currentA: -5 } },
  { seq: 3, ts: T0 + 3 * MIN + SEC, system: { cpuTempC: 55 } },
  // Seven hours on, a delta whose boot's full update is out of a short range's look-back.
  { seq: 4, ts: T0 + 7 * 60 * MIN + 30 * SEC, system: { load1: 0.5 } },
];

/** The unit restarted: the new boot knows nothing of the old one's motor, cells or uplink. */
const NEW: TelemetryRecordV2[] = [
  {
    seq: 0,
    ts: T0 + 5 * MIN,
    battery: {
      state: 'connected',
      socPct: 78,
      voltageV: 51,
      currentA: 0,
      remainingAh: 15,
      nominalAh: 20,
      cycles: 10,
      temperaturesC: [],
      protection: [],
      fets: { charge: true, discharge: true },
      full: true,
    },
  },
  { seq: 1, ts: T0 + 9 * MIN + 59 * SEC, hotspot: { sessionsNow: 3 } },
  // At `to`: outside the range.
  { seq: 2, ts: T0 + 10 * MIN, battery: { socPct: 1 } },
];

const BIRTH: BirthPayload = {
  v: 1,
  bootId: NEW_BOOT,
  software: { edge: '0.4.0' },
  firmware: { bms: '1.2.3' },
  bmsModel: 'JBD-SP04S034',
  configHash: 'a'.repeat(64),
  ts: T0 + 5 * MIN,
};

const _ = null;

describe.each(ENGINES)('unit history and detail routes (%s)', (engine) => {
  let app: App;
  let coordinator: string;
  let technician: string;
  let viewer: string;
  const get = (url: string, cookie?: string) => app.inject({ url, headers: cookie ? { cookie } : {} });
  const codeOf = (res: { json: () => unknown }) => (res.json() as { code: string }).code;

  beforeAll(async () => {
    const { db, location } = await openTestDb(engine, ALL_MIGRATIONS);
    const store = new SqlFleetStore(db, { where: location, clock: UNIT_CLOCKS_TRUSTED });
    await store.upsertUnits([
      { id: 'tri-01', name: 'Un' },
      { id: 'tri-02', name: 'Deux' },
    ]);
    await store.insertRecordsV2('tri-01', OLD_BOOT, OLD, T0 + 4 * MIN);
    await store.insertRecordsV2('tri-01', NEW_BOOT, NEW, T0 + 11 * MIN);
    await store.applyBirth('tri-01', BIRTH, T0 + 5 * MIN + 2 * SEC);

    app = newApp();
    await app.register(openApiPlugin, { sessionCookie: 'triporteur-session' });
    await app.register(authPlugin, { db, cookieSecure: false, passwordCost: { ln: 10, r: 8, p: 1 } });
    await app.register(historyRoutes, {
      store,
      liveView: app.requirePermission(Permission.FLEET_VIEW),
      dataBudgetBytes: BUDGET,
    });
    await app.ready();
    coordinator = (await loginAs(app, 'coordination', 'coordinator')).cookie;
    technician = (await loginAs(app, 'technique', 'technician')).cookie;
    viewer = (await loginAs(app, 'financeur', 'viewer')).cookie;
  });
  afterAll(async () => {
    await app.close();
  });

  it('folds each boot from before the range and samples the last record of each bucket', async () => {
    const res = await get(`/api/units/tri-01/history?${RANGE}`, coordinator);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toEqual({
      unitId: 'tri-01',
      from: T0,
      to: T0 + 10 * MIN,
      bucketMs: MIN,
      series: {
        ts: Array.from({ length: 10 }, (_x, i) => T0 + i * MIN),
        socPct: [79, _, _, 79, _, 78, _, _, _, 78],
        voltageV: [52, _, _, 52, _, 51, _, _, _, 51],
        currentA: [-5, _, _, -5, _, 0, _, _, _, 0],
        cellSpreadMv: [40, _, _, 40, _, _, _, _, _, _],
        tempMaxC: [25, _, _, 25, _, _, _, _, _, _],
        motorPowerW: [100, _, _, 100, _, _, _, _, _, _],
        speedKmh: [10, _, _, 10, _, _, _, _, _, _],
        sessionsNow: [1, _, _, 1, _, _, _, _, _, 3],
        signalPct: [60, _, _, 60, _, _, _, _, _, _],
        cpuTempC: [50, _, _, 55, _, _, _, _, _, _],
      },
    });
    // Charts never carry where the tricycle was.
    expect(res.body).not.toMatch(/45\.75|4\.865|lat|lon/);
  });

  it('folds from six hours before the range, no further', async () => {
    const at = (from: number, to: number) =>
      get(`/api/units/tri-01/history?from=${from}&to=${to}&points=10`, coordinator).then(
        (res) => res.json() as { bucketMs: number; series: Record<string, unknown[]> },
      );
    // Look-back from T0 + 1 h: only the delta itself is read, and it says nothing of the battery.
    const short = await at(T0 + 7 * 60 * MIN, T0 + 7 * 60 * MIN + 10 * MIN);
    expect([short.series.socPct?.[0], short.series.cpuTempC?.[0]]).toEqual([_, _]);
    // Look-back from T0: the deltas of the first minutes are folded in; the full record before T0 is not.
    const long = await at(T0 + 6 * 60 * MIN, T0 + 7 * 60 * MIN + 10 * MIN);
    expect(long.bucketMs).toBe(7 * MIN);
    const i = 8; // 60.5 min into the range
    expect([long.series.socPct?.[i], long.series.currentA?.[i], long.series.cpuTempC?.[i]]).toEqual([79, -5, 55]);
    expect(long.series.voltageV?.[i]).toBe(_);
    expect(long.series.socPct?.filter((v) => v !== null)).toHaveLength(1);
  });

  it('uses 500 buckets by default and never more buckets than milliseconds', async () => {
    const byDefault = (await get(`/api/units/tri-01/history?from=${T0}&to=${T0 + 10 * MIN}`, coordinator)).json() as {
      bucketMs: number;
      series: { ts: number[]; socPct: unknown[] };
    };
    expect(byDefault.bucketMs).toBe(1200);
    expect(byDefault.series.ts).toHaveLength(500);
    expect(byDefault.series.socPct).toHaveLength(500);

    const tiny = (await get(`/api/units/tri-01/history?from=${T0}&to=${T0 + 5}&points=10`, coordinator)).json() as {
      bucketMs: number;
      series: { ts: number[]; cpuTempC: unknown[] };
    };
    expect(tiny.bucketMs).toBe(1);
    expect(tiny.series.ts).toEqual([T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4]);
    expect(tiny.series.cpuTempC).toEqual([_, _, _, _, _]);
  });

  it('answers an empty unit with gaps only, and the longest range allowed', async () => {
    const res = await get(`/api/units/tri-02/history?from=${T0}&to=${T0 + 31 * DAY}&points=2000`, technician);
    expect(res.statusCode).toBe(200);
    const { series } = res.json() as { series: Record<string, unknown[]> };
    expect(series.ts).toHaveLength(2000);
    for (const [name, values] of Object.entries(series)) {
      if (name !== 'ts')
        expect(
          values.every((v) => v === null),
          name,
        ).toBe(true);
    }
  });

  it('gives the unit’s detail: summary, birth message and data budget', async () => {
    const res = await get('/api/units/tri-01/detail', coordinator);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { unit: { id: string; name: string; battery: unknown } };
    expect(body).toEqual({
      unit: {
        id: 'tri-01',
        name: 'Un',
        online: false,
        bootId: null,
        lastSeen: T0 + 11 * MIN,
        battery: { ts: T0 + 10 * MIN, socPct: 1, voltageV: 51, currentA: 0 },
      },
      birth: {
        bootId: NEW_BOOT,
        software: { edge: '0.4.0' },
        firmware: { bms: '1.2.3' },
        bmsModel: 'JBD-SP04S034',
        configHash: 'a'.repeat(64),
        receivedAt: T0 + 5 * MIN + 2 * SEC,
      },
      dataBudgetBytes: BUDGET,
    });
    const none = await get('/api/units/tri-02/detail', coordinator);
    expect(none.json()).toMatchObject({ unit: { id: 'tri-02', battery: null }, birth: null });
  });

  it('keeps history and detail from a funder and from anyone not logged in', async () => {
    for (const url of [`/api/units/tri-01/history?${RANGE}`, '/api/units/tri-01/detail']) {
      const funder = await get(url, viewer);
      expect(funder.statusCode, url).toBe(403);
      expect(codeOf(funder)).toBe('DSH_AUTH_FORBIDDEN');
      const anonymous = await get(url);
      expect(anonymous.statusCode, url).toBe(401);
      expect(codeOf(anonymous)).toBe('DSH_AUTH_UNAUTHENTICATED');
    }
  });

  it('answers 404 for a unit that is not configured', async () => {
    for (const url of [
      `/api/units/tri-99/history?${RANGE}`,
      `/api/units/Pas%20Valide/history?${RANGE}`,
      '/api/units/tri-99/detail',
      `/api/units/${'x'.repeat(90)}/detail`,
    ]) {
      const res = await get(url, coordinator);
      expect(res.statusCode, url).toBe(404);
      expect(codeOf(res)).toBe('DSH_FLEET_UNKNOWN_UNIT');
    }
  });

  it.each([
    [`from=${T0}&to=${T0}`, 'DSH_FLEET_BAD_RANGE'],
    [`from=${T0 + 1}&to=${T0}`, 'DSH_FLEET_BAD_RANGE'],
    [`from=${T0}&to=${T0 + 31 * DAY + 1}`, 'DSH_FLEET_RANGE_TOO_LONG'],
    [`from=0&to=${Number.MAX_SAFE_INTEGER}`, 'DSH_FLEET_RANGE_TOO_LONG'],
    [`from=${T0}&to=${T0 + MIN}&points=9`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}&to=${T0 + MIN}&points=2001`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}&to=${T0 + MIN}&points=12.5`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}&to=${T0 + MIN}&points=beaucoup`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}&to=${T0 + MIN}&points=10&points=20`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}&from=${T0 + 1}&to=${T0 + MIN}`, 'DSH_FLEET_BAD_QUERY'],
    [`from=1e400&to=${T0}`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}&to=1e400`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}&to=${T0 + MIN}&points=1e400`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}&to=${T0 + MIN}&points=-1e400`, 'DSH_FLEET_BAD_QUERY'],
    [`from=99999999999999999999999&to=${T0}`, 'DSH_FLEET_BAD_QUERY'],
    [`from=-1&to=${T0}`, 'DSH_FLEET_BAD_QUERY'],
    [`from=hier&to=${T0}`, 'DSH_FLEET_BAD_QUERY'],
    [`from=${T0}`, 'DSH_FLEET_BAD_QUERY'],
    ['', 'DSH_FLEET_BAD_QUERY'],
  ])('refuses ?%s with a coded 400', async (query, code) => {
    const res = await get(`/api/units/tri-01/history?${query}`, coordinator);
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; message: string };
    expect(body.code).toBe(code);
    expect(body.message).toMatch(/^Paramètres refusés|^Période/);
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: OPENAPI_PATH })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
    };
    const history = doc.paths['/api/units/{unitId}/history']?.get;
    expect(history?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['unitId', 'from', 'to', 'points']));
    expect(Object.keys(history?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
    const detail = doc.paths['/api/units/{unitId}/detail']?.get;
    expect(Object.keys(detail?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '403', '404']));
  });
});

describe('fleet.dataBudgetBytesPerMonth in the dashboard config', () => {
  const config = (fleet: unknown) => ({ configVersion: 1, store: { path: 'fleet.db' }, units: [], fleet });

  it('is optional, and read as a whole number of bytes', () => {
    expect(validateDashboardConfig(config({})).fleet.dataBudgetBytesPerMonth).toBeUndefined();
    const set = validateDashboardConfig(config({ dataBudgetBytesPerMonth: BUDGET, timeZone: 'Europe/Paris' }));
    expect(set.fleet.dataBudgetBytesPerMonth).toBe(BUDGET);
    expect(set.fleet.stopMinMinutes).toBe(10);
  });

  it.each([0, -1, 1.5, '5 Go'])('refuses %s with the field named', (value) => {
    let caught: unknown;
    try {
      validateDashboardConfig(config({ dataBudgetBytesPerMonth: value }));
    } catch (err) {
      caught = err;
    }
    expect(isDashboardError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^fleet\/dataBudgetBytesPerMonth: /);
  });
});
