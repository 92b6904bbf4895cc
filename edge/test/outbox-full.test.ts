import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeErrorCode, isEdgeError } from '../src/errors.js';
import { Outbox, OutboxFullError, type OutboxRecord } from '../src/uplink/outbox.js';
import { records, tempDir } from './support/outbox-fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** SQLite's own page cap gives a real SQLITE_FULL from deep inside the write, as a full card would. */
const MAX_PAGES = 40;

function catchFull(fn: () => void): OutboxFullError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OutboxFullError) return err;
    throw err;
  }
  throw new Error('expected EDG_OUTBOX_FULL');
}

/** Appends batches of ten until the store is full; returns how many records made it and the batch refused. */
function fill(outbox: Outbox): { stored: number; refused: OutboxRecord[]; error: OutboxFullError } {
  for (let seq = 0; seq < 100_000; seq += 10) {
    const batch = records(seq, 10, { pad: 300 });
    try {
      outbox.append(batch);
    } catch (err) {
      if (!(err instanceof OutboxFullError)) throw err;
      return { stored: seq, refused: batch, error: err };
    }
  }
  throw new Error(`never filled ${MAX_PAGES} pages`);
}

describe('Outbox on a full disk', () => {
  it('refuses the whole append with EDG_OUTBOX_FULL and a count, loses nothing, and recovers after acks', () => {
    const { file, remove } = tempDir();
    cleanups.push(remove);
    const outbox = new Outbox(file(), { maxPages: MAX_PAGES });
    cleanups.push(() => outbox.close());

    const { stored, refused, error } = fill(outbox);
    expect(stored).toBeGreaterThan(50);
    expect(isEdgeError(error, EdgeErrorCode.OUTBOX_FULL)).toBe(true);
    expect(error.unstored).toBe(10);

    // Nothing stored before is lost, and nothing of the refused batch slipped in.
    const expectedSeqs = records(0, stored).map((r) => r.seq);
    expect(outbox.peek(100_000).map((e) => e.seq)).toEqual(expectedSeqs);
    expect(outbox.stats().depth).toBe(stored);
    expect(outbox.lastSeq('boot-aaaaaaaa')).toBe(stored - 1);

    // Still full: refused again, whole.
    expect(catchFull(() => outbox.append(refused)).unstored).toBe(10);

    // Reads and acks work on the full store; once acks free pages, the same records go in (no duplicate).
    const oldest = outbox.peek(Math.ceil(stored / 2));
    expect(outbox.ack(oldest.map((e) => e.id))).toBe(oldest.length);
    outbox.append(refused);
    expect(outbox.peek(100_000).map((e) => e.seq)).toEqual([
      ...expectedSeqs.slice(oldest.length),
      ...refused.map((r) => r.seq),
    ]);
  });

  it('opens an outbox that filled up before a restart, and works as documented', () => {
    const { file, remove } = tempDir();
    cleanups.push(remove);
    const first = new Outbox(file(), { maxPages: MAX_PAGES });
    const { stored, refused } = fill(first);
    first.close();

    const outbox = new Outbox(file(), { maxPages: MAX_PAGES });
    cleanups.push(() => outbox.close());
    const pending = outbox.peek(100_000);
    expect(pending).toHaveLength(stored);
    expect(pending.every((e) => e.historical)).toBe(true);
    expect(catchFull(() => outbox.append(refused)).code).toBe(EdgeErrorCode.OUTBOX_FULL);
    outbox.ack(pending.slice(0, 30).map((e) => e.id));
    outbox.append(refused);
    outbox.close();

    // Without the cap, the file is whole and holds exactly what was acknowledged as stored.
    const raw = new Database(file());
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const reopened = new Outbox(file());
    expect(reopened.stats().depth).toBe(stored - 30 + refused.length);
    reopened.close();
  });
});
