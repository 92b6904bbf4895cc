import { describe, expect, it } from 'vitest';
import { BridgeErrorCode } from '../errors.js';
import { type AuxBoardOptions, resolveAuxBoardOptions, toAuxSample } from './aux-board.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('resolveAuxBoardOptions', () => {
  it('fills in the documented defaults and freezes the result', () => {
    const resolved = resolveAuxBoardOptions({});
    expect(resolved).toEqual({
      dividerRatio: 13,
      adcRefV: 5,
      thermistor: { beta: 3950, r25Ohm: 10_000, seriesOhm: 10_000 },
      batteryRangeV: [30, 60],
      thermistorFaultMarginLsb: 10,
      sampleIntervalMs: 1000,
      pauseMode: 'toggle',
      relay: 'normally-open',
      initialModemPower: true,
      initialPauseLocation: false,
      readyTimeoutMs: 10_000,
      silenceTimeoutMs: 2000,
      pins: { battery: 0, thermistor: 1, relay: 7, button: 2 },
    });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('keeps the defaults a partial thermistor or pin override leaves out', () => {
    const resolved = resolveAuxBoardOptions({ thermistor: { beta: 3435 }, pins: { relay: 8 } });
    expect(resolved.thermistor).toEqual({ beta: 3435, r25Ohm: 10_000, seriesOhm: 10_000 });
    expect(resolved.pins).toEqual({ battery: 0, thermistor: 1, relay: 8, button: 2 });
  });

  it.each<[string, AuxBoardOptions]>([
    ['zero divider ratio', { dividerRatio: 0 }],
    ['NaN reference', { adcRefV: Number.NaN }],
    ['negative beta', { thermistor: { beta: -1 } }],
    ['zero series resistor', { thermistor: { seriesOhm: 0 } }],
    ['zero sample interval', { sampleIntervalMs: 0 }],
    ['infinite ready timeout', { readyTimeoutMs: Number.POSITIVE_INFINITY }],
    ['inverted battery range', { batteryRangeV: [60, 30] }],
    ['fractional fault margin', { thermistorFaultMarginLsb: 2.5 }],
    ['fault margin covering the whole scale', { thermistorFaultMarginLsb: 512 }],
    ['analog channel 16', { pins: { battery: 16 } }],
    ['relay on the serial RX pin', { pins: { relay: 0 } }],
    ['unknown pause mode', { pauseMode: 'momentary' as 'level' }],
    ['unknown relay wiring', { relay: 'latching' as 'normally-open' }],
  ])('refuses %s with BRG_OPTION_INVALID', (_, options) => {
    expect(codeOf(() => resolveAuxBoardOptions(options))).toBe(BridgeErrorCode.OPTION_INVALID);
  });
});

describe('toAuxSample', () => {
  const cal = resolveAuxBoardOptions({});
  const base = { at: 1000, modemPowered: true, pauseLocation: false };

  it('converts both channels and carries relay and pause state', () => {
    expect(toAuxSample({ ...base, batteryAdc: 818, thermistorAdc: 512 }, cal)).toEqual({
      kind: 'aux',
      source: 'firmata',
      at: 1000,
      batteryV: 51.97,
      temperatureC: 25,
      modemPowered: true,
      pauseLocation: false,
    });
  });

  it.each([
    [472, 'out-of-range'],
    [473, undefined],
    [945, 'out-of-range'],
    [944, undefined],
  ])('battery ADC %i (30–60 V band) → %s', (batteryAdc, flag) => {
    const sample = toAuxSample({ ...base, batteryAdc }, cal);
    expect(sample.quality?.batteryV).toBe(flag);
  });

  it.each([
    [0, 'out-of-range'],
    [10, 'out-of-range'],
    [11, undefined],
    [1012, undefined],
    [1013, 'out-of-range'],
    [1023, 'out-of-range'],
  ])('thermistor ADC %i → %s, value kept', (thermistorAdc, flag) => {
    const sample = toAuxSample({ ...base, thermistorAdc }, cal);
    expect(sample.quality?.temperatureC).toBe(flag);
    expect(Number.isFinite(sample.temperatureC)).toBe(true);
  });

  it('leaves out what was not read', () => {
    const sample = toAuxSample({ ...base, pauseLocation: true }, cal);
    expect(sample).toEqual({ kind: 'aux', source: 'firmata', at: 1000, modemPowered: true, pauseLocation: true });
  });
});
