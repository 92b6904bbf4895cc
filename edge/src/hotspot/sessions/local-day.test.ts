import { describe, expect, it } from 'vitest';
import { isEdgeError } from '../../errors.js';
import { LocalDay } from './local-day.js';

describe('LocalDay', () => {
  const paris = new LocalDay('Europe/Paris');

  it('names the local calendar day, which is not the UTC one late in the evening', () => {
    expect(paris.key(Date.UTC(2025, 5, 10, 21, 59))).toBe('2025-06-10');
    expect(paris.key(Date.UTC(2025, 5, 10, 22, 0))).toBe('2025-06-11');
  });

  it.each([
    ['an ordinary summer day', Date.UTC(2025, 5, 10, 12), Date.UTC(2025, 5, 10, 22)],
    ['an ordinary winter day', Date.UTC(2025, 0, 15, 12), Date.UTC(2025, 0, 15, 23)],
    ['the 23-hour spring-forward day', Date.UTC(2025, 2, 30, 0, 30), Date.UTC(2025, 2, 30, 22)],
    ['the 25-hour fall-back day', Date.UTC(2025, 9, 26, 0, 30), Date.UTC(2025, 9, 26, 23)],
    ['one millisecond before midnight', Date.UTC(2025, 5, 10, 21, 59, 59, 999), Date.UTC(2025, 5, 10, 22)],
    ['exactly at midnight: the next one', Date.UTC(2025, 5, 10, 22), Date.UTC(2025, 5, 11, 22)],
  ])('finds the next Paris midnight on %s', (_name, at, midnight) => {
    expect(paris.nextMidnight(at)).toBe(midnight);
  });

  it('works in any zone, including one ahead of UTC by more than a day boundary', () => {
    expect(new LocalDay('Pacific/Kiritimati').nextMidnight(Date.UTC(2025, 5, 10, 12))).toBe(Date.UTC(2025, 5, 11, 10));
    expect(new LocalDay('UTC').nextMidnight(Date.UTC(2025, 5, 10, 12))).toBe(Date.UTC(2025, 5, 11));
  });

  it('refuses an unknown zone with a coded error', () => {
    let thrown: unknown;
    try {
      new LocalDay('Europe/Atlantis');
    } catch (err) {
      thrown = err;
    }
    expect(isEdgeError(thrown, 'EDG_CONFIG_INVALID')).toBe(true);
  });
});
