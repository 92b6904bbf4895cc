import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';
import { describe, expect, it } from 'vitest';
import { ReplyCache } from './reply-cache.js';

function manualClock(): Clock & { t: number } {
  return {
    t: 1000,
    now() {
      return this.t;
    },
    setTimeout: () => ({}) as TimerHandle,
    clearTimeout: () => {},
  };
}

describe('reply cache', () => {
  it('keeps a reply for the window, then forgets it', () => {
    const clock = manualClock();
    const cache = new ReplyCache(clock, 100);
    cache.set('get-status\na', 'A');
    clock.t += 100;
    expect(cache.get('get-status\na')).toBe('A');
    clock.t += 1;
    expect(cache.get('get-status\na')).toBeUndefined();
  });

  it('is bounded by entries and by bytes, dropping the oldest first', () => {
    const clock = manualClock();
    const byCount = new ReplyCache(clock, 60_000, 3, 1_000_000);
    for (const key of ['a', 'b', 'c', 'd']) byCount.set(key, key);
    expect(['a', 'b', 'c', 'd'].map((key) => byCount.get(key))).toEqual([undefined, 'b', 'c', 'd']);
    const byBytes = new ReplyCache(clock, 60_000, 100, 10);
    byBytes.set('a', '123456');
    byBytes.set('b', '123456');
    expect([byBytes.get('a'), byBytes.get('b'), byBytes.size]).toEqual([undefined, '123456', 1]);
  });

  it('survives the clock being set backwards', () => {
    const clock = manualClock();
    const cache = new ReplyCache(clock, 100);
    cache.set('a', 'A');
    clock.t -= 10_000;
    expect(cache.get('a')).toBe('A');
  });
});
