import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  AuxDeviceSchema,
  BmsDeviceSchema,
  deviceConfig,
  GpsDeviceSchema,
  MotorDeviceSchema,
} from '../src/devices/index.js';
import { EdgeErrorCode } from '../src/errors.js';

describe('device config sections', () => {
  it("accepts today's bms section unchanged", () => {
    const today = {
      type: 'jbd',
      path: '/dev/triporteur-bms',
      baudRate: 9600,
      pollIntervalMs: 5000,
      responseTimeoutMs: 1000,
    };
    expect(deviceConfig('battery', today)).toEqual(today);
    expect(deviceConfig('battery', { type: 'jbd', path: '/dev/triporteur-bms' })).toEqual(today);
  });

  it('fills each family its own defaults', () => {
    expect(deviceConfig('battery', { type: 'daly', path: '/dev/bms', nominalAh: 30 })).toMatchObject({
      baudRate: 9600,
      link: 'uart',
      currentSign: 1,
    });
    expect(deviceConfig('motor', { type: 'vesc', path: '/dev/vesc' })).toMatchObject({
      baudRate: 115_200,
      pollIntervalMs: 1000,
      gearRatio: 1,
    });
    expect(deviceConfig('motor', { type: 'kt', path: '/dev/kt' }).baudRate).toBe(9600);
    expect(deviceConfig('motor', { type: 'bafang', path: '/dev/bafang' }).baudRate).toBe(1200);
    expect(deviceConfig('position', { type: 'nmea', path: '/dev/gps' })).toMatchObject({ baudRate: 9600 });
    expect(deviceConfig('position', { type: 'gpsd' })).toEqual({ type: 'gpsd', host: '127.0.0.1', port: 2947 });
    expect(deviceConfig('aux', { type: 'firmata', path: '/dev/nano' })).toMatchObject({
      baudRate: 57_600,
      dividerRatio: 13,
      pins: { battery: 0, thermistor: 1, relay: 7, button: 2 },
      thermistor: { beta: 3950 },
      versionQueryAfterMs: 5000,
    });
  });

  it('refuses unknown fields, a Daly without its capacity, and unknown families with EDG_CONFIG_INVALID', () => {
    const bad = [
      () => deviceConfig('battery', { type: 'jbd', path: '/dev/bms', cels: 13 }),
      () => deviceConfig('battery', { type: 'daly', path: '/dev/bms' }),
      () => deviceConfig('motor', { type: 'sabvoton', path: '/dev/motor' }),
      () => deviceConfig('aux', { type: 'firmata', path: '/dev/nano', pins: { relay: 1 } }),
    ];
    for (const attempt of bad) expect(attempt).toThrow(expect.objectContaining({ code: EdgeErrorCode.CONFIG_INVALID }));
  });

  it('plugs into an enclosing config object, defaults and all', () => {
    const schema = Type.Object({
      bms: BmsDeviceSchema,
      motor: Type.Optional(MotorDeviceSchema),
      gps: Type.Optional(GpsDeviceSchema),
      aux: Type.Optional(AuxDeviceSchema),
    });
    const config = Value.Default(schema, { bms: { type: 'jbd', path: '/dev/bms' }, gps: { type: 'gpsd' } });
    expect(Value.Check(schema, config)).toBe(true);
    expect(config).toMatchObject({ bms: { pollIntervalMs: 5000 }, gps: { port: 2947 } });
  });
});
