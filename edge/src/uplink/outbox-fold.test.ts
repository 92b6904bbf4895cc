import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, T0, tempDir } from '../../test/support/outbox-fixtures.js';
import { EdgeErrorCode, isEdgeError } from '../errors.js';
import { Outbox, type OutboxOptions, type OutboxRecord } from './outbox.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function open(options: OutboxOptions = {}, file?: string): Outbox {
  let path = file;
  if (path === undefined) {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    path = tmp.file();
  }
  const outbox = new Outbox(path, options);
  cleanups.push(() => outbox.close());
  return outbox;
}

/** A fold that shows what it did: "a>b" is a folded into b, "a>b>c" a cascade. */
const trace = (older: string, newer: string) => `${older}>${newer}`;

/** Records whose payload is their name: boot letter and seq, "A" prefix for alarms, e.g. "a3", "Ab4". */
function named(bootId: string, from: number, shape: string, ts = (seq: number) => T0 + seq * 10_000): OutboxRecord[] {
  return [...shape].map((c, i) => {
    const seq = from + i;
    const alarm = c === 'A';
    return { bootId, seq, ts: ts(seq), alarm, payload: `${alarm ? 'A' : ''}${bootId}${seq}` };
  });
}

const payloads = (outbox: Outbox) => outbox.peek(1_000_000).map((e) => e.payload);

/** The byte total the outbox keeps in memory, the sizes stored in the file and the payloads all agree. */
function expectExactBytes(outbox: Outbox): void {
  const stats = outbox.stats();
  expect(stats.bytes).toBe(payloads(outbox).reduce((n, p) => n + Buffer.byteLength(p), 0));
  const raw = new Database(outbox.path, { readonly: true });
  try {
    const file = raw.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM outbox').get() as {
      n: number;
      bytes: number;
    };
    expect(file).toEqual({ n: stats.depth, bytes: stats.bytes });
    const wrong = raw.prepare('SELECT id FROM outbox WHERE size != length(CAST(payload AS BLOB))').all();
    expect(wrong).toEqual([]);
  } finally {
    raw.close();
  }
}

describe('Outbox folding', () => {
  it('folds each thinned record into the next one, updating its size and the byte total', () => {
    const outbox = open({ maxRows: 8, fold: trace });
    outbox.append(named('a', 0, 'nnnnnnnnnn'));
    expect(payloads(outbox)).toEqual(['a0', 'a1>a2', 'a3>a4', 'a5', 'a6', 'a7', 'a8', 'a9']);
    expect(outbox.stats()).toMatchObject({ depth: 8, downsampled: 2, evicted: 0 });
    expectExactBytes(outbox);
  });

  it('cascades victims in a row into the record kept, which may be an alarm', () => {
    // Runs of two cannot be thinned, so a0 and a1 are dropped oldest first: a0 into a1, that into the alarm.
    const outbox = open({ maxRows: 3, fold: trace });
    outbox.append(named('a', 0, 'nnAnn'));
    expect(payloads(outbox)).toEqual(['a0>a1>Aa2', 'a3', 'a4']);
    expect(outbox.peek(1)[0]).toMatchObject({ seq: 2, alarm: true });
    expect(outbox.stats()).toMatchObject({ depth: 3, downsampled: 0, evicted: 2 });
    expectExactBytes(outbox);
  });

  it('drops what folds into a later record of its boot before the last record of an older boot', () => {
    const outbox = open({ maxRows: 2, fold: trace });
    outbox.append([...named('a', 0, 'nn'), ...named('b', 0, 'nnn')]);
    expect(payloads(outbox)).toEqual(['a0>a1', 'b0>b1>b2']);
    expect(outbox.stats()).toMatchObject({ depth: 2, evicted: 3 });
    expectExactBytes(outbox);
  });

  it('never folds across boots: the last record of an older boot goes last, with what it holds', () => {
    const outbox = open({ maxRows: 1, fold: trace });
    outbox.append([...named('a', 0, 'nn'), ...named('b', 0, 'nn')]);
    expect(payloads(outbox)).toEqual(['b0>b1']);
    expect(outbox.stats()).toMatchObject({ depth: 1, evicted: 3 });
    expectExactBytes(outbox);
  });

  it('does not thin the last record of a boot (without fold it would)', () => {
    const shape = [...named('a', 0, 'nn'), ...named('b', 0, 'nnnnnn')];
    const folding = open({ maxRows: 7, fold: trace });
    folding.append(shape);
    expect(payloads(folding)).toEqual(['a0>a1', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
    const plain = open({ maxRows: 7 });
    plain.append(shape);
    expect(payloads(plain)).toEqual(['a0', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
  });

  it('keeps the newest record when alarms alone fill the bounds, and folds it into the next', () => {
    const plain = open({ maxRows: 3 });
    plain.append(named('a', 0, 'AAAA'));
    plain.append(named('a', 4, 'n'));
    expect(payloads(plain)).toEqual(['Aa0', 'Aa1', 'Aa2', 'Aa3']);

    const outbox = open({ maxRows: 3, fold: trace });
    outbox.append(named('a', 0, 'AAAA'));
    outbox.append(named('a', 4, 'n'));
    expect(payloads(outbox)).toEqual(['Aa0', 'Aa1', 'Aa2', 'Aa3', 'a4']);
    // Only the alarms count as held beyond the bound; the newest record is kept on purpose.
    expect(outbox.stats()).toMatchObject({ depth: 5, evicted: 0, overBudgetAlarms: 1 });
    outbox.append(named('a', 5, 'n'));
    expect(payloads(outbox)).toEqual(['Aa0', 'Aa1', 'Aa2', 'Aa3', 'a4>a5']);
    expect(outbox.stats()).toMatchObject({ depth: 5, evicted: 1, overBudgetAlarms: 1 });
    expectExactBytes(outbox);
  });

  it('folds expired records into the next one, and keeps the newest even when it has expired', () => {
    const { file, remove } = tempDir();
    cleanups.push(remove);
    const clock = manualClock(T0 + 30_000);
    const first = new Outbox(file(), { maxAgeMs: 60_000, clock, fold: trace });
    first.append(named('a', 0, 'nnn'));
    first.close();
    clock.set(T0 + 3_600_000);
    const reopened = open({ maxAgeMs: 60_000, clock, fold: trace }, file());
    expect(payloads(reopened)).toEqual(['a0>a1>a2']);
    expect(reopened.stats()).toMatchObject({ depth: 1, evicted: 2 });
    reopened.append(named('a', 3, 'n', () => T0 + 3_600_000));
    expect(payloads(reopened)).toEqual(['a0>a1>a2>a3']);
    expectExactBytes(reopened);
  });

  it('counts bytes in UTF-8 through folds, and the folded payloads survive a restart', () => {
    const { file, remove } = tempDir();
    cleanups.push(remove);
    // Marks each record that took a fold with a two-byte "é".
    const accented = (_older: string, newer: string) => `${newer}é`;
    const first = new Outbox(file(), { maxBytes: 40, fold: accented });
    for (let seq = 0; seq < 12; seq++) first.append(named('vélo', seq, 'n'));
    expectExactBytes(first);
    const kept = payloads(first);
    expect(kept.some((p) => p.endsWith('é'))).toBe(true);
    first.close();
    const second = open({ maxBytes: 40, fold: accented }, file());
    expect(payloads(second)).toEqual(kept);
    expectExactBytes(second);
  });

  it('lets eviction remove or rewrite records in flight: their acks are ignored, a rewrite is what is re-sent', () => {
    const outbox = open({ maxRows: 8, fold: trace });
    outbox.append(named('a', 0, 'nnnnnnn'));
    const inFlight = outbox.peek(3);
    outbox.append(named('a', 7, 'nnn'));
    expect(payloads(outbox)).toEqual(['a0', 'a1>a2', 'a3>a4', 'a5', 'a6', 'a7', 'a8', 'a9']);
    // a1 went while in flight (its ack finds nothing); a2 was rewritten and is acked, so it is not sent again.
    expect(outbox.ack(inFlight.map((e) => e.id))).toBe(2);
    expect(payloads(outbox)).toEqual(['a3>a4', 'a5', 'a6', 'a7', 'a8', 'a9']);

    // A send that fails, and a5 is folded into a6 meanwhile: the retry sends a6 carrying it.
    const failed = outbox.peek(2);
    expect(failed.map((e) => e.payload)).toEqual(['a3>a4', 'a5']);
    outbox.append(named('a', 10, 'nnn'));
    expect(outbox.peek(2).map((e) => [e.seq, e.payload])).toEqual([
      [4, 'a3>a4'],
      [6, 'a5>a6'],
    ]);
  });

  it('drops a record unfolded when the fold throws, logs EDG_OUTBOX_RECORD and stores the append', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const picky = (older: string, newer: string) => {
      if (older.includes('bad')) throw new SyntaxError('not a record');
      return trace(older, newer);
    };
    const outbox = open({ maxRows: 4, fold: picky, logger });
    outbox.append(named('a', 0, 'nnnnn').map((r) => (r.seq === 1 ? { ...r, payload: 'bad' } : r)));
    expect(payloads(outbox)).toEqual(['a0', 'a2', 'a3', 'a4']);
    expect(outbox.stats()).toMatchObject({ depth: 4, downsampled: 1 });
    expectExactBytes(outbox);
    const logged = lines.map((l) => JSON.parse(l) as { code?: string; msg: string });
    expect(logged.filter((l) => l.code === EdgeErrorCode.OUTBOX_RECORD)).toHaveLength(1);
  });

  it('refuses a fold option that is not a function', () => {
    const { file, remove } = tempDir();
    cleanups.push(remove);
    const bad = { fold: 'merge' } as unknown as OutboxOptions;
    let caught: unknown;
    try {
      new Outbox(file(), bad);
    } catch (err) {
      caught = err;
    }
    expect(isEdgeError(caught, EdgeErrorCode.OUTBOX_OPEN)).toBe(true);
  });
});
