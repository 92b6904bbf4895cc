import { access } from 'node:fs/promises';
import BetterSqlite3 from 'better-sqlite3';

export type JournalReading =
  | { kind: 'absent' }
  | { kind: 'read'; depth: number; oldestTs: number | null }
  | { kind: 'unreadable'; reason: string };

/**
 * Counts what waits in an outbox-format file (the telemetry outbox, the events journal: both are
 * uplink/outbox-schema.ts files), read-only: doctor never migrates, checkpoints or locks the service out.
 */
export async function readJournalFile(path: string): Promise<JournalReading> {
  try {
    await access(path);
  } catch {
    return { kind: 'absent' };
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    const row = db.prepare('SELECT count(*) AS depth, min(ts) AS oldest FROM outbox').get() as {
      depth: number;
      oldest: number | null;
    };
    return { kind: 'read', depth: row.depth, oldestTs: row.oldest };
  } catch (err) {
    return { kind: 'unreadable', reason: reasonOf(err) };
  } finally {
    db?.close();
  }
}

function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB') return "ce n'est pas une base SQLite";
  if (code === 'SQLITE_CORRUPT') return 'base SQLite endommagée';
  const message = (err as Error).message;
  if (/no such table/.test(message)) return "base SQLite d'un autre programme (pas de table outbox)";
  return message;
}
