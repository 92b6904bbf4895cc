import { describe, expect, it } from 'vitest';
import type { BatterySample, MotorSample, PositionSample } from '../samples.js';
import { crossCheck } from './cross-check.js';
import { DEFAULT_BATTERY_LIMITS, gateBattery, gateMotor, gatePosition } from './plausibility.js';
import { markStale } from './staleness.js';

const battery = (over: Partial<BatterySample> = {}): BatterySample => ({
  kind: 'battery',
  source: 'jbd',
  at: 10_000,
  voltageV: 48.1,
  currentA: -12,
  socPct: 64,
  remainingAh: 12.8,
  nominalAh: 20,
  cycles: 40,
  cellsV: Array.from({ length: 13 }, () => 3.7),
  temperaturesC: [22, 23],
  protection: [],
  fets: { charge: true, discharge: true },
  ...over,
});

const motor = (over: Partial<MotorSample> = {}): MotorSample => ({
  kind: 'motor',
  source: 'vesc',
  at: 10_500,
  inputCurrentA: 11,
  voltageV: 47.8,
  faultCode: 0,
  faultName: 'none',
  ...over,
});

describe('plausibility gates', () => {
  it('leaves a healthy pack unmarked', () => {
    expect(gateBattery(battery(), { ...DEFAULT_BATTERY_LIMITS, expectedCells: 13 }).quality).toEqual({});
  });

  it('marks, but keeps, implausible battery values', () => {
    const cells = [...Array.from({ length: 12 }, () => 3.7), 6.55];
    const gated = gateBattery(battery({ cellsV: cells, currentA: -900, socPct: 140, temperaturesC: [22, 210] }));
    expect(gated.cellsV).toEqual(cells);
    expect(gated.quality).toMatchObject({
      cellsV: 'out-of-range',
      currentA: 'out-of-range',
      socPct: 'out-of-range',
      temperaturesC: 'out-of-range',
    });
    expect(gated.quality?.voltageV).toBeUndefined();
  });

  it('flags an inconsistent cell count and a pack voltage no cell count explains', () => {
    const gated = gateBattery(battery({ cellsV: [3.7, 3.7, 3.7], voltageV: 48 }), {
      ...DEFAULT_BATTERY_LIMITS,
      expectedCells: 13,
    });
    expect(gated.quality).toMatchObject({ cellsV: 'out-of-range', voltageV: 'out-of-range' });
  });

  it('does not overwrite an inferred mark and does not touch the input sample', () => {
    const input = motor({ speedKmh: 240, quality: { speedKmh: 'inferred' } });
    const gated = gateMotor(input);
    expect(gated.quality?.speedKmh).toBe('inferred');
    expect(gateMotor(motor({ speedKmh: 240 })).quality?.speedKmh).toBe('out-of-range');
    expect(input.quality).toEqual({ speedKmh: 'inferred' });
  });

  it('marks null island and impossible coordinates', () => {
    const position = (lat: number, lon: number): PositionSample => ({
      kind: 'position',
      source: 'nmea',
      at: 0,
      fix: '3d',
      lat,
      lon,
    });
    expect(gatePosition(position(45.77, 4.92)).quality).toEqual({});
    expect(gatePosition(position(0, 0)).quality).toEqual({ lat: 'out-of-range', lon: 'out-of-range' });
    expect(gatePosition(position(91, 4)).quality).toEqual({ lat: 'out-of-range' });
  });
});

describe('cross-checks between BMS and controller', () => {
  it('accepts agreeing readings within the tolerances', () => {
    expect(crossCheck(battery(), motor())).toEqual([]);
  });

  it('names a current disagreement, e.g. a BMS current sign configured the wrong way', () => {
    const [mismatch, ...rest] = crossCheck(battery({ currentA: 12 }), motor());
    expect(rest).toEqual([]);
    expect(mismatch).toMatchObject({ name: 'current-mismatch', bms: -12, controller: 11 });
  });

  it('names a voltage disagreement', () => {
    expect(crossCheck(battery(), motor({ voltageV: 36 })).map((m) => m.name)).toEqual(['voltage-mismatch']);
  });

  it('does not compare samples taken too far apart or inferred currents', () => {
    expect(crossCheck(battery({ currentA: 30 }), motor({ at: 60_000 }))).toEqual([]);
    expect(crossCheck(battery({ currentA: 30 }), motor({ quality: { inputCurrentA: 'inferred' } }))).toEqual([]);
  });
});

describe('staleness', () => {
  it('marks every measured field stale once the sample is older than allowed', () => {
    const sample = battery();
    expect(markStale(sample, 12_000, 5000)).toBe(sample);
    const stale = markStale(sample, 20_000, 5000);
    expect(stale.quality).toMatchObject({ voltageV: 'stale', socPct: 'stale', cellsV: 'stale', fets: 'stale' });
    expect(stale.quality).not.toHaveProperty('at');
    expect(stale.voltageV).toBe(sample.voltageV);
  });
});
