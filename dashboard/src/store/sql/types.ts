/**
 * The one SQL seam the dashboard's tables are written against, so SQLite (the default) and PostgreSQL
 * (past one machine) run the same queries and behave the same.
 *
 * Queries use PostgreSQL's numbered placeholders ($1, $2 …) and the SQL both engines share:
 * INSERT … ON CONFLICT, RETURNING, CASE, coalesce, count/sum/min/max aggregates, TRUE/FALSE literals.
 * Where they differ (DDL types, GREATEST vs max(a, b)), ask `dialect` or keep two migrations.
 * Integers come back as JS numbers on both (PostgreSQL BIGINT is parsed; values stay below 2^53).
 * Booleans are stored as INTEGER 0/1 on both, JSON as TEXT.
 */
export type SqlValue = string | number | null;

export type Dialect = 'sqlite' | 'postgres';

export interface SqlRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface SqlExecutor {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDb extends SqlExecutor {
  /**
   * Runs `fn` in one transaction on one connection: committed if it resolves, rolled back if it throws.
   * Use the executor it is given, never the outer db, inside `fn`.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One schema step, in each engine's DDL. Append only: a shipped migration never changes. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}
