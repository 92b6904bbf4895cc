import { randomBytes } from 'node:crypto';
import type { SqlDb, SqlExecutor } from '../store/sql/types.js';
import { AuthError, AuthErrorCode } from './errors.js';
import {
  checkPasswordStrength,
  DEFAULT_COST,
  hashPassword,
  needsRehash,
  type ScryptCost,
  verifyPassword,
} from './passwords.js';
import { isRole, ROLES, type Role } from './roles.js';

export interface User {
  id: number;
  /** As the person typed it when the account was made; logins match it case-insensitively. */
  username: string;
  displayName: string;
  /** A Role; a value this code does not know grants nothing (see `can`). */
  role: string;
  createdAt: number;
  disabled: boolean;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  /** Defaults to the username. */
  displayName?: string;
}

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false /** Set when the name matched an account. */; userId?: number };

export interface UserStoreOptions {
  now?: () => number;
  /** scrypt cost for new hashes; older hashes are upgraded at the next good login. */
  passwordCost?: ScryptCost;
}

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  created_at: number;
  disabled: number;
}

export const USER_COLUMNS = 'id, username, display_name, role, password_hash, created_at, disabled';
// Serialises the "last admin" checks across dashboard processes sharing one PostgreSQL.
const USERS_LOCK = 7_274_840;
const USERNAME_PATTERN = /^[\p{L}\p{N}._@+-]{1,254}$/u;
const MAX_DISPLAY_NAME = 120;

export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    createdAt: row.created_at,
    disabled: row.disabled !== 0,
  };
}

/** The case-folded key logins and uniqueness use; undefined when the name is not acceptable. */
export function usernameKey(username: string): string | undefined {
  const name = username.trim().normalize('NFC');
  return USERNAME_PATTERN.test(name) ? name.toLowerCase() : undefined;
}

function checkedKey(username: string): string {
  const key = usernameKey(username);
  if (key === undefined) {
    throw new AuthError(
      AuthErrorCode.BAD_USERNAME,
      "L'identifiant doit compter de 1 à 254 caractères : lettres, chiffres, « . _ @ + - », sans espace.",
    );
  }
  return key;
}

function checkedRole(role: unknown): Role {
  if (!isRole(role)) {
    throw new AuthError(AuthErrorCode.BAD_ROLE, `Rôle inconnu ; rôles possibles : ${ROLES.join(', ')}.`);
  }
  return role;
}

function checkedDisplayName(displayName: string): string {
  const name = displayName.trim().normalize('NFC');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (name.length === 0 || name.length > MAX_DISPLAY_NAME || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new AuthError(
      AuthErrorCode.BAD_USERNAME,
      `Le nom affiché doit compter de 1 à ${MAX_DISPLAY_NAME} caractères, sans caractère de contrôle.`,
    );
  }
  return name;
}

/** Dashboard accounts on the SqlDb seam (tables from AUTH_MIGRATIONS). */
export class UserStore {
  private readonly now: () => number;
  private readonly cost: ScryptCost;
  private dummy: Promise<string> | undefined;

  constructor(
    private readonly db: SqlDb,
    options: UserStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.cost = options.passwordCost ?? DEFAULT_COST;
  }

  async createUser(input: NewUser): Promise<User> {
    const key = checkedKey(input.username);
    const role = checkedRole(input.role);
    const displayName = checkedDisplayName(input.displayName ?? input.username);
    checkPasswordStrength(input.password);
    const hash = await hashPassword(input.password, this.cost);
    const row = await this.db.get<UserRow>(
      `INSERT INTO auth_users (username, username_key, display_name, role, password_hash, created_at, disabled)
       VALUES ($1, $2, $3, $4, $5, $6, 0)
       ON CONFLICT (username_key) DO NOTHING
       RETURNING ${USER_COLUMNS}`,
      [input.username.trim().normalize('NFC'), key, displayName, role, hash, this.now()],
    );
    if (!row) throw new AuthError(AuthErrorCode.USER_EXISTS, `Le compte « ${input.username} » existe déjà.`);
    return rowToUser(row);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const key = usernameKey(username);
    if (key === undefined) return undefined;
    const row = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE username_key = $1`, [key]);
    return row && rowToUser(row);
  }

  async getUser(id: number): Promise<User | undefined> {
    const row = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE id = $1`, [id]);
    return row && rowToUser(row);
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.all<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users ORDER BY username_key`);
    return rows.map(rowToUser);
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM auth_users WHERE role = 'admin' AND disabled = 0",
    );
    return row?.n ?? 0;
  }

  /** Takes effect on the user's open sessions at their next request: sessions read the role live. */
  async setRole(username: string, role: Role): Promise<User> {
    const next = checkedRole(role);
    return this.changeUser(username, (user) => user.role === 'admin' && !user.disabled && next !== 'admin', {
      sql: 'UPDATE auth_users SET role = $2 WHERE id = $1',
      value: next,
    });
  }

  /** Disabling also ends every session of the account at once. */
  async setDisabled(username: string, disabled: boolean): Promise<User> {
    return this.changeUser(username, (user) => user.role === 'admin' && !user.disabled && disabled, {
      sql: 'UPDATE auth_users SET disabled = $2 WHERE id = $1',
      value: disabled ? 1 : 0,
      endSessions: disabled,
    });
  }

  /** A new password ends every session of the account. */
  async setPassword(username: string, password: string): Promise<void> {
    checkPasswordStrength(password);
    const hash = await hashPassword(password, this.cost);
    await this.changeUser(username, () => false, {
      sql: 'UPDATE auth_users SET password_hash = $2 WHERE id = $1',
      value: hash,
      endSessions: true,
    });
  }

  /**
   * Checks a login in about the same time whether the account exists or not (an unknown name is
   * checked against a throw-away hash), and answers the same for unknown, wrong and disabled.
   */
  async verifyLogin(username: string, password: string): Promise<LoginResult> {
    const key = usernameKey(username);
    const row =
      key === undefined
        ? undefined
        : await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE username_key = $1`, [key]);
    const matches = await verifyPassword(password, row?.password_hash ?? (await this.dummyHash()));
    if (!row) return { ok: false };
    if (!matches || row.disabled !== 0 || !isRole(row.role)) return { ok: false, userId: row.id };
    if (needsRehash(row.password_hash, this.cost)) {
      await this.db.run('UPDATE auth_users SET password_hash = $2 WHERE id = $1 AND password_hash = $3', [
        row.id,
        await hashPassword(password, this.cost),
        row.password_hash,
      ]);
    }
    return { ok: true, user: rowToUser(row) };
  }

  /**
   * One change to one account, refused with LAST_ADMIN when `removesAdmin` says it would leave no
   * active admin. Runs under a lock so two processes cannot each remove "the other" last admin.
   */
  private async changeUser(
    username: string,
    removesAdmin: (user: User) => boolean,
    change: { sql: string; value: string | number; endSessions?: boolean },
  ): Promise<User> {
    const key = checkedKey(username);
    return this.db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.run(`SELECT pg_advisory_xact_lock(${USERS_LOCK})`);
      const user = await this.findIn(tx, key, username);
      if (removesAdmin(user)) {
        const others = await tx.get<{ n: number }>(
          "SELECT count(*) AS n FROM auth_users WHERE role = 'admin' AND disabled = 0 AND id <> $1",
          [user.id],
        );
        if ((others?.n ?? 0) === 0) {
          throw new AuthError(
            AuthErrorCode.LAST_ADMIN,
            "C'est le dernier administrateur actif : créez-en un autre avant de le retirer.",
          );
        }
      }
      await tx.run(change.sql, [user.id, change.value]);
      if (change.endSessions) await tx.run('DELETE FROM auth_sessions WHERE user_id = $1', [user.id]);
      const row = await tx.get<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE id = $1`, [user.id]);
      return rowToUser(row as UserRow);
    });
  }

  private async findIn(tx: SqlExecutor, key: string, username: string): Promise<User> {
    const row = await tx.get<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE username_key = $1`, [key]);
    if (!row) throw new AuthError(AuthErrorCode.UNKNOWN_USER, `Aucun compte « ${username} ».`);
    return rowToUser(row);
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= hashPassword(randomBytes(16).toString('hex'), this.cost);
    return this.dummy;
  }
}
