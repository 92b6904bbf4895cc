import { describe, expect, it } from 'vitest';
import { AUTH_MIGRATIONS } from '../src/auth/migrations.js';
import { DEFAULT_COST, hashPassword, needsRehash, verifyPassword } from '../src/auth/passwords.js';
import { hashSessionId, SessionStore } from '../src/auth/sessions.js';
import { UserStore } from '../src/auth/users.js';
import { ENGINES, openTestDb } from './support/engines.js';

const PASSWORD = 'correct horse battery';
const HOUR = 60 * 60 * 1000;

describe('user passwords (scrypt)', () => {
  it('stores the cost and a fresh salt in each hash, and verifies only the right password', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, a)).toBe(false);
    // NFC: the same word typed with a combining accent is the same password.
    const accented = await hashPassword('mot de passe café');
    expect(await verifyPassword('mot de passe cafe\u0301', accented)).toBe(true);
  });

  it('refuses malformed hashes and costs outside the bounds instead of throwing', async () => {
    const good = await hashPassword(PASSWORD, { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword(PASSWORD, good)).toBe(true);
    expect(await verifyPassword(PASSWORD, good.replace('ln=10', 'ln=30'))).toBe(false);
    expect(await verifyPassword(PASSWORD, 'scrypt$abc$def')).toBe(false);
    expect(await verifyPassword(PASSWORD, '')).toBe(false);
    expect(needsRehash(good)).toBe(true);
    expect(needsRehash(good, { ln: 10, r: 8, p: 1 })).toBe(false);
    expect(needsRehash(await hashPassword(PASSWORD), DEFAULT_COST)).toBe(false);
  });
});

describe.each(ENGINES)('UserStore on %s', (engine) => {
  it('makes accounts unique case-insensitively and refuses bad names, roles and weak passwords', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    const users = new UserStore(db, { now: () => 1_000 });
    const alice = await users.createUser({ username: 'Alice', password: PASSWORD, role: 'coordinator' });
    expect(alice).toEqual({
      id: alice.id,
      username: 'Alice',
      displayName: 'Alice',
      role: 'coordinator',
      createdAt: 1_000,
      disabled: false,
    });
    await expect(users.createUser({ username: 'ALICE', password: PASSWORD, role: 'viewer' })).rejects.toMatchObject({
      code: 'DSH_AUTH_USER_EXISTS',
    });
    expect((await users.findByUsername('aLiCe'))?.id).toBe(alice.id);
    await expect(users.createUser({ username: 'bob', password: 'short', role: 'viewer' })).rejects.toMatchObject({
      code: 'DSH_AUTH_WEAK_PASSWORD',
    });
    await expect(users.createUser({ username: 'b o b', password: PASSWORD, role: 'viewer' })).rejects.toMatchObject({
      code: 'DSH_AUTH_BAD_USERNAME',
    });
    await expect(
      users.createUser({ username: 'bob', password: PASSWORD, role: 'funder' as 'viewer' }),
    ).rejects.toMatchObject({ code: 'DSH_AUTH_BAD_ROLE' });
    expect((await users.listUsers()).map((u) => u.username)).toEqual(['Alice']);
  });

  it('answers a login the same way for an unknown name, a wrong password and a disabled account', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    const users = new UserStore(db);
    await users.createUser({ username: 'root', password: PASSWORD, role: 'admin' });
    const tech = await users.createUser({ username: 'tech', password: PASSWORD, role: 'technician' });
    const ok = await users.verifyLogin('TECH', PASSWORD);
    expect(ok.ok && ok.user.id).toBe(tech.id);
    expect(await users.verifyLogin('tech', 'wrong password!!')).toEqual({ ok: false, userId: tech.id });
    expect(await users.verifyLogin('nobody', PASSWORD)).toEqual({ ok: false });
    expect(await users.verifyLogin('not a valid name', PASSWORD)).toEqual({ ok: false });
    await users.setDisabled('tech', true);
    expect(await users.verifyLogin('tech', PASSWORD)).toEqual({ ok: false, userId: tech.id });
    await users.setDisabled('tech', false);
    expect((await users.verifyLogin('tech', PASSWORD)).ok).toBe(true);
  });

  it('never lets the last active admin be demoted or disabled', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    const users = new UserStore(db);
    await users.createUser({ username: 'root', password: PASSWORD, role: 'admin' });
    await expect(users.setRole('root', 'technician')).rejects.toMatchObject({ code: 'DSH_AUTH_LAST_ADMIN' });
    await expect(users.setDisabled('root', true)).rejects.toMatchObject({ code: 'DSH_AUTH_LAST_ADMIN' });
    await users.createUser({ username: 'second', password: PASSWORD, role: 'coordinator' });
    await users.setRole('second', 'admin');
    expect(await users.countActiveAdmins()).toBe(2);
    expect((await users.setRole('root', 'technician')).role).toBe('technician');
    await expect(users.setDisabled('second', true)).rejects.toMatchObject({ code: 'DSH_AUTH_LAST_ADMIN' });
    await expect(users.setRole('ghost', 'viewer')).rejects.toMatchObject({ code: 'DSH_AUTH_UNKNOWN_USER' });
  });

  it('upgrades a hash made with an older cost at the next good login', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    await new UserStore(db, { passwordCost: { ln: 10, r: 8, p: 1 } }).createUser({
      username: 'old',
      password: PASSWORD,
      role: 'viewer',
    });
    const stored = async () =>
      (await db.get<{ password_hash: string }>("SELECT password_hash FROM auth_users WHERE username = 'old'"))
        ?.password_hash;
    expect(await stored()).toMatch(/^\$scrypt\$ln=10,/);
    expect((await new UserStore(db).verifyLogin('old', PASSWORD)).ok).toBe(true);
    expect(await stored()).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
    expect((await new UserStore(db).verifyLogin('old', PASSWORD)).ok).toBe(true);
  });
});

describe.each(ENGINES)('SessionStore on %s', (engine) => {
  async function setup() {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    const clock = { t: 1_700_000_000_000 };
    const now = () => clock.t;
    const users = new UserStore(db, { now });
    const sessions = new SessionStore(db, { ttlMs: 2 * HOUR, now });
    const user = await users.createUser({ username: 'coord', password: PASSWORD, role: 'coordinator' });
    return { db, clock, users, sessions, user };
  }

  it('keeps only the SHA-256 of the session id and finds the session by the id', async () => {
    const { db, sessions, user, clock } = await setup();
    const s = await sessions.create(user.id);
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.expiresAt).toBe(clock.t + 2 * HOUR);
    const rows = await db.all<Record<string, unknown>>('SELECT * FROM auth_sessions');
    expect(rows).toEqual([
      {
        id_hash: hashSessionId(s.id),
        user_id: user.id,
        created_at: clock.t,
        expires_at: clock.t + 2 * HOUR,
        last_seen: clock.t,
        csrf_token: s.csrfToken,
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(s.id);
    const found = await sessions.lookup(s.id);
    expect(found?.user.username).toBe('coord');
    expect(found?.csrfToken).toBe(s.csrfToken);
    expect(await sessions.lookup(hashSessionId(s.id))).toBeUndefined();
    expect(await sessions.lookup('not-a-session')).toBeUndefined();
  });

  it('ends a session at its expiry, deletes expired rows, and records last_seen at most once a minute', async () => {
    const { db, sessions, user, clock } = await setup();
    const s = await sessions.create(user.id);
    const start = clock.t;
    clock.t += 30_000;
    await sessions.lookup(s.id);
    const lastSeen = async () => (await db.get<{ l: number }>('SELECT last_seen AS l FROM auth_sessions'))?.l;
    expect(await lastSeen()).toBe(start);
    clock.t += 60_000;
    await sessions.lookup(s.id);
    expect(await lastSeen()).toBe(start + 90_000);
    clock.t = start + 2 * HOUR - 1;
    expect(await sessions.lookup(s.id)).toBeDefined();
    clock.t = start + 2 * HOUR;
    expect(await sessions.lookup(s.id)).toBeUndefined();
    const fresh = await sessions.create(user.id);
    expect(await sessions.expire()).toBe(1);
    expect(await db.all('SELECT id_hash FROM auth_sessions')).toEqual([{ id_hash: hashSessionId(fresh.id) }]);
  });

  it('revokes one session, and every session of a disabled account or a changed password', async () => {
    const { sessions, users, user } = await setup();
    const a = await sessions.create(user.id);
    const b = await sessions.create(user.id);
    expect(await sessions.revoke(a.id)).toBe(true);
    expect(await sessions.lookup(a.id)).toBeUndefined();
    expect(await sessions.lookup(b.id)).toBeDefined();
    await users.setRole('coord', 'viewer');
    expect((await sessions.lookup(b.id))?.user.role).toBe('viewer');
    await users.setDisabled('coord', true);
    expect(await sessions.lookup(b.id)).toBeUndefined();
    await users.setDisabled('coord', false);
    expect(await sessions.lookup(b.id)).toBeUndefined();
    const c = await sessions.create(user.id);
    await users.setPassword('coord', 'another long password');
    expect(await sessions.lookup(c.id)).toBeUndefined();
    expect((await users.verifyLogin('coord', 'another long password')).ok).toBe(true);
  });
});
