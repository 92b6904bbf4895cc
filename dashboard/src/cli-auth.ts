import type { Command } from 'commander';
import { AuthError, AuthErrorCode } from './auth/errors.js';
import { checkPasswordStrength } from './auth/passwords.js';
import { isRole, ROLE_LABELS, ROLES, type Role } from './auth/roles.js';
import { type User, UserStore } from './auth/users.js';
import type { SqlDb } from './store/sql/types.js';

export interface AuthCliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
}

/** The store named by a dashboard config, migrated (AUTH_MIGRATIONS included), and how to close it. */
export interface OpenedDb {
  db: SqlDb;
  close(): Promise<void>;
}

export interface AuthCliDeps {
  io: AuthCliIo;
  openDb(configPath: string): Promise<OpenedDb>;
}

export interface CreateAdminInput {
  db: SqlDb;
  username: string;
  password: string;
  displayName?: string;
  /** Create it even though an active admin exists. */
  force?: boolean;
}

/** The first admin (or, with force, another one). Refuses when an active admin exists. */
export async function runCreateAdmin(input: CreateAdminInput): Promise<User> {
  const users = new UserStore(input.db);
  if (!input.force && (await users.countActiveAdmins()) > 0) {
    throw new AuthError(
      AuthErrorCode.ADMIN_EXISTS,
      'Un administrateur actif existe déjà : gérez les comptes depuis le tableau de bord, ou ajoutez --force.',
    );
  }
  return users.createUser({
    username: input.username,
    password: input.password,
    role: 'admin',
    ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
}

/** Reads one line from a terminal in raw mode, so the password is never echoed. */
function promptHidden(io: AuthCliIo, question: string): Promise<string> {
  const input = io.stdin;
  io.stderr.write(question);
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = () => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      io.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(text);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new AuthError(AuthErrorCode.NO_PASSWORD, 'Saisie du mot de passe interrompue.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else if (ch >= ' ') text += ch;
      }
    };
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}

/** From a terminal: asked twice, not echoed. Otherwise: all of stdin, without its final newline. */
export async function readNewPassword(io: AuthCliIo): Promise<string> {
  let password: string;
  if (io.stdin.isTTY && io.stdin.setRawMode) {
    password = await promptHidden(io, 'Mot de passe (12 caractères au moins) : ');
    checkPasswordStrength(password);
    if ((await promptHidden(io, 'Confirmez le mot de passe : ')) !== password) {
      throw new AuthError(AuthErrorCode.NO_PASSWORD, 'Les deux saisies diffèrent : rien n’a été changé.');
    }
  } else {
    password = (await readAll(io.stdin)).replace(/\r?\n$/, '');
  }
  if (password.length === 0)
    throw new AuthError(AuthErrorCode.NO_PASSWORD, 'Aucun mot de passe lu sur l’entrée standard.');
  checkPasswordStrength(password);
  return password;
}

function parseRole(value: string): Role {
  if (!isRole(value)) {
    throw new AuthError(AuthErrorCode.BAD_ROLE, `Rôle inconnu « ${value} » ; rôles possibles : ${ROLES.join(', ')}.`);
  }
  return value;
}

async function withDb<T>(deps: AuthCliDeps, configPath: string, fn: (db: SqlDb) => Promise<T>): Promise<T> {
  const opened = await deps.openDb(configPath);
  try {
    return await fn(opened.db);
  } finally {
    await opened.close();
  }
}

interface UserOpts {
  config: string;
  username: string;
  displayName?: string;
}

/** create-admin, add-user, set-role, disable-user and enable-user on `program`. */
export function registerAuthCommands(program: Command, deps: AuthCliDeps): void {
  const { io } = deps;
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const roleHelp = ROLES.map((r) => `${r} (${ROLE_LABELS[r]})`).join(', ');

  program
    .command('create-admin')
    .description('create the first admin account; the password is read on stdin or typed without echo')
    .requiredOption('--config <file>', 'dashboard config file')
    .requiredOption('--username <name>', 'login name')
    .option('--display-name <name>', 'name shown in the dashboard')
    .option('--force', 'create it even though an active admin exists')
    .action(async (opts: UserOpts & { force?: boolean }) => {
      const password = await readNewPassword(io);
      const user = await withDb(deps, opts.config, (db) =>
        runCreateAdmin({
          db,
          username: opts.username,
          password,
          force: opts.force === true,
          ...(opts.displayName !== undefined ? { displayName: opts.displayName } : {}),
        }),
      );
      say(`Compte administrateur « ${user.username} » créé.`);
    });

  program
    .command('add-user')
    .description('create an account; the password is read on stdin or typed without echo')
    .requiredOption('--config <file>', 'dashboard config file')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--role <role>', roleHelp)
    .option('--display-name <name>', 'name shown in the dashboard')
    .action(async (opts: UserOpts & { role: string }) => {
      const role = parseRole(opts.role);
      const password = await readNewPassword(io);
      const user = await withDb(deps, opts.config, (db) =>
        new UserStore(db).createUser({
          username: opts.username,
          password,
          role,
          ...(opts.displayName !== undefined ? { displayName: opts.displayName } : {}),
        }),
      );
      say(`Compte « ${user.username} » créé avec le rôle ${user.role}.`);
    });

  program
    .command('set-role')
    .description("change an account's role; open sessions follow at their next request")
    .requiredOption('--config <file>', 'dashboard config file')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--role <role>', roleHelp)
    .action(async (opts: UserOpts & { role: string }) => {
      const role = parseRole(opts.role);
      const user = await withDb(deps, opts.config, (db) => new UserStore(db).setRole(opts.username, role));
      say(`Compte « ${user.username} » : rôle ${user.role}.`);
    });

  for (const [name, disabled] of [
    ['disable-user', true],
    ['enable-user', false],
  ] as const) {
    program
      .command(name)
      .description(disabled ? 'disable an account and end its sessions' : 'enable a disabled account again')
      .requiredOption('--config <file>', 'dashboard config file')
      .requiredOption('--username <name>', 'login name')
      .action(async (opts: UserOpts) => {
        const user = await withDb(deps, opts.config, (db) => new UserStore(db).setDisabled(opts.username, disabled));
        say(`Compte « ${user.username} » ${disabled ? 'désactivé' : 'réactivé'}.`);
      });
  }
}
