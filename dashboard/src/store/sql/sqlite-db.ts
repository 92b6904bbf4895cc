import Database from 'better-sqlite3';
import { rewritePlaceholders } from './placeholders.js';
import type { SqlDb, SqlExecutor, SqlRunResult, SqlValue } from './types.js';

type Connection = InstanceType<typeof Database>;
type Statement = Database.Statement<unknown[]>;

export interface SqliteDbOptions {
  /** How long a write waits for another process's lock before failing (SQLITE_BUSY). Default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * SqlDb over one better-sqlite3 connection in WAL mode. The connection is synchronous, so a transaction
 * that awaits between statements must keep every other caller out until it ends: all calls queue
 * behind one lock, in order.
 */
export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, { statement: Statement; order: number[] }>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly connection: Connection,
    private readonly path: string,
  ) {}

  static open(path: string, options: SqliteDbOptions = {}): SqliteDb {
    const connection = new Database(path);
    try {
      // WAL lets readers go on while ingest writes; NORMAL syncs at checkpoints, which WAL keeps safe.
      connection.pragma('journal_mode = WAL');
      connection.pragma('synchronous = NORMAL');
      connection.pragma('foreign_keys = ON');
      connection.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    } catch (err) {
      connection.close();
      throw err;
    }
    return new SqliteDb(connection, path);
  }

  get location(): string {
    return this.path;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.locked(() => this.direct.all<T>(sql, params));
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.locked(() => this.direct.get<T>(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<SqlRunResult> {
    return this.locked(() => this.direct.run(sql, params));
  }

  exec(script: string): Promise<void> {
    return this.locked(() => this.direct.exec(script));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.locked(async () => {
      // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock.
      this.connection.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.direct);
        this.connection.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.connection.inTransaction) this.connection.exec('ROLLBACK');
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.locked(async () => {
      if (this.connection.open) this.connection.close();
    });
  }

  /** Statements run straight on the connection: only from inside the lock. */
  private readonly direct: SqlExecutor = {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => {
      const { statement, order } = this.prepared(sql);
      return statement.all(...order.map((i) => params[i])) as T[];
    },
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => {
      const { statement, order } = this.prepared(sql);
      return statement.get(...order.map((i) => params[i])) as T | undefined;
    },
    run: async (sql: string, params: readonly SqlValue[] = []) => {
      const { statement, order } = this.prepared(sql);
      return { changes: statement.run(...order.map((i) => params[i])).changes };
    },
    exec: async (script: string) => {
      this.connection.exec(script);
    },
  };

  private prepared(sql: string): { statement: Statement; order: number[] } {
    let entry = this.statements.get(sql);
    if (!entry) {
      const { sql: rewritten, order } = rewritePlaceholders(sql);
      entry = { statement: this.connection.prepare<unknown[]>(rewritten), order };
      this.statements.set(sql, entry);
    }
    return entry;
  }

  private locked<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
