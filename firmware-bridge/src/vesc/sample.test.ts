import { describe, expect, it } from 'vitest';
import { replyVectors } from '../../test/vectors/vesc.js';
import { checkGeometry, toMotorSample } from './sample.js';
import type { VescValues } from './values.js';

const AT = Date.UTC(2025, 5, 1, 8, 30);
/** A 15-pole-pair hub motor in a 20-inch wheel: 1.596 m around. */
const HUB = { motorPolePairs: 15, wheelCircumferenceM: 1.596 };

function valuesOf(name: string): VescValues {
  const found = replyVectors.find((v) => v.name.startsWith(name))?.expected;
  if (found?.kind !== 'values') throw new Error(`no GET_VALUES vector ${name}`);
  return found.values;
}

describe('toMotorSample', () => {
  it('maps a captured reply and infers wheel speed and power from the geometry', () => {
    expect(toMotorSample(valuesOf('GET_VALUES turning forward'), HUB, AT)).toEqual({
      kind: 'motor',
      source: 'vesc',
      at: AT,
      erpm: 1019,
      // 1019 / 15 = 67.93 wheel RPM; × 1.596 m × 60 = 6.5 km/h.
      wheelRpm: 67.93,
      speedKmh: 6.5,
      inputCurrentA: 0.03,
      motorCurrentA: 0.37,
      voltageV: 38.1,
      powerW: 1.1,
      controllerTempC: 27.6,
      motorTempC: 0,
      dutyPct: 11,
      faultCode: 0,
      faultName: 'none',
      quality: { wheelRpm: 'inferred', speedKmh: 'inferred', powerW: 'inferred' },
    });
  });

  it('divides by the gear ratio of a geared motor', () => {
    const sample = toMotorSample({ erpm: 24_000 }, { motorPolePairs: 4, gearRatio: 5, wheelCircumferenceM: 2 }, AT);
    expect(sample).toMatchObject({ wheelRpm: 1200, speedKmh: 144 });
  });

  it('keeps the sign of a motor turning backwards, and names the fault', () => {
    const sample = toMotorSample({ ...valuesOf('GET_VALUES with fault 2'), erpm: -2210 }, HUB, AT);
    expect(sample).toMatchObject({ erpm: -2210, wheelRpm: -147.33, dutyPct: -23.7, faultCode: 2 });
    expect(sample.faultName).toBe('under-voltage');
  });

  it('leaves out what was not measured or cannot be computed, and marks nothing inferred then', () => {
    expect(toMotorSample({ erpm: 900, faultCode: 6 }, {}, AT)).toEqual({
      kind: 'motor',
      source: 'vesc',
      at: AT,
      erpm: 900,
      faultCode: 6,
      faultName: 'motor-over-temperature',
    });
    expect(toMotorSample({ erpm: 900 }, { motorPolePairs: 7 }, AT)).toMatchObject({
      wheelRpm: 128.57,
      quality: { wheelRpm: 'inferred' },
    });
    expect(toMotorSample({ erpm: 900 }, { motorPolePairs: 7 }, AT).speedKmh).toBeUndefined();
    expect(toMotorSample({ inputVoltageV: 48 }, {}, AT).powerW).toBeUndefined();
  });

  it('reads a standing motor as 0, not −0', () => {
    const sample = toMotorSample({ erpm: 0, duty: -0, inputCurrentA: -0, inputVoltageV: 48 }, HUB, AT);
    expect(Object.is(sample.speedKmh, 0)).toBe(true);
    expect(Object.is(sample.dutyPct, 0)).toBe(true);
    expect(Object.is(sample.powerW, 0)).toBe(true);
  });
});

describe('checkGeometry', () => {
  it.each([
    ['zero pole pairs', { motorPolePairs: 0 }],
    ['a negative wheel', { wheelCircumferenceM: -1.5 }],
    ['an infinite gear ratio', { gearRatio: Number.POSITIVE_INFINITY }],
    ['a string', { motorPolePairs: '7' as unknown as number }],
  ])('refuses %s with BRG_OPTION_INVALID', (_, geometry) => {
    expect(() => checkGeometry(geometry)).toThrow(expect.objectContaining({ code: 'BRG_OPTION_INVALID' }));
  });

  it('accepts a partial geometry', () => {
    expect(() => checkGeometry({ motorPolePairs: 15 })).not.toThrow();
  });
});
