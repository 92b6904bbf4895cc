import { describe, expect, it } from 'vitest';
import { angleDelta, haversineM, moved, pastDeadband, quantize, round, sameValue } from './fields.js';

describe('deadband arithmetic', () => {
  it('does not count a change exactly at the deadband, despite float noise', () => {
    expect(pastDeadband(50.1, 50, 0.1)).toBe(false);
    expect(pastDeadband(49.9, 50, 0.1)).toBe(false);
    expect(pastDeadband(0.3, 0.1, 0.2)).toBe(false);
    expect(pastDeadband(50.11, 50, 0.1)).toBe(true);
    expect(pastDeadband(80, 79, 1)).toBe(false);
    expect(pastDeadband(80.01, 79, 1)).toBe(true);
  });

  it('treats a zero deadband as "any change"', () => {
    expect(pastDeadband(3, 3, 0)).toBe(false);
    expect(pastDeadband(3.001, 3, 0)).toBe(true);
  });

  it('measures angles around the circle', () => {
    expect(angleDelta(359, 1)).toBe(2);
    expect(angleDelta(10, 350)).toBe(20);
    expect(angleDelta(180, 0)).toBe(180);
    expect(moved({ type: 'angle', deadband: 15, digits: 0 }, 355, 10, 1)).toBe(false);
    expect(moved({ type: 'angle', deadband: 15, digits: 0 }, 354, 10, 1)).toBe(true);
  });

  it('moves arrays when any element is past the deadband, and widens with the stretch', () => {
    const rule = { type: 'numbers', deadband: 1, digits: 1 } as const;
    expect(moved(rule, [20, 21.9], [20, 21], 1)).toBe(false);
    expect(moved(rule, [20, 22.1], [20, 21], 1)).toBe(true);
    expect(moved(rule, [20, 22.1], [20, 21], 2)).toBe(false);
    expect(moved({ type: 'exact' }, ['a'], ['a'], 1)).toBe(false);
    expect(moved({ type: 'exact' }, 3, 4, 8)).toBe(true);
    expect(moved({ type: 'heartbeat', digits: 0 }, 3, 4, 1)).toBe(false);
  });

  it('rounds to the wire resolution without negative zero', () => {
    expect(round(-0.04, 1)).toBe(0);
    expect(Object.is(round(-0.04, 1), -0)).toBe(false);
    expect(round(51.255, 2)).toBeCloseTo(51.26, 10);
    expect(round(12_345, -3)).toBe(12_000);
    expect(quantize({ type: 'number', deadband: 1, digits: 1 }, Number.NaN)).toBeUndefined();
    expect(quantize({ type: 'numbers', deadband: 1, digits: 1 }, [1.26, 2.04])).toEqual([1.3, 2]);
    expect(quantize({ type: 'state' }, 'asleep')).toBe('asleep');
  });

  it('computes great-circle distances (haversine)', () => {
    // Place Bellecour to Lyon Part-Dieu station: about 2.2 km.
    expect(haversineM(45.7578, 4.832, 45.7606, 4.8593)).toBeGreaterThan(2100);
    expect(haversineM(45.7578, 4.832, 45.7606, 4.8593)).toBeLessThan(2200);
    // One degree of latitude.
    expect(haversineM(45, 4, 46, 4)).toBeCloseTo(111_195, -1);
    expect(haversineM(45, 4, 45, 4)).toBe(0);
  });

  it('compares structured values by content', () => {
    expect(sameValue({ charge: true, discharge: false }, { discharge: false, charge: true })).toBe(true);
    expect(sameValue(['shortCircuit'], [])).toBe(false);
    expect(sameValue({ a: 1 }, [1])).toBe(false);
    expect(sameValue(undefined, 0)).toBe(false);
  });
});
