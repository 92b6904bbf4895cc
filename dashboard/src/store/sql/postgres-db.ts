import pg from 'pg';
import type { SqlDb, SqlExecutor, SqlRunResult, SqlValue } from './types.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// BIGINT (count(*), ms timestamps) and NUMERIC (sum of BIGINT) arrive as strings by default; every value
// we store fits in a double, so both come back as numbers, as SQLite gives them.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

export interface PostgresDbOptions {
  /** postgres://user:password@host:port/database, or a socket directory as host. */
  url: string;
  /** Connections in the pool. Default 4. */
  maxConnections?: number;
  /** How long to wait for a connection before failing. Default 10 s. */
  connectTimeoutMs?: number;
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  const query = async (sql: string, params: readonly SqlValue[]) => client.query(sql, params as SqlValue[]);
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []): Promise<SqlRunResult> => ({
      changes: (await query(sql, params)).rowCount ?? 0,
    }),
    exec: async (script: string) => {
      await client.query(script);
    },
  };
}

/** SqlDb over a node-postgres pool. Each transaction holds one pooled connection from BEGIN to COMMIT. */
export class PostgresDb implements SqlDb {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly outside: SqlExecutor;

  constructor(options: PostgresDbOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      types,
    });
    // An idle pooled connection that the server drops (a restart) must not crash the process.
    this.pool.on('error', () => undefined);
    this.outside = executor(this.pool);
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.outside.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.outside.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult> {
    return this.outside.run(sql, params);
  }

  exec(script: string): Promise<void> {
    return this.outside.exec(script);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken);
    }
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
