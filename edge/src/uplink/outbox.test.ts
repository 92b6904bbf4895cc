import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, record, records, T0, tempDir } from '../../test/support/outbox-fixtures.js';
import { EdgeErrorCode, isEdgeError } from '../errors.js';
import { Outbox, type OutboxOptions } from './outbox.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function scratch() {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  return tmp;
}

function open(path: string, options: OutboxOptions = {}): Outbox {
  const outbox = new Outbox(path, options);
  cleanups.push(() => outbox.close());
  return outbox;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isEdgeError(err) ? err.code : `not an EdgeError: ${String(err)}`;
  }
  return undefined;
}

describe('Outbox', () => {
  it('hands entries back oldest first, as stored, within the peek limit', () => {
    const outbox = open(scratch().file());
    outbox.append(records(0, 3));
    outbox.append([record(3, { alarm: true }), record(4)]);
    const all = outbox.peek(100);
    expect(all.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(all[3]).toMatchObject({ bootId: 'boot-aaaaaaaa', seq: 3, ts: T0 + 30_000, alarm: true, historical: false });
    expect(JSON.parse(all[3]?.payload ?? '')).toMatchObject({ seq: 3 });
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
    expect(outbox.peek(2).map((e) => e.seq)).toEqual([0, 1]);
    expect(outbox.peek(0)).toEqual([]);
    expect(outbox.peek(2, all[1]?.id).map((e) => e.seq)).toEqual([2, 3]);
    expect(() => outbox.peek(-1)).toThrow(RangeError);
  });

  it('deletes acknowledged entries only, ignores unknown ids and never reuses an id after draining', () => {
    const outbox = open(scratch().file());
    outbox.append(records(0, 4));
    const [a, b, c, d] = outbox.peek(4);
    expect(outbox.ack([a?.id ?? -1, c?.id ?? -1, 9999])).toBe(2);
    expect(outbox.peek(10).map((e) => e.seq)).toEqual([1, 3]);
    expect(outbox.ack([a?.id ?? -1])).toBe(0);
    expect(outbox.ack([b?.id ?? -1, d?.id ?? -1])).toBe(2);
    expect(outbox.stats()).toMatchObject({ depth: 0, bytes: 0, oldestTs: null });
    outbox.append([record(4)]);
    const [next] = outbox.peek(1);
    expect(next?.id).toBeGreaterThan(d?.id ?? Number.POSITIVE_INFINITY);
    // A late duplicate ack of an old id must not touch the new record.
    expect(outbox.ack([d?.id ?? -1])).toBe(0);
    expect(outbox.stats().depth).toBe(1);
  });

  it('flags as historical what an earlier run wrote and what was pending at markReplay()', () => {
    const { file } = scratch();
    const first = new Outbox(file());
    first.append(records(0, 2));
    first.close();

    const outbox = open(file());
    expect(outbox.peek(10).map((e) => e.historical)).toEqual([true, true]);
    outbox.append(records(2, 2, { bootId: 'boot-bbbbbbbb' }));
    expect(outbox.peek(10).map((e) => e.historical)).toEqual([true, true, false, false]);
    outbox.markReplay();
    outbox.append([record(4, { bootId: 'boot-bbbbbbbb' })]);
    expect(outbox.peek(10).map((e) => [e.seq, e.historical])).toEqual([
      [0, true],
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ]);
  });

  it('keeps insertion order when the clock jumps backwards, and reports the head ts as oldest', () => {
    const outbox = open(scratch().file());
    // Before the GPS fix the Pi counts from its last saved time; then it jumps, here backwards.
    outbox.append([record(0, { ts: T0 }), record(1, { ts: T0 + 10_000 })]);
    outbox.append([record(2, { ts: T0 - 86_400_000 }), record(3, { ts: 0 })]);
    outbox.append([record(4, { ts: T0 + 20_000 })]);
    expect(outbox.peek(10).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(outbox.stats().oldestTs).toBe(T0);
  });

  it('counts depth and payload bytes (UTF-8) and reports the last pending seq per boot', () => {
    const outbox = open(scratch().file());
    const accented = { bootId: 'boot-cccccccc', seq: 7, ts: T0, alarm: false, payload: '{"note":"vélo"}' };
    outbox.append([accented, record(0)]);
    expect(outbox.stats()).toEqual({
      depth: 2,
      bytes: 16 + Buffer.byteLength(record(0).payload),
      oldestTs: T0,
      evicted: 0,
      downsampled: 0,
      overBudgetAlarms: 0,
    });
    expect(outbox.lastSeq('boot-cccccccc')).toBe(7);
    expect(outbox.lastSeq('boot-unknown')).toBeUndefined();
  });

  it('refuses a duplicate (bootId, seq) or a malformed record and stores nothing of that call', () => {
    const outbox = open(scratch().file());
    outbox.append([record(0)]);
    expect(codeOf(() => outbox.append([record(1), record(0)]))).toBe(EdgeErrorCode.OUTBOX_DUPLICATE);
    expect(codeOf(() => outbox.append([record(1), { ...record(2), seq: 2.5 }]))).toBe(EdgeErrorCode.OUTBOX_RECORD);
    expect(codeOf(() => outbox.append([{ ...record(1), bootId: '' }]))).toBe(EdgeErrorCode.OUTBOX_RECORD);
    expect(codeOf(() => outbox.append([{ ...record(1), ts: Number.NaN }]))).toBe(EdgeErrorCode.OUTBOX_RECORD);
    expect(outbox.peek(10).map((e) => e.seq)).toEqual([0]);
    outbox.append([record(1)]);
    expect(outbox.stats().depth).toBe(2);
  });

  it('opens in WAL mode and survives a plain reopen with everything in place', () => {
    const { file } = scratch();
    const a = new Outbox(file());
    a.append(records(0, 50));
    a.close();
    a.close();
    const raw = new Database(file(), { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const b = open(file());
    expect(b.peek(100).map((e) => e.seq)).toEqual(records(0, 50).map((r) => r.seq));
    expect(codeOf(() => a.peek(1))).toBe(EdgeErrorCode.OUTBOX_IO);
    expect(codeOf(() => a.append([record(99)]))).toBe(EdgeErrorCode.OUTBOX_IO);
  });

  it('refuses to open what is not a healthy outbox of this version with EDG_OUTBOX_OPEN', () => {
    const { dir, file } = scratch();
    writeFileSync(file('garbage.db'), 'this is no database '.repeat(300));
    expect(codeOf(() => new Outbox(file('garbage.db')))).toBe(EdgeErrorCode.OUTBOX_OPEN);

    mkdirSync(file('a-directory'));
    expect(codeOf(() => new Outbox(file('a-directory')))).toBe(EdgeErrorCode.OUTBOX_OPEN);
    writeFileSync(file('plain-file'), '');
    expect(codeOf(() => new Outbox(join(dir, 'plain-file', 'outbox.db')))).toBe(EdgeErrorCode.OUTBOX_OPEN);

    const foreign = new Database(file('foreign.db'));
    foreign.exec('CREATE TABLE notes (body TEXT)');
    foreign.close();
    expect(codeOf(() => new Outbox(file('foreign.db')))).toBe(EdgeErrorCode.OUTBOX_OPEN);

    new Outbox(file('future.db')).close();
    const future = new Database(file('future.db'));
    future.pragma('user_version = 99');
    future.close();
    expect(codeOf(() => new Outbox(file('future.db')))).toBe(EdgeErrorCode.OUTBOX_OPEN);

    expect(codeOf(() => new Outbox(file('x.db'), { maxRows: 0 }))).toBe(EdgeErrorCode.OUTBOX_OPEN);
    expect(codeOf(() => new Outbox(file('x.db'), { maxAgeMs: 1.5 }))).toBe(EdgeErrorCode.OUTBOX_OPEN);
  });

  it('detects a file whose pages were damaged behind its back (quick_check at open)', () => {
    const { file } = scratch();
    const outbox = new Outbox(file());
    for (let i = 0; i < 20; i++) outbox.append(records(i * 10, 10, { pad: 300 }));
    outbox.close();
    const pages = statSync(file()).size / 4096;
    expect(pages).toBeGreaterThan(10);
    const fd = openSync(file(), 'r+');
    writeSync(fd, new Uint8Array(4096 * 3).fill(0xa5), 0, 4096 * 3, 4096 * 4);
    closeSync(fd);
    expect(codeOf(() => new Outbox(file()))).toBe(EdgeErrorCode.OUTBOX_OPEN);
  });

  it('reads its age bound from the injected clock', () => {
    const clock = manualClock(T0);
    const outbox = open(scratch().file(), { maxAgeMs: 60_000, clock });
    outbox.append([record(0, { ts: T0 - 120_000 }), record(1, { ts: T0 })]);
    expect(outbox.peek(10).map((e) => e.seq)).toEqual([1]);
    clock.set(T0 + 61_000);
    outbox.append([record(2, { ts: T0 + 61_000 })]);
    expect(outbox.peek(10).map((e) => e.seq)).toEqual([2]);
  });
});
