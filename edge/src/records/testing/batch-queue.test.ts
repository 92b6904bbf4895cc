import { describe, expect, it } from 'vitest';
import { BatchQueue } from './batch-queue.js';

describe('BatchQueue', () => {
  it('numbers records within a boot and is due once the oldest has waited an interval', () => {
    const queue = new BatchQueue({ intervalMs: 300_000 });
    expect(queue.due(0)).toBe(false);
    expect(queue.push({ ts: 1_000 }).seq).toBe(0);
    queue.push({ ts: 11_000 });
    expect(queue.due(300_999)).toBe(false);
    expect(queue.due(301_000)).toBe(true);
    expect(queue.take().map((r) => r.seq)).toEqual([0, 1]);
    expect(queue.size).toBe(0);
    expect(queue.push({ ts: 400_000 }).seq).toBe(2);
  });

  it('is due at once for an alarm, whatever the stretch', () => {
    const queue = new BatchQueue({ intervalMs: 300_000 });
    queue.push({ ts: 0 });
    expect(queue.due(10_000, 8)).toBe(false);
    queue.push({ ts: 10_000 }, true);
    expect(queue.due(10_000, 8)).toBe(true);
    queue.take();
    queue.push({ ts: 20_000 });
    expect(queue.due(20_000)).toBe(false);
  });

  it('stretches the interval with the data budget', () => {
    const queue = new BatchQueue({ intervalMs: 300_000 });
    queue.push({ ts: 0 });
    expect(queue.due(300_000, 2)).toBe(false);
    expect(queue.due(600_000, 2)).toBe(true);
  });

  it('hands out full batches of at most maxRecords, oldest first', () => {
    const queue = new BatchQueue({ intervalMs: 300_000, maxRecords: 2 });
    for (let i = 0; i < 5; i++) queue.push({ ts: i });
    expect(queue.due(5)).toBe(true);
    expect(queue.take().map((r) => r.ts)).toEqual([0, 1]);
    expect(queue.take().map((r) => r.ts)).toEqual([2, 3]);
    expect(queue.due(5)).toBe(false);
    expect(queue.take()).toEqual([{ seq: 4, ts: 4 }]);
  });

  it('does not hold records when the clock is set back', () => {
    const queue = new BatchQueue({ intervalMs: 300_000 });
    queue.push({ ts: 1_749_715_200_000 });
    expect(queue.due(1_749_715_210_000)).toBe(false);
    expect(queue.due(946_684_800_000)).toBe(true);
  });
});
