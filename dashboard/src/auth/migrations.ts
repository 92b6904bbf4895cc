import type { Migration } from '../store/sql/types.js';

/**
 * Users and their browser sessions (versions 40–49 belong to auth).
 *
 * `username_key` is the case-folded name: the UNIQUE index on it makes "Alice" and "alice" one
 * account on both engines without collations. A session row holds the SHA-256 of the cookie's
 * random id, never the id, so a copy of the database cannot be replayed as a login.
 */
export const AUTH_MIGRATIONS: readonly Migration[] = [
  {
    version: 40,
    name: 'auth users',
    sqlite: `CREATE TABLE auth_users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
      ) STRICT`,
    postgres: `CREATE TABLE auth_users (
        id BIGSERIAL PRIMARY KEY,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
      )`,
  },
  {
    version: 41,
    name: 'auth sessions',
    sqlite: `CREATE TABLE auth_sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        csrf_token TEXT NOT NULL
      ) STRICT;
      CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
      CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);`,
    postgres: `CREATE TABLE auth_sessions (
        id_hash TEXT PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        csrf_token TEXT NOT NULL
      );
      CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
      CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);`,
  },
];
