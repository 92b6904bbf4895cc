import { describe, expect, it } from 'vitest';
import { AgeClock } from './age-clock.js';

const DAY = 86_400_000;

function sources() {
  const s = {
    wall: 1_700_000_000_000,
    mono: 5_000,
    advance(ms: number) {
      s.wall += ms;
      s.mono += ms;
    },
  };
  return { s, clock: new AgeClock({ wall: () => s.wall, monotonic: () => s.mono }) };
}

describe('AgeClock', () => {
  it('follows the wall clock while nothing jumps', () => {
    const { s, clock } = sources();
    s.advance(60_000);
    expect(clock.now()).toBe(s.wall);
    expect(clock.heldBack).toBe(0);
  });

  it('holds back a forward jump, and keeps moving at the monotonic rate after it', () => {
    const { s, clock } = sources();
    const before = clock.now();
    s.wall += 365 * DAY; // GPS sets the real date
    s.advance(10_000);
    expect(clock.now()).toBe(before + 10_000);
    expect(clock.heldBack).toBe(365 * DAY);
    s.advance(5_000);
    expect(clock.now()).toBe(before + 15_000);
  });

  it('lets a backward jump through: stored records only look younger', () => {
    const { s, clock } = sources();
    const before = clock.now();
    s.wall -= 2 * DAY;
    expect(clock.now()).toBe(before - 2 * DAY);
    expect(clock.heldBack).toBe(0);
  });

  it('ignores drift and slewing below two seconds', () => {
    const { s, clock } = sources();
    s.wall += 1500;
    expect(clock.now()).toBe(s.wall);
    expect(clock.heldBack).toBe(0);
  });
});
