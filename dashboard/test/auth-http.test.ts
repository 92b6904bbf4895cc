import Fastify, { type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_MIGRATIONS } from '../src/auth/migrations.js';
import { type AuthPluginOptions, authPlugin } from '../src/auth/plugin.js';
import { Permission, type Role } from '../src/auth/roles.js';
import { hashSessionId } from '../src/auth/sessions.js';
import type { SqlDb } from '../src/store/sql/types.js';
import { captureLogger } from './helpers.js';
import { ENGINES, openTestDb } from './support/engines.js';

const PASSWORDS: Record<Role, string> = {
  admin: 'admin password 123',
  technician: 'technician password 456',
  coordinator: 'coordinator password 789',
  viewer: 'viewer password 012',
};
const START = 1_700_000_000_000;
const MINUTE = 60_000;
const TTL = 8 * 60 * MINUTE;

/** A real fastify with the auth plugin and a few routes standing for the dashboard's. */
async function buildApp(db: SqlDb, extra: Partial<AuthPluginOptions> = {}) {
  const log = captureLogger();
  const clock = { t: START };
  const app = Fastify({ loggerInstance: log.logger });
  await app.register(authPlugin, { db, cookieSecure: true, sessionTtlMs: TTL, now: () => clock.t, ...extra });
  app.get('/api/fleet/positions', { preHandler: app.requirePermission(Permission.FLEET_VIEW) }, async () => ({
    positions: [],
  }));
  app.get('/api/units/:id', { onRequest: app.requirePermission(Permission.FLEET_VIEW) }, async (request) => ({
    id: (request.params as { id: string }).id,
  }));
  app.get('/api/reports/summary', { preHandler: app.requirePermission(Permission.REPORTS_VIEW) }, async () => ({
    kmTotal: 0,
  }));
  app.post(
    '/api/units/:id/commands',
    { preHandler: app.requirePermission(Permission.COMMANDS_SEND) },
    async (_request, reply) => reply.code(202).send({ queued: true }),
  );
  app.post('/api/users', { preHandler: app.requirePermission(Permission.USERS_MANAGE) }, async (request, reply) => {
    const body = request.body as { username: string; password: string; role: Role };
    const user = await app.auth.users.createUser(body);
    return reply.code(201).send({ id: user.id, by: request.user?.username });
  });
  await app.ready();
  return { app, clock, lines: log.lines };
}

type App = Awaited<ReturnType<typeof buildApp>>['app'];

interface Login {
  cookie: string;
  value: string;
  csrf: string;
  res: LightMyRequestResponse;
}

async function login(app: App, username: string, password: string, ip = '127.0.0.1'): Promise<Login> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { username, password },
    remoteAddress: ip,
  });
  const set = res.cookies[0];
  const body = res.json() as { csrfToken?: string };
  return { cookie: set ? `${set.name}=${set.value}` : '', value: set?.value ?? '', csrf: body.csrfToken ?? '', res };
}

describe.each(ENGINES)('auth plugin over HTTP on %s', (engine) => {
  let db: SqlDb;
  let built: Awaited<ReturnType<typeof buildApp>>;
  let app: App;

  beforeAll(async () => {
    db = (await openTestDb(engine, AUTH_MIGRATIONS)).db;
    built = await buildApp(db);
    app = built.app;
    for (const role of Object.keys(PASSWORDS) as Role[]) {
      await app.auth.users.createUser({ username: role, password: PASSWORDS[role], role });
    }
  });
  afterAll(async () => {
    await app.close();
  });

  it('logs in: a Secure, HttpOnly, SameSite=Strict __Host- cookie, the user, and a CSRF token', async () => {
    const { res, csrf, cookie } = await login(app, 'Coordinator', PASSWORDS.coordinator);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({
      user: {
        id: expect.any(Number),
        username: 'coordinator',
        displayName: 'coordinator',
        role: 'coordinator',
        permissions: ['fleet:view', 'reports:view', 'alerts:ack', 'location:pause'],
      },
      csrfToken: csrf,
      expiresAt: START + TTL,
    });
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(/^__Host-triporteur-session=[A-Za-z0-9_-]{43}; /);
    for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) expect(header).toContain(flag);
    expect(header).not.toMatch(/Domain=/i);
    const me = await app.inject({ url: '/api/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'coordinator' }, csrfToken: csrf });
  });

  it('answers a wrong password and an unknown user with the same coded 401 and no cookie', async () => {
    const wrong = await login(app, 'technician', 'not the password', '10.0.0.1');
    const unknown = await login(app, 'nobody', PASSWORDS.technician, '10.0.0.2');
    for (const { res } of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(wrong.res.json()).toEqual({
      code: 'DSH_AUTH_BAD_CREDENTIALS',
      message: 'Identifiant ou mot de passe incorrect.',
    });
    expect(unknown.res.json()).toEqual(wrong.res.json());
    const bad = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'DSH_AUTH_BAD_REQUEST' });
    expect((await app.inject('/api/me')).json()).toMatchObject({ code: 'DSH_AUTH_UNAUTHENTICATED' });
  });

  it('locks a username after 5 failures from any address, with Retry-After, and unlocks after the window', async () => {
    await app.auth.users.createUser({ username: 'target', password: 'target password 1', role: 'viewer' });
    for (let i = 0; i < 5; i++) {
      expect((await login(app, 'target', `guess number ${i}`, `10.1.0.${i}`)).res.statusCode).toBe(401);
    }
    const locked = await login(app, 'TARGET', 'target password 1', '10.1.0.99');
    expect(locked.res.statusCode).toBe(429);
    expect(locked.res.headers['retry-after']).toBe('900');
    expect(locked.res.json()).toMatchObject({ code: 'DSH_AUTH_RATE_LIMITED' });
    expect(locked.res.headers['set-cookie']).toBeUndefined();
    // Other accounts are not affected.
    expect((await login(app, 'viewer', PASSWORDS.viewer, '10.1.0.99')).res.statusCode).toBe(200);
    built.clock.t += 10 * MINUTE;
    expect((await login(app, 'target', 'target password 1', '10.1.0.99')).res.headers['retry-after']).toBe('300');
    built.clock.t += 5 * MINUTE;
    expect((await login(app, 'target', 'target password 1', '10.1.0.99')).res.statusCode).toBe(200);
  });

  it('locks an address after its own limit across usernames; other addresses still log in', async () => {
    const limited = await buildApp(db, { loginLimit: { perIp: 3 } });
    try {
      for (const name of ['a1', 'a2', 'a3']) {
        expect((await login(limited.app, name, 'some long password', '192.0.2.7')).res.statusCode).toBe(401);
      }
      const res = (await login(limited.app, 'admin', PASSWORDS.admin, '192.0.2.7')).res;
      expect(res.statusCode).toBe(429);
      expect((await login(limited.app, 'admin', PASSWORDS.admin, '192.0.2.8')).res.statusCode).toBe(200);
      limited.clock.t += 15 * MINUTE;
      expect((await login(limited.app, 'admin', PASSWORDS.admin, '192.0.2.7')).res.statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });

  it('ends a session at its expiry', async () => {
    const { cookie } = await login(app, 'coordinator', PASSWORDS.coordinator);
    built.clock.t += TTL - 1;
    expect((await app.inject({ url: '/api/fleet/positions', headers: { cookie } })).statusCode).toBe(200);
    built.clock.t += 1;
    const res = await app.inject({ url: '/api/fleet/positions', headers: { cookie } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'DSH_AUTH_UNAUTHENTICATED' });
  });

  it('logs out with the CSRF token: the session row is gone and the cookie cleared', async () => {
    const { cookie, csrf, value } = await login(app, 'technician', PASSWORDS.technician);
    const refused = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'DSH_AUTH_CSRF' });
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(200);

    const out = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^__Host-triporteur-session=; .*Expires=Thu, 01 Jan 1970/);
    expect(await db.get('SELECT 1 AS x FROM auth_sessions WHERE id_hash = $1', [hashSessionId(value)])).toBeUndefined();
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('refuses a state change without the right x-csrf-token, or from another site, with coded 403s', async () => {
    const { cookie, csrf } = await login(app, 'technician', PASSWORDS.technician);
    const post = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/units/tri-01/commands', headers: { cookie, ...headers }, payload: {} });
    expect((await post({})).json()).toMatchObject({ code: 'DSH_AUTH_CSRF' });
    // One character off (never the same one: a token ending in "A" would otherwise pass 1 time in 64).
    const wrong = await post({ 'x-csrf-token': `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'DSH_AUTH_CSRF' });
    const otherSite = await post({ 'x-csrf-token': csrf, origin: 'https://evil.example' });
    expect(otherSite.statusCode).toBe(403);
    expect(otherSite.json()).toMatchObject({ code: 'DSH_AUTH_CROSS_SITE' });
    expect((await post({ 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ 'x-csrf-token': csrf, origin: 'null' })).statusCode).toBe(403);
    const sameSite = await post({ 'x-csrf-token': csrf, origin: 'http://localhost', 'sec-fetch-site': 'same-origin' });
    expect(sameSite.statusCode).toBe(202);
    // Login itself needs no token, but a login posted by another site is refused (login CSRF).
    const crossLogin = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { origin: 'https://evil.example' },
      payload: { username: 'technician', password: PASSWORDS.technician },
    });
    expect(crossLogin.json()).toMatchObject({ code: 'DSH_AUTH_CROSS_SITE' });
  });

  it('sends a strict CSP and the other security headers on every answer', async () => {
    for (const url of ['/api/me', '/api/reports/summary', '/no/such/route']) {
      const res = await app.inject(url);
      const csp = String(res.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('applies each role: positions, unit detail, reports, commands, user management', async () => {
    const expected: Record<Role, [positions: number, unit: number, reports: number, command: number, users: number]> = {
      coordinator: [200, 200, 200, 403, 403],
      technician: [200, 200, 200, 202, 403],
      viewer: [403, 403, 200, 403, 403],
      admin: [200, 200, 200, 202, 201],
    };
    for (const role of Object.keys(expected) as Role[]) {
      const { cookie, csrf } = await login(app, role, PASSWORDS[role]);
      const headers = { cookie, 'x-csrf-token': csrf };
      const got = [
        (await app.inject({ url: '/api/fleet/positions', headers })).statusCode,
        (await app.inject({ url: '/api/units/tri-01', headers })).statusCode,
        (await app.inject({ url: '/api/reports/summary', headers })).statusCode,
        (await app.inject({ method: 'POST', url: '/api/units/tri-01/commands', headers, payload: {} })).statusCode,
        (
          await app.inject({
            method: 'POST',
            url: '/api/users',
            headers,
            payload: { username: `made-by-${role}`, password: 'a new long password', role: 'viewer' },
          })
        ).statusCode,
      ];
      expect({ role, got }).toEqual({ role, got: expected[role] });
    }
    const denied = await login(app, 'viewer', PASSWORDS.viewer);
    const res = await app.inject({ url: '/api/fleet/positions', headers: { cookie: denied.cookie } });
    expect(res.json()).toEqual({ code: 'DSH_AUTH_FORBIDDEN', message: expect.any(String) });
    expect((await login(app, 'made-by-admin', 'a new long password')).res.statusCode).toBe(200);
    expect((await app.inject('/api/fleet/positions')).statusCode).toBe(401);
    // Nothing to forge without a session: the route's own check answers 401.
    expect((await app.inject({ method: 'POST', url: '/api/units/tri-01/commands', payload: {} })).statusCode).toBe(401);
  });

  it('applies a role change and a disable to an open session at its next request', async () => {
    await app.auth.users.createUser({ username: 'mover', password: 'mover password 1', role: 'viewer' });
    const { cookie } = await login(app, 'mover', 'mover password 1');
    expect((await app.inject({ url: '/api/fleet/positions', headers: { cookie } })).statusCode).toBe(403);
    await app.auth.users.setRole('mover', 'coordinator');
    expect((await app.inject({ url: '/api/fleet/positions', headers: { cookie } })).statusCode).toBe(200);
    await app.auth.users.setDisabled('mover', true);
    expect((await app.inject({ url: '/api/fleet/positions', headers: { cookie } })).statusCode).toBe(401);
  });

  it('never stores or logs a password or a session id in clear', async () => {
    const session = await login(app, 'admin', PASSWORDS.admin);
    await login(app, 'admin', `${PASSWORDS.admin} typo`);
    await login(app, PASSWORDS.viewer, PASSWORDS.viewer); // a password typed into the name field
    const stored = JSON.stringify([
      await db.all('SELECT * FROM auth_users'),
      await db.all('SELECT * FROM auth_sessions'),
    ]);
    const logged = JSON.stringify(built.lines);
    for (const secret of [...Object.values(PASSWORDS), session.value]) {
      expect(stored).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
    expect(built.lines.some((l) => l.msg === 'login' && typeof l.userId === 'number')).toBe(true);
    expect(built.lines.some((l) => l.msg === 'login refused: bad credentials')).toBe(true);
  });
});

describe.each(ENGINES)('auth plugin without Secure cookies on %s', (engine) => {
  it('logs in only through a loopback host name, with a cookie that lacks Secure and HSTS', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    const { app } = await buildApp(db, { cookieSecure: false });
    try {
      await app.auth.users.createUser({ username: 'dev', password: 'developer password', role: 'admin' });
      const payload = { username: 'dev', password: 'developer password' };
      const remote = await app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { host: 'dash.example.org' },
        payload,
      });
      expect(remote.statusCode).toBe(403);
      expect(remote.json()).toMatchObject({ code: 'DSH_AUTH_INSECURE_TRANSPORT' });
      const local = await app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { host: '127.0.0.1:8080' },
        payload,
      });
      expect(local.statusCode).toBe(200);
      const header = String(local.headers['set-cookie']);
      expect(header).toMatch(/^triporteur-session=/);
      expect(header).toContain('HttpOnly');
      expect(header).toContain('SameSite=Strict');
      expect(header).not.toContain('Secure');
      expect(local.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
