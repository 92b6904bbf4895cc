import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertChange } from '../src/alerts/alert-store.js';
import { AlertStore } from '../src/alerts/alert-store.js';
import { AlertEngine } from '../src/alerts/alerts.js';
import { DEFAULT_ALERTS_CONFIG } from '../src/alerts/config.js';
import type { AlertSignal } from '../src/alerts/types.js';
import { authPlugin } from '../src/auth/plugin.js';
import { Permission } from '../src/auth/roles.js';
import { OPENAPI_PATH, openApiPlugin } from '../src/http/openapi.js';
import { alertRoutes } from '../src/http/routes/alerts.js';
import { ALL_MIGRATIONS } from '../src/store/schema.js';
import { openTestDb } from './support/engines.js';
import { loginAs, type TestLogin } from './support/login.js';

const quiet = pino({ level: 'silent' });
const newApp = () => Fastify({ loggerInstance: quiet });
type App = ReturnType<typeof newApp>;

const signal = (unitId: string, kind: AlertSignal['kind'], severity: AlertSignal['severity']): AlertSignal => ({
  unitId,
  kind,
  severity,
  key: `${unitId}:${kind}`,
  active: true,
  detail: `${kind} sur ${unitId}`,
});

describe('alert routes', () => {
  let app: App;
  let engine: AlertEngine;
  let coordinator: TestLogin;
  let viewer: TestLogin;
  const changes: AlertChange[] = [];
  const ids: Record<string, number> = {};

  const get = (url: string, who?: TestLogin) => app.inject({ url, headers: who ? { cookie: who.cookie } : {} });
  const ack = (id: string | number, who: TestLogin, csrf = who.csrf) =>
    app.inject({
      method: 'POST',
      url: `/api/alerts/${id}/ack`,
      headers: { cookie: who.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    });

  beforeAll(async () => {
    const { db } = await openTestDb('sqlite', ALL_MIGRATIONS);
    const store = new AlertStore(db);
    engine = new AlertEngine({ store, config: DEFAULT_ALERTS_CONFIG, log: quiet, now: () => 5_000 });
    engine.onChange((change) => changes.push(change));

    // Oldest first: a cleared one, then a warning and a critical on tri-01, a warning on tri-02.
    ids.cleared = (await store.record(signal('tri-01', 'uplink-down', 'warning'), 1_000)).alert.id;
    await store.clear('tri-01:uplink-down', 1_500);
    ids.low = (await store.record(signal('tri-01', 'low-battery', 'warning'), 2_000)).alert.id;
    ids.bms = (await store.record(signal('tri-01', 'bms-protection', 'critical'), 2_100)).alert.id;
    ids.offline = (await store.record(signal('tri-02', 'unit-offline', 'warning'), 2_200)).alert.id;

    app = newApp();
    await app.register(openApiPlugin, { sessionCookie: 'triporteur-session' });
    await app.register(authPlugin, { db, cookieSecure: false, passwordCost: { ln: 10, r: 8, p: 1 } });
    await app.register(alertRoutes, {
      alerts: engine,
      view: app.requirePermission(Permission.FLEET_VIEW),
      ack: app.requirePermission(Permission.ALERTS_ACK),
    });
    await app.ready();
    coordinator = await loginAs(app, 'coordination', 'coordinator');
    viewer = await loginAs(app, 'financeur', 'viewer');
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists the open alerts, the worst first, for the fleet or one unit', async () => {
    const res = await get('/api/alerts', coordinator);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { alerts } = res.json() as { alerts: { id: number; severity: string; active: boolean }[] };
    expect(alerts.map((a) => a.id)).toEqual([ids.bms, ids.offline, ids.low]);
    expect(alerts[0]).toMatchObject({
      unitId: 'tri-01',
      kind: 'bms-protection',
      key: 'tri-01:bms-protection',
      severity: 'critical',
      firstAt: 2_100,
      lastAt: 2_100,
      count: 1,
      detail: 'bms-protection sur tri-01',
      active: true,
      acknowledgedBy: null,
      acknowledgedAt: null,
      clearedAt: null,
    });

    const one = await get('/api/alerts?unitId=tri-02', coordinator);
    expect((one.json() as { alerts: { id: number }[] }).alerts.map((a) => a.id)).toEqual([ids.offline]);
  });

  it('pages through the history, newest first, cleared alerts included', async () => {
    const first = await get('/api/alerts/history?unitId=tri-01&limit=2', coordinator);
    expect(first.statusCode).toBe(200);
    const page1 = first.json() as { alerts: { id: number }[]; nextBefore: number | null };
    expect(page1.alerts.map((a) => a.id)).toEqual([ids.bms, ids.low]);
    expect(page1.nextBefore).toBe(ids.low);

    const second = await get(`/api/alerts/history?unitId=tri-01&limit=2&before=${page1.nextBefore}`, coordinator);
    const page2 = second.json() as { alerts: { id: number; active: boolean; clearedAt: number }[]; nextBefore: null };
    expect(page2.alerts).toHaveLength(1);
    expect(page2.alerts[0]).toMatchObject({ id: ids.cleared, active: false, clearedAt: 1_500 });
    expect(page2.nextBefore).toBeNull();

    const byKind = await get('/api/alerts/history?kind=unit-offline', coordinator);
    expect((byKind.json() as { alerts: { id: number }[] }).alerts.map((a) => a.id)).toEqual([ids.offline]);
  });

  it('filters the history by severity, life cycle and when the alert was raised', async () => {
    const idsOf = async (query: string) =>
      ((await get(`/api/alerts/history?${query}`, coordinator)).json() as { alerts: { id: number }[] }).alerts.map(
        (a) => a.id,
      );
    expect(await idsOf('severity=critical')).toEqual([ids.bms]);
    expect(await idsOf('severity=warning&unitId=tri-01')).toEqual([ids.low, ids.cleared]);
    expect(await idsOf('state=cleared')).toEqual([ids.cleared]);
    expect(await idsOf('state=active')).toEqual([ids.offline, ids.bms, ids.low]);
    expect(await idsOf('from=2000&to=2200')).toEqual([ids.bms, ids.low]);
    expect(await idsOf('from=2200')).toEqual([ids.offline]);
    expect(await idsOf('to=1000')).toEqual([]);
  });

  it.each([
    '/api/alerts/history?severity=grave',
    '/api/alerts/history?state=ouvert',
    '/api/alerts/history?from=-1',
    '/api/alerts/history?to=1e400',
    '/api/alerts?unitId=Pas%20Une%20Unit%C3%A9',
    '/api/alerts/history?limit=0',
    '/api/alerts/history?limit=501',
    '/api/alerts/history?kind=inconnue',
    '/api/alerts/history?before=0',
    '/api/alerts/history?before=abc',
  ])('refuses %s with a coded 400', async (url) => {
    const res = await get(url, coordinator);
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; message: string };
    expect(body.code).toBe('DSH_ALERT_BAD_INPUT');
    expect(body.message.length).toBeGreaterThan(10);
  });

  it('keeps alerts from funders and from anyone not logged in', async () => {
    for (const url of ['/api/alerts', '/api/alerts/history']) {
      const forbidden = await get(url, viewer);
      expect(forbidden.statusCode).toBe(403);
      expect((forbidden.json() as { code: string }).code).toBe('DSH_AUTH_FORBIDDEN');
      const anonymous = await get(url);
      expect(anonymous.statusCode).toBe(401);
      expect((anonymous.json() as { code: string }).code).toBe('DSH_AUTH_UNAUTHENTICATED');
    }
  });

  it('acknowledges as the logged-in coordinator, once, and tells the live push', async () => {
    const res = await ack(ids.low as number, coordinator);
    expect(res.statusCode).toBe(200);
    expect((res.json() as { alert: unknown }).alert).toMatchObject({
      id: ids.low,
      acknowledgedBy: 'coordination',
      acknowledgedAt: 5_000,
      active: true,
    });
    expect(changes.map((c) => [c.outcome, c.alert.id])).toEqual([['acknowledged', ids.low]]);

    // Again: the first acknowledgement stands and nothing new is pushed.
    const again = await ack(ids.low as number, coordinator);
    expect(again.statusCode).toBe(200);
    expect((again.json() as { alert: { acknowledgedBy: string } }).alert.acknowledgedBy).toBe('coordination');
    expect(changes).toHaveLength(1);

    const open = await get('/api/alerts?unitId=tri-01', coordinator);
    const low = (open.json() as { alerts: { id: number; acknowledgedBy: string | null }[] }).alerts.find(
      (a) => a.id === ids.low,
    );
    expect(low?.acknowledgedBy).toBe('coordination');
  });

  it('refuses an acknowledgement without the CSRF token, from a funder, or for a bad or unknown id', async () => {
    const noToken = await ack(ids.bms as number, coordinator, '');
    expect(noToken.statusCode).toBe(403);
    expect((noToken.json() as { code: string }).code).toBe('DSH_AUTH_CSRF');

    const funder = await ack(ids.bms as number, viewer);
    expect(funder.statusCode).toBe(403);
    expect((funder.json() as { code: string }).code).toBe('DSH_AUTH_FORBIDDEN');

    const unknown = await ack(999_999, coordinator);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ code: 'DSH_ALERT_UNKNOWN', message: 'Aucune alerte n’a l’identifiant 999999.' });

    for (const bad of ['abc', '0', '-3', '1.5']) {
      const res = await ack(bad, coordinator);
      expect(res.statusCode, bad).toBe(400);
      expect((res.json() as { code: string }).code).toBe('DSH_ALERT_BAD_INPUT');
    }

    const open = await get('/api/alerts?unitId=tri-01', coordinator);
    const bms = (open.json() as { alerts: { id: number; acknowledgedAt: number | null }[] }).alerts.find(
      (a) => a.id === ids.bms,
    );
    expect(bms?.acknowledgedAt).toBeNull();
  });

  it('documents the three routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: OPENAPI_PATH })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths['/api/alerts/history']?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '403']),
    );
    const names = doc.paths['/api/alerts/history']?.get?.parameters?.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['unitId', 'kind', 'before', 'limit']));
    expect(Object.keys(doc.paths['/api/alerts/{id}/ack']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '404', '401', '403']),
    );
    expect(doc.paths['/api/alerts']?.get).toBeDefined();
  });
});
