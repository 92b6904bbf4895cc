import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer, type HttpServer, type HttpServerOptions, tileOrigin } from '../src/http/server.js';
import { openSqliteStore } from '../src/store/open.js';
import type { SqlFleetStore } from '../src/store/sql-store.js';
import { captureLogger, telemetry, tempDir } from './helpers.js';
import { RIDE_FINAL_STATE, rideBatch } from './records-v2.js';
import { UNIT_CLOCKS_TRUSTED } from './support/engines.js';
import { loginAs } from './support/login.js';

const BOOT = 'boot-http-0001';

/** The smallest real change source: listeners in a set, fired by hand. */
function changeSource() {
  const listeners = new Set<(unitId: string) => void>();
  return {
    onChange(listener: (unitId: string) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire: (unitId: string) => {
      for (const l of listeners) l(unitId);
    },
  };
}

/** The HTTP server over `store`, as startDashboard builds it, minus the broker-side options. */
function serverOver(store: SqlFleetStore, logger: Logger, extra: Partial<HttpServerOptions> = {}) {
  return buildHttpServer({
    store,
    db: store.db,
    cookieSecure: false,
    changes: changeSource(),
    health: () => ({ ok: true }),
    logger,
    ...extra,
  });
}

describe('http server (inject)', () => {
  const { logger } = captureLogger();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: SqlFleetStore;
  let app: HttpServer;
  /** A coordinator's session: the fleet routes need one. */
  let cookie: string;
  const get = (url: string) => app.inject({ url, headers: { cookie } });

  beforeAll(async () => {
    dir = await tempDir();
    store = await openSqliteStore(join(dir.path, 'fleet.db'), { clock: UNIT_CLOCKS_TRUSTED });
    await store.upsertUnits([
      { id: 'tri-01', name: 'Vélo <Nord> & "Sud"' },
      { id: 'tri-02', name: 'Deux' },
    ]);
    await store.applyState('tri-01', { v: 1, state: 'online', bootId: BOOT, ts: 1 }, 1_700_000_000_000);
    await store.insertRecords('tri-01', BOOT, telemetry(BOOT, [1], 87.4).records, 1_700_000_000_000);
    // Replayed records of another boot: they fill /state but leave the battery summary on the live record.
    const ride = rideBatch('boot-http-v2-01', [0, 1, 2, 3, 4, 5, 6], true);
    await store.insertRecordsV2('tri-01', ride.bootId, ride.records, 1_700_000_000_000);
    app = await serverOver(store, logger);
    await app.ready();
    cookie = (await loginAs(app, 'coordination', 'coordinator')).cookie;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await dir.remove();
  });

  it('GET /api/units returns every unit with its latest values', async () => {
    const res = await get('/api/units');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json() as { units: unknown[] };
    expect(body.units).toHaveLength(2);
    expect(body.units).toContainEqual({
      id: 'tri-01',
      name: 'Vélo <Nord> & "Sud"',
      online: true,
      bootId: BOOT,
      lastSeen: 1_700_000_000_000,
      battery: { ts: 1_700_000_001_000, socPct: 87.4, voltageV: 52.3, currentA: -4.5 },
    });
    expect(body.units).toContainEqual({
      id: 'tri-02',
      name: 'Deux',
      online: false,
      bootId: null,
      lastSeen: null,
      battery: null,
    });
  });

  it('GET /api/units/:id/state returns the folded state, every field of it', async () => {
    const res = await get('/api/units/tri-01/state');
    expect(res.statusCode).toBe(200);
    // The response schema decides what is serialised: nested values (fets, q, arrays) must all survive it.
    expect(res.json()).toEqual({
      unitId: 'tri-01',
      bootId: 'boot-http-v2-01',
      lastSeq: 6,
      receivedAt: 1_700_000_000_000,
      state: RIDE_FINAL_STATE,
    });
    const none = await get('/api/units/tri-02/state');
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ unitId: 'tri-02', bootId: null, lastSeq: null, receivedAt: null, state: null });
    const unknown = await get('/api/units/tri-99/state');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ code: 'DSH_UNKNOWN_UNIT', message: 'no unit "tri-99"' });
  });

  it('GET / comes compressed when the browser accepts it, as the same page', async () => {
    const plainPage = await get('/');
    for (const [encoding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const res = await app.inject({ url: '/', headers: { cookie, 'accept-encoding': `${encoding}, deflate` } });
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.vary).toContain('accept-encoding');
      expect(decode(res.rawPayload).toString('utf8')).toBe(plainPage.body);
    }
  });

  it('GET / serves the French page with rows, strict CSP and no inline script', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const html = res.body;
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<title>Triporteurs — flotte</title>');
    expect(html).toMatch(/<caption[^>]*>/);
    for (const heading of [
      'Triporteur',
      'État',
      'Batterie (%)',
      'Tension (V)',
      'Courant (A)',
      'Vu pour la dernière fois',
    ]) {
      expect(html).toContain(`>${heading}</th>`);
    }
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is an external file
    const row = /<tr data-unit="tri-01"[^>]*>(.*?)<\/tr>/s.exec(html)?.[1] ?? '';
    expect(row).toContain('Vélo &lt;Nord&gt; &amp; &quot;Sud&quot;');
    expect(row).toContain('<td data-field="state"><span class="badge badge-online">En ligne</span></td>');
    expect(row).toContain('<td data-field="soc">87</td>');
    expect(row).toContain('<td data-field="voltage">52,3</td>');
    expect(row).toContain('<td data-field="current">-4,5</td>');
    expect(row).toMatch(/<td data-field="lastSeen"><time datetime="2023-11-14T22:13:20.000Z">/);
    expect(html).toMatch(/<tr data-unit="tri-02"[^>]*>.*Hors ligne.*jamais/s);
  });

  it('serves the script and stylesheet with their types', async () => {
    const js = await app.inject('/app.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain("new EventSource('/api/live')");
    const css = await app.inject('/style.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain(':focus-visible');
  });

  it('serves the map and chart libraries from their packages, compressed when asked, with validators', async () => {
    const plain = await app.inject('/vendor/leaflet.js');
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('Leaflet');
    const br = await app.inject({ url: '/vendor/leaflet.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(brotliDecompressSync(br.rawPayload).toString('utf8')).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    const gz = await app.inject({ url: '/vendor/uPlot.iife.min.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toContain('uPlot');
    const again = await app.inject({
      url: '/vendor/leaflet.js',
      headers: { 'if-none-match': String(plain.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const png = await app.inject({ url: '/vendor/images/marker-icon.png', headers: { 'accept-encoding': 'br' } });
    expect([png.headers['content-type'], png.headers['content-encoding']]).toEqual(['image/png', undefined]);
    expect((await app.inject('/vendor/leaflet.js.map')).statusCode).toBe(404);
  });

  it('answers unknown routes with JSON 404 and healthz with the health report', async () => {
    const missing = await app.inject('/api/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'DSH_NOT_FOUND', message: 'no route GET /api/nope' });
    expect(missing.headers['content-security-policy']).toBeDefined();
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ ok: true, status: 'ok' });
  });

  it('hides internal errors from clients', async () => {
    const broken = await openSqliteStore(join(dir.path, 'broken.db'), { clock: UNIT_CLOCKS_TRUSTED });
    const brokenApp = await serverOver(broken, logger, { health: () => ({ ok: false }) });
    const brokenCookie = (await loginAs(brokenApp, 'technique', 'technician')).cookie;
    await broken.close(); // every query now throws inside better-sqlite3
    try {
      const res = await brokenApp.inject({ url: '/api/units', headers: { cookie: brokenCookie } });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ code: 'DSH_INTERNAL', message: 'internal server error' });
      expect(res.body).not.toMatch(/sqlite|at .*\.ts/i);
      expect((await brokenApp.inject('/healthz')).statusCode).toBe(503);
    } finally {
      await brokenApp.close();
    }
  });
});

describe('http server: map tiles', () => {
  const { logger } = captureLogger();

  it('gives the page its tile settings and lets the tile host, and no other, through the CSP', async () => {
    const dir = await tempDir();
    const store = await openSqliteStore(join(dir.path, 'fleet.db'));
    const tileUrl = 'https://{s}.tiles.example.org/{z}/{x}/{y}.png';
    const app = await serverOver(store, logger, { ui: { tileUrl, tileAttribution: '© contributeurs OpenStreetMap' } });
    try {
      const { cookie } = await loginAs(app, 'coordination', 'coordinator');
      const res = await app.inject({ url: '/api/ui-config', headers: { cookie } });
      expect(res.json()).toEqual({ tileUrl, tileAttribution: '© contributeurs OpenStreetMap' });
      expect(res.headers['content-security-policy']).toContain("img-src 'self' https://*.tiles.example.org;");
      expect((await app.inject('/api/ui-config')).statusCode).toBe(401);
      expect(tileOrigin('/tiles/{z}/{x}/{y}.png')).toBeUndefined();
    } finally {
      await app.close();
      await store.close();
      await dir.remove();
    }
  });
});

describe('http server: who may see the fleet', () => {
  const { logger } = captureLogger();

  it('sends a browser without a session to the login page, gives the API a coded 401, and keeps the viewer off live data', async () => {
    const dir = await tempDir();
    const store = await openSqliteStore(join(dir.path, 'fleet.db'));
    const app = await serverOver(store, logger);
    try {
      const page = await app.inject('/');
      expect(page.statusCode).toBe(303);
      expect(page.headers.location).toBe('/login.html');
      const login = await app.inject('/login.html');
      expect(login.statusCode).toBe(200);
      expect(login.body).toContain('<html lang="fr">');
      expect(login.body).toContain('Se connecter');
      for (const url of ['/api/units', '/api/units/tri-01/state', '/api/live']) {
        const res = await app.inject(url);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ code: 'DSH_AUTH_UNAUTHENTICATED' });
      }
      const viewer = (await loginAs(app, 'financeur', 'viewer')).cookie;
      const denied = await app.inject({ url: '/api/units', headers: { cookie: viewer } });
      expect(denied.statusCode).toBe(403);
      const viewerPage = await app.inject({ url: '/', headers: { cookie: viewer } });
      // Their home is the aggregated reports: the page with the live map sends them there.
      expect(viewerPage.statusCode).toBe(303);
      expect(viewerPage.headers.location).toBe('/reports.html');
      expect(viewerPage.body).not.toContain('<table');
    } finally {
      await app.close();
      await store.close();
      await dir.remove();
    }
  });
});
