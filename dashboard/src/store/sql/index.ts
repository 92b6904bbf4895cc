export { migrate } from './migrate.js';
export { PostgresDb, type PostgresDbOptions } from './postgres-db.js';
export { SqliteDb, type SqliteDbOptions } from './sqlite-db.js';
export type { Dialect, Migration, SqlDb, SqlExecutor, SqlRunResult, SqlValue } from './types.js';
