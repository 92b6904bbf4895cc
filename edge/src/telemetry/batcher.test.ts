import { describe, expect, it } from 'vitest';
import { RecordBatcher } from './batcher.js';

describe('RecordBatcher', () => {
  it('numbers records from 0 within a boot and hands them out oldest first in bounded batches', () => {
    const batcher = new RecordBatcher(2);
    for (let i = 0; i < 5; i++) batcher.add({ ts: 1000 + i });
    expect(batcher.size).toBe(5);
    expect(batcher.take().map((r) => r.seq)).toEqual([0, 1]);
    expect(batcher.take().map((r) => r.seq)).toEqual([2, 3]);
    expect(batcher.take()).toEqual([{ seq: 4, ts: 1004, historical: false }]);
    expect(batcher.take()).toEqual([]);
    expect(batcher.add({ ts: 2000 }).seq).toBe(5);
  });
});
