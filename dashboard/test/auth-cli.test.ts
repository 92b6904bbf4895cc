import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { AUTH_MIGRATIONS } from '../src/auth/migrations.js';
import { UserStore } from '../src/auth/users.js';
import { readNewPassword, registerAuthCommands, runCreateAdmin } from '../src/cli-auth.js';
import type { SqlDb } from '../src/store/sql/types.js';
import { ENGINES, openTestDb } from './support/engines.js';

const PASSWORD = 'first admin password';

/** The real commands on a fresh program, stdin piped, the config path and closes recorded. */
function cli(db: SqlDb, stdin: string) {
  const out: string[] = [];
  const opened: string[] = [];
  let closed = 0;
  const program = new Command('test').exitOverride().configureOutput({ writeErr: () => undefined });
  registerAuthCommands(program, {
    io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => true }, stdin: Readable.from([stdin]) },
    openDb: async (configPath) => {
      opened.push(configPath);
      return {
        db,
        close: async () => {
          closed += 1;
        },
      };
    },
  });
  return {
    run: (...args: string[]) => program.parseAsync(args, { from: 'user' }),
    out,
    opened,
    closed: () => closed,
  };
}

/** A terminal: raw mode recorded, each typed line sent when its prompt appears. */
function terminal(lines: string[]) {
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    modes: [] as boolean[],
    setRawMode(mode: boolean) {
      stdin.modes.push(mode);
      return stdin;
    },
  });
  const shown: string[] = [];
  const stderr = {
    write: (s: string) => {
      shown.push(s);
      const next = s.includes(':') ? lines.shift() : undefined;
      if (next !== undefined) setImmediate(() => stdin.write(next));
      return true;
    },
  };
  return { io: { stdout: { write: () => true }, stderr, stdin }, shown, modes: stdin.modes };
}

describe('password prompt on a terminal', () => {
  it('asks twice in raw mode, never echoes, and honours backspace', async () => {
    const t = terminal(['first admin passwordX\x7f\r', 'first admin password\r']);
    expect(await readNewPassword(t.io)).toBe(PASSWORD);
    expect(t.modes).toEqual([true, false, true, false]);
    expect(t.shown.join('')).not.toContain('first admin');
  });

  it('refuses two different entries and stops on Ctrl-C', async () => {
    await expect(readNewPassword(terminal([`${PASSWORD}\r`, 'another password!\r']).io)).rejects.toMatchObject({
      code: 'DSH_AUTH_NO_PASSWORD',
    });
    const interrupted = terminal(['first ad\x03']);
    await expect(readNewPassword(interrupted.io)).rejects.toMatchObject({ code: 'DSH_AUTH_NO_PASSWORD' });
    expect(interrupted.modes).toEqual([true, false]);
  });
});

describe.each(ENGINES)('auth CLI on %s', (engine) => {
  it('runCreateAdmin makes the first admin, then refuses another unless forced', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    const admin = await runCreateAdmin({ db, username: 'root', password: PASSWORD, displayName: 'Régie' });
    expect(admin).toMatchObject({ username: 'root', displayName: 'Régie', role: 'admin', disabled: false });
    await expect(runCreateAdmin({ db, username: 'other', password: PASSWORD })).rejects.toMatchObject({
      code: 'DSH_AUTH_ADMIN_EXISTS',
    });
    await expect(runCreateAdmin({ db, username: 'other', password: 'too short', force: true })).rejects.toMatchObject({
      code: 'DSH_AUTH_WEAK_PASSWORD',
    });
    expect((await runCreateAdmin({ db, username: 'other', password: PASSWORD, force: true })).role).toBe('admin');
    expect(await new UserStore(db).countActiveAdmins()).toBe(2);
  });

  it('create-admin reads the password on stdin, opens the configured store and closes it', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    const c = cli(db, `${PASSWORD}\n`);
    await c.run('create-admin', '--config', '/etc/triporteur/dashboard.json', '--username', 'Root');
    expect(c.opened).toEqual(['/etc/triporteur/dashboard.json']);
    expect(c.closed()).toBe(1);
    expect(c.out.join('')).toBe('Compte administrateur « Root » créé.\n');
    expect((await new UserStore(db).verifyLogin('root', PASSWORD)).ok).toBe(true);
    await expect(
      cli(db, `${PASSWORD}\n`).run('create-admin', '--config', 'd.json', '--username', 'again'),
    ).rejects.toMatchObject({ code: 'DSH_AUTH_ADMIN_EXISTS' });
  });

  it('refuses a weak or empty password before opening the store', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    for (const stdin of ['eleven char\n', '']) {
      const c = cli(db, stdin);
      await expect(c.run('create-admin', '--config', 'd.json', '--username', 'root')).rejects.toMatchObject({
        code: stdin === '' ? 'DSH_AUTH_NO_PASSWORD' : 'DSH_AUTH_WEAK_PASSWORD',
      });
      expect(c.opened).toEqual([]);
    }
    expect(await new UserStore(db).listUsers()).toEqual([]);
  });

  it('add-user, set-role, disable-user and enable-user change the account', async () => {
    const { db } = await openTestDb(engine, AUTH_MIGRATIONS);
    const users = new UserStore(db);
    await cli(db, 'coordinator password\n').run(
      'add-user',
      '--config',
      'd.json',
      '--username',
      'marie',
      '--role',
      'coordinator',
      '--display-name',
      'Marie C.',
    );
    expect(await users.findByUsername('marie')).toMatchObject({ role: 'coordinator', displayName: 'Marie C.' });
    await cli(db, '').run('set-role', '--config', 'd.json', '--username', 'MARIE', '--role', 'viewer');
    expect((await users.findByUsername('marie'))?.role).toBe('viewer');
    await expect(
      cli(db, '').run('set-role', '--config', 'd.json', '--username', 'marie', '--role', 'funder'),
    ).rejects.toMatchObject({ code: 'DSH_AUTH_BAD_ROLE' });
    const disable = cli(db, '');
    await disable.run('disable-user', '--config', 'd.json', '--username', 'marie');
    expect(disable.out.join('')).toBe('Compte « marie » désactivé.\n');
    expect((await users.verifyLogin('marie', 'coordinator password')).ok).toBe(false);
    await cli(db, '').run('enable-user', '--config', 'd.json', '--username', 'marie');
    expect((await users.verifyLogin('marie', 'coordinator password')).ok).toBe(true);
    await expect(cli(db, '').run('disable-user', '--config', 'd.json', '--username', 'ghost')).rejects.toMatchObject({
      code: 'DSH_AUTH_UNKNOWN_USER',
    });
  });
});
