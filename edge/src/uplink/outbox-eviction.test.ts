import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, record, records, T0, tempDir } from '../../test/support/outbox-fixtures.js';
import { Outbox, type OutboxOptions } from './outbox.js';
import { pickDownsample, type RowRef } from './outbox-eviction.js';

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

const seqs = (outbox: Outbox) => outbox.peek(1_000_000).map((e) => e.seq);
/** 'n' is a normal record, 'A' an alarm; `boots` gives each record's bootId, one letter each. */
const refs = (shape: string, boots = 'a'.repeat(shape.length)): RowRef[] =>
  [...shape].map((c, id) => ({ id, bootId: boots[id] ?? '?', alarm: c === 'A', size: 1 }));

describe('pickDownsample', () => {
  it('drops every other record of each non-alarm run, never its first or last', () => {
    expect(pickDownsample(refs('nnnnnnn')).map((r) => r.id)).toEqual([1, 3, 5]);
    expect(pickDownsample(refs('nnnnnn')).map((r) => r.id)).toEqual([1, 3]);
    expect(pickDownsample(refs('nnnAnnnnA')).map((r) => r.id)).toEqual([1, 5]);
  });

  it('cannot thin runs of one or two, nor alarms', () => {
    expect(pickDownsample(refs('nnAnAnnAAA'))).toEqual([]);
    expect(pickDownsample([])).toEqual([]);
  });

  it('ends a run where the boot changes only when folding, so each boot keeps its last record', () => {
    expect(pickDownsample(refs('nnnnnn', 'aaabbb')).map((r) => r.id)).toEqual([1, 3]);
    expect(pickDownsample(refs('nnnnnn', 'aaabbb'), { folding: true }).map((r) => r.id)).toEqual([1, 4]);
    expect(pickDownsample(refs('nnnnA', 'abbbb'), { folding: true }).map((r) => r.id)).toEqual([2]);
  });
});

describe('Outbox eviction', () => {
  it('under a row bound, thins the oldest half first, keeping the first record and the newest at full rate', () => {
    const outbox = open({ maxRows: 100 });
    for (let seq = 0; seq < 400; seq += 4) {
      outbox.append(records(seq, 4));
      expect(outbox.stats().depth).toBeLessThanOrEqual(100);
    }
    const kept = seqs(outbox);
    const stats = outbox.stats();
    expect(stats).toMatchObject({ evicted: 0, downsampled: 400 - kept.length, overBudgetAlarms: 0 });
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(399);
    const gaps = kept.slice(1).map((s, i) => s - (kept[i] ?? 0));
    const half = Math.floor(gaps.length / 2);
    expect(gaps.slice(half).every((g) => g === 1)).toBe(true);
    // Resolution falls with age: the oldest quarter is sparser than the next.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(gaps.slice(0, half / 2))).toBeGreaterThan(mean(gaps.slice(half / 2, half)));
  });

  it('keeps the records on either side of an alarm while thinning', () => {
    const outbox = open({ maxRows: 18 });
    outbox.append(records(0, 21).map((r) => (r.seq === 10 ? { ...r, alarm: true } : r)));
    expect(seqs(outbox)).toEqual([0, 2, 4, 6, 8, 9, 10, ...records(11, 10).map((r) => r.seq)]);
    expect(outbox.stats()).toMatchObject({ depth: 17, downsampled: 4, evicted: 0 });
  });

  it('drops the oldest non-alarm records only once nothing is left to thin', () => {
    // A n n A n n …: every run is two long, so thinning can do nothing.
    const outbox = open({ maxRows: 20 });
    outbox.append(records(0, 30).map((r) => ({ ...r, alarm: r.seq % 3 === 0 })));
    expect(outbox.stats()).toMatchObject({ depth: 20, downsampled: 0, evicted: 10, overBudgetAlarms: 0 });
    const kept = seqs(outbox);
    expect(kept.filter((s) => s % 3 === 0)).toHaveLength(10);
    expect(kept.filter((s) => s % 3 !== 0)).toEqual([16, 17, 19, 20, 22, 23, 25, 26, 28, 29]);
  });

  it('never drops an alarm, even over every bound, and says how many are over', () => {
    const clock = manualClock(T0);
    const outbox = open({ maxRows: 5, maxBytes: 400, maxAgeMs: 60_000, clock });
    outbox.append(records(0, 10, { alarm: true, pad: 40 }));
    outbox.append(records(10, 5));
    expect(seqs(outbox)).toEqual(records(0, 10).map((r) => r.seq));
    // 96 payload bytes each: 960 held, six would have to go to get under 400 bytes (rows alone would say five).
    expect(outbox.stats()).toMatchObject({ depth: 10, bytes: 960, evicted: 5, overBudgetAlarms: 6 });
    clock.set(T0 + 3_600_000);
    expect(outbox.stats().overBudgetAlarms).toBe(10);
    outbox.ack(outbox.peek(10).map((e) => e.id));
    expect(outbox.stats()).toMatchObject({ depth: 0, overBudgetAlarms: 0 });
  });

  it('under a byte bound, thins then drops by payload bytes', () => {
    const outbox = open({ maxBytes: 20_000 });
    for (let seq = 0; seq < 600; seq += 6) {
      outbox.append(records(seq, 6, { pad: 150 }));
      expect(outbox.stats().bytes).toBeLessThanOrEqual(20_000);
    }
    const stats = outbox.stats();
    expect(stats.downsampled).toBeGreaterThan(0);
    expect(stats.evicted).toBe(0);
    expect(stats.depth + stats.downsampled).toBe(600);
  });

  it('under the age bound, drops expired non-alarm records by their ts and keeps expired alarms', () => {
    const clock = manualClock(T0 + 48 * 3_600_000);
    const outbox = open({ maxAgeMs: 48 * 3_600_000, clock });
    outbox.append([record(0, { ts: T0 - 1 }), record(1, { ts: T0 - 1, alarm: true }), record(2, { ts: T0 })]);
    expect(seqs(outbox)).toEqual([1, 2]);
    expect(outbox.stats()).toMatchObject({ evicted: 1, overBudgetAlarms: 1 });
  });

  it('keeps its counters across restarts and applies tightened bounds at open', () => {
    const { file, remove } = tempDir();
    cleanups.push(remove);
    const first = new Outbox(file(), { maxRows: 50 });
    first.append(records(0, 60));
    const before = first.stats();
    first.close();
    expect(before.downsampled).toBeGreaterThan(0);
    const second = open({ maxRows: 10 }, file());
    const after = second.stats();
    expect(after.depth).toBeLessThanOrEqual(10);
    expect(after.downsampled + after.evicted).toBe(60 - after.depth);
    expect(seqs(second)[0]).toBe(0);
  });
});
