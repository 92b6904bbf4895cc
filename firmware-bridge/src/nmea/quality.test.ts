import { describe, expect, it } from 'vitest';
import { BridgeErrorCode } from '../errors.js';
import type { RawPosition } from './epoch.js';
import { checkQualityOptions, distanceM, PositionGate } from './quality.js';

const HOTEL_DE_VILLE = { lat: 45.7786, lon: 4.9217 };
/** Metres north of the town hall, in degrees of latitude. */
const north = (m: number) => HOTEL_DE_VILLE.lat + m / 111_195;

const fix = (at: number, over: Partial<RawPosition> = {}): RawPosition => ({
  at,
  fix: '3d',
  ...HOTEL_DE_VILLE,
  speedKmh: 12,
  courseDeg: 90,
  altitudeM: 171.8,
  satellites: 9,
  hdop: 0.9,
  gpsTime: at,
  ...over,
});

describe('PositionGate', () => {
  it('passes a plausible fix through untouched, without a quality map', () => {
    expect(new PositionGate('nmea').apply(fix(1000))).toEqual({
      kind: 'position',
      source: 'nmea',
      at: 1000,
      fix: '3d',
      lat: HOTEL_DE_VILLE.lat,
      lon: HOTEL_DE_VILLE.lon,
      speedKmh: 12,
      courseDeg: 90,
      altitudeM: 171.8,
      satellites: 9,
      hdop: 0.9,
      gpsTime: 1000,
    });
  });

  it('marks a speed above 60 km/h out-of-range, and keeps it', () => {
    const sample = new PositionGate('gpsd').apply(fix(0, { speedKmh: 75 }));
    expect(sample).toMatchObject({ source: 'gpsd', speedKmh: 75, quality: { speedKmh: 'out-of-range' } });
  });

  it('marks the position out-of-range when HDOP is above 20, and does not remember it', () => {
    const gate = new PositionGate('nmea');
    expect(gate.apply(fix(0, { hdop: 25 })).quality).toEqual({
      hdop: 'out-of-range',
      lat: 'out-of-range',
      lon: 'out-of-range',
    });
    // No good fix yet, so losing it has nothing to repeat.
    expect(gate.apply(fix(1000, { fix: 'none', lat: undefined, lon: undefined }))).not.toHaveProperty('lat');
  });

  it('marks 0,0 (null island) out-of-range and never repeats it as a last position', () => {
    const gate = new PositionGate('nmea');
    expect(gate.apply(fix(0, { lat: 0, lon: 0 })).quality).toEqual({ lat: 'out-of-range', lon: 'out-of-range' });
    expect(gate.apply(fix(1000, { fix: 'none' }))).not.toHaveProperty('lat');
  });

  it('marks a jump faster than 60 km/h out-of-range until three fixes agree on the new place', () => {
    const gate = new PositionGate('nmea');
    gate.apply(fix(0));
    // 500 m in one second is 1800 km/h.
    const jumped = [1000, 2000, 3000].map((t) => gate.apply(fix(t, { lat: north(500 + (t - 1000) / 500) })));
    expect(jumped.map((s) => s.quality?.lat)).toEqual(['out-of-range', 'out-of-range', undefined]);
    // Believed from then on.
    expect(gate.apply(fix(4000, { lat: north(504) })).quality).toBeUndefined();
  });

  it('forgets a lone glitch: the next fix near the anchor is fine', () => {
    const gate = new PositionGate('nmea');
    gate.apply(fix(0));
    expect(gate.apply(fix(1000, { lat: north(2000) })).quality?.lat).toBe('out-of-range');
    expect(gate.apply(fix(2000, { lat: north(4) })).quality).toBeUndefined();
  });

  it('allows 60 km/h plus 25 m of noise over the time since the last good fix', () => {
    const gate = new PositionGate('nmea');
    gate.apply(fix(0));
    // 10 s at 60 km/h is 166.7 m; 190 m is within the slack, 200 m is not.
    expect(gate.apply(fix(10_000, { lat: north(190) })).quality).toBeUndefined();
    expect(gate.apply(fix(20_000, { lat: north(190 + 200) })).quality?.lat).toBe('out-of-range');
  });

  it('measures jumps on GPS time, so a replay at full speed is judged as the receiver lived it', () => {
    const gate = new PositionGate('nmea');
    gate.apply(fix(0, { gpsTime: 0 }));
    expect(gate.apply(fix(0, { gpsTime: 60_000, lat: north(900) })).quality).toBeUndefined();
  });

  it('repeats the last good position as stale with its age when the fix is lost, then drops it', () => {
    const gate = new PositionGate('nmea', { staleForMs: 60_000 });
    gate.apply(fix(0));
    const lost = { fix: 'none' as const, lat: undefined, lon: undefined, gpsTime: undefined, hdop: 99.99 };
    const stale = gate.apply(fix(30_000, lost));
    expect(stale).toEqual({
      kind: 'position',
      source: 'nmea',
      at: 30_000,
      fix: 'none',
      lat: HOTEL_DE_VILLE.lat,
      lon: HOTEL_DE_VILLE.lon,
      altitudeM: 171.8,
      satellites: 9,
      hdop: 99.99,
      fixAgeMs: 30_000,
      quality: { hdop: 'out-of-range', lat: 'stale', lon: 'stale', altitudeM: 'stale' },
    });
    expect(stale).not.toHaveProperty('speedKmh');
    const gone = gate.apply(fix(61_000, lost));
    expect(gone).not.toHaveProperty('lat');
    expect(gone).not.toHaveProperty('fixAgeMs');
  });

  it('never repeats a position when staleForMs is 0', () => {
    const gate = new PositionGate('nmea', { staleForMs: 0 });
    gate.apply(fix(0));
    expect(gate.apply(fix(1, { fix: 'none' }))).not.toHaveProperty('lat');
  });

  it('ignores the coordinates of a receiver that says it has no fix', () => {
    const sample = new PositionGate('nmea').apply(fix(0, { fix: 'none' }));
    expect(sample).not.toHaveProperty('lat');
    expect(sample).not.toHaveProperty('speedKmh');
  });

  it('reset() forgets the anchor and the last good position', () => {
    const gate = new PositionGate('nmea');
    gate.apply(fix(0));
    gate.reset();
    expect(gate.apply(fix(1000, { lat: north(5000) })).quality).toBeUndefined();
    gate.reset();
    expect(gate.apply(fix(2000, { fix: 'none' }))).not.toHaveProperty('lat');
  });

  it('refuses negative or non-finite options with BRG_OPTION_INVALID', () => {
    for (const bad of [{ maxSpeedKmh: -1 }, { maxHdop: Number.NaN }, { staleForMs: Number.POSITIVE_INFINITY }]) {
      let code: string | undefined;
      try {
        checkQualityOptions(bad);
      } catch (err) {
        code = (err as { code?: string }).code;
      }
      expect(code).toBe(BridgeErrorCode.OPTION_INVALID);
    }
  });
});

describe('distanceM', () => {
  it('measures the Vaulx-en-Velin town hall to Carré de Soie at about 1.5 km', () => {
    expect(distanceM(HOTEL_DE_VILLE, { lat: 45.765, lon: 4.92 })).toBeCloseTo(1518, -1);
    expect(distanceM(HOTEL_DE_VILLE, HOTEL_DE_VILLE)).toBe(0);
  });
});
