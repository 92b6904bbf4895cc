import { describe, expect, it } from 'vitest';
import {
  bu353s4Reports,
  DEVICES_LINE,
  DOC_ERROR,
  DOC_SKY,
  DOC_TPV,
  junkLines,
  NO_FIX_TPV,
  VERSION_LINE,
  WATCH_LINE,
} from '../../test/vectors/gpsd.js';
import { type GpsdSky, type GpsdTpv, parseGpsdLine, tpvToRaw, watchCommand } from './protocol.js';

const parsed = (line: string) => {
  const result = parseGpsdLine(line);
  if (!result.ok) throw new Error(`unexpected junk: ${result.reason}`);
  return result.message;
};

describe('parseGpsdLine on real gpsd output', () => {
  it('reads the session banner: VERSION, DEVICES, WATCH', () => {
    expect(parsed(VERSION_LINE)).toEqual({
      class: 'VERSION',
      release: '3.27.6~dev',
      rev: 'release-3.27.5-334-g0dac8a4d4',
      protoMajor: 16,
      protoMinor: 1,
    });
    expect(parsed(DEVICES_LINE)).toEqual({
      class: 'DEVICES',
      devices: [{ path: '/dev/ttyAMA0', driver: 'u-blox', bps: 115200 }],
    });
    expect(parsed(WATCH_LINE)).toEqual({ class: 'WATCH', enable: true, json: true });
  });

  it('reads the documented TPV (m/s, ISO time, deprecated alt) and SKY (counting used satellites)', () => {
    expect(parsed(DOC_TPV)).toEqual({
      class: 'TPV',
      device: '/dev/pts/1',
      mode: 3,
      time: '2005-06-08T10:34:48.283Z',
      lat: 46.498293369,
      lon: 7.567411672,
      alt: 1343.127,
      eph: 36,
      epv: 32.321,
      track: 10.3788,
      speed: 0.091,
      climb: -0.085,
    });
    expect(parsed(DOC_SKY)).toEqual({
      class: 'SKY',
      device: '/dev/pts/1',
      time: '2005-07-08T11:28:07.114Z',
      hdop: 1.24,
      pdop: 1.99,
      usedInList: 5,
    });
  });

  it('reads every report of the BU-353-S4 replay, and the ERROR and no-fix examples', () => {
    const classes = bu353s4Reports.map((line) => parsed(line).class);
    expect(classes.filter((c) => c === 'TPV')).toHaveLength(12);
    expect(classes.every((c) => c === 'TPV' || c === 'SKY')).toBe(true);
    expect(parsed(DOC_ERROR)).toEqual({ class: 'ERROR', message: "Unrecognized request '?FOO'" });
    expect(parsed(NO_FIX_TPV)).toEqual({ class: 'TPV', mode: 1 });
    expect(parsed('{"class":"PPS","device":"/dev/pps0"}')).toEqual({ class: 'other', name: 'PPS' });
  });

  for (const { name, line } of junkLines) {
    it(`calls ${name} junk, without throwing`, () => {
      const result = parseGpsdLine(line);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.reason).not.toBe('');
    });
  }
});

describe('tpvToRaw', () => {
  const tpv = parsed(bu353s4Reports.find((l) => l.includes('"time":"2014-12-31T03:07:19.000Z"')) ?? '') as GpsdTpv;
  const sky = parsed(bu353s4Reports[1] ?? '') as GpsdSky;

  it('turns m/s into km/h, takes altMSL, and the satellites and HDOP of the last SKY', () => {
    expect(tpvToRaw(tpv, sky, 7)).toEqual({
      at: 7,
      fix: '3d',
      lat: -37.784788333,
      lon: 175.314896667,
      altitudeM: 59.9,
      speedKmh: 0.355 * 3.6,
      courseDeg: 181.39,
      satellites: 8,
      hdop: 1.1,
      gpsTime: Date.UTC(2014, 11, 31, 3, 7, 19),
    });
  });

  it('falls back to the deprecated alt and to the used satellites in the list', () => {
    const raw = tpvToRaw(parsed(DOC_TPV) as GpsdTpv, parsed(DOC_SKY) as GpsdSky, 0);
    expect(raw).toMatchObject({ altitudeM: 1343.127, satellites: 5, hdop: 1.24, fix: '3d' });
  });

  it('never takes the time of a TPV without a 2D/3D fix', () => {
    const raw = tpvToRaw({ class: 'TPV', mode: 1, time: '2014-12-31T03:07:19.000Z' }, undefined, 0);
    expect(raw).toEqual({ at: 0, fix: 'none' });
    expect(tpvToRaw({ class: 'TPV', mode: 2, time: 'yesterday' }, undefined, 0)).toEqual({ at: 0, fix: '2d' });
  });
});

describe('watchCommand', () => {
  it('asks for JSON reports from every device, or from one', () => {
    expect(watchCommand()).toBe('?WATCH={"enable":true,"json":true};\n');
    expect(watchCommand('/dev/ttyACM0')).toBe('?WATCH={"enable":true,"json":true,"device":"/dev/ttyACM0"};\n');
  });
});
