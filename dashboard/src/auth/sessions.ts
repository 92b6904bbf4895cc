import { createHash, randomBytes } from 'node:crypto';
import type { SqlDb } from '../store/sql/types.js';
import { rowToUser, USER_COLUMNS, type User, type UserRow } from './users.js';

/**
 * Browser sessions. The cookie carries 32 random bytes; the table keeps only their SHA-256, so
 * reading the database does not give a usable session. Each session has its own CSRF token.
 */
export interface NewSession {
  /** The cookie value: give it to the browser, never store or log it. */
  id: string;
  csrfToken: string;
  expiresAt: number;
}

export interface ActiveSession {
  idHash: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  /** Read live with the session, so a role change or a disable applies at the next request. */
  user: User;
}

export interface SessionStoreOptions {
  /** How long a session lasts from login; it does not slide. */
  ttlMs: number;
  now?: () => number;
  /** last_seen is written at most this often per session, not on every request. Default 60 s. */
  touchEveryMs?: number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

interface SessionRow extends UserRow {
  id_hash: string;
  csrf_token: string;
  session_created_at: number;
  expires_at: number;
  last_seen: number;
}

export class SessionStore {
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly touchEveryMs: number;

  constructor(
    private readonly db: SqlDb,
    options: SessionStoreOptions,
  ) {
    if (!(options.ttlMs > 0)) throw new RangeError('session ttlMs must be positive');
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
    this.touchEveryMs = options.touchEveryMs ?? 60_000;
  }

  async create(userId: number): Promise<NewSession> {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = now + this.ttlMs;
    await this.db.run(
      `INSERT INTO auth_sessions (id_hash, user_id, created_at, expires_at, last_seen, csrf_token)
       VALUES ($1, $2, $3, $4, $3, $5)`,
      [hashSessionId(id), userId, now, expiresAt, csrfToken],
    );
    return { id, csrfToken, expiresAt };
  }

  /** The live session behind a cookie value, or undefined when unknown, expired or its user disabled. */
  async lookup(id: string): Promise<ActiveSession | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    const now = this.now();
    const userColumns = USER_COLUMNS.split(', ')
      .map((c) => `u.${c}`)
      .join(', ');
    const row = await this.db.get<SessionRow>(
      `SELECT ${userColumns}, s.id_hash, s.csrf_token, s.created_at AS session_created_at, s.expires_at, s.last_seen
       FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id
       WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled = 0`,
      [hashSessionId(id), now],
    );
    if (!row) return undefined;
    if (now - row.last_seen >= this.touchEveryMs) {
      await this.db.run('UPDATE auth_sessions SET last_seen = $2 WHERE id_hash = $1', [row.id_hash, now]);
    }
    return {
      idHash: row.id_hash,
      csrfToken: row.csrf_token,
      createdAt: row.session_created_at,
      expiresAt: row.expires_at,
      user: rowToUser(row),
    };
  }

  async revoke(id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM auth_sessions WHERE id_hash = $1', [hashSessionId(id)])).changes > 0;
  }

  async revokeAllFor(userId: number): Promise<number> {
    return (await this.db.run('DELETE FROM auth_sessions WHERE user_id = $1', [userId])).changes;
  }

  /** Deletes sessions past their end; returns how many. */
  async expire(): Promise<number> {
    return (await this.db.run('DELETE FROM auth_sessions WHERE expires_at <= $1', [this.now()])).changes;
  }
}
