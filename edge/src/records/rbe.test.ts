import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { TelemetryRecordV2Schema } from '../contract/records.js';
import { isEdgeError } from '../errors.js';
import { recordsConfig } from './config.js';
import { ReportByException } from './rbe.js';
import type { RecordSource } from './sources.js';
import { aux, battery, hotspot, motor, north, position, system } from './testing/samples.js';

const HB = 300_000;

function engine(partial: object = {}, mode: 'delta' | 'full' = 'delta') {
  const rbe = new ReportByException(recordsConfig({ heartbeatMs: HB, ...partial }), { mode });
  const step = (now: number, ...samples: RecordSource[]) => {
    for (const sample of samples) rbe.observe(sample);
    return rbe.evaluate(now);
  };
  return { rbe, step };
}

describe('ReportByException: deadbands', () => {
  it('sends every observed kind in full first, then nothing while nothing moves', () => {
    const { rbe, step } = engine();
    expect(rbe.evaluate(0)).toBeUndefined();
    const first = step(0, battery(), system());
    expect(first?.body.battery).toMatchObject({ full: true, state: 'connected', voltageV: 50, socPct: 80 });
    expect(first?.body.system).toMatchObject({ full: true, cpuTempC: 50 });
    expect(first?.urgent).toBe(false);
    expect(Value.Check(TelemetryRecordV2Schema, { seq: 0, ...first?.body })).toBe(true);
    expect(step(10_000, battery(), system())).toBeUndefined();
  });

  it('holds a change exactly at the deadband and sends one just over it, alone', () => {
    const { step } = engine();
    step(0, battery());
    expect(step(10_000, battery({ voltageV: 50.1, currentA: -5.5, socPct: 79 }))).toBeUndefined();
    const out = step(20_000, battery({ voltageV: 50.11, currentA: -5.5, socPct: 79 }));
    expect(out?.body).toEqual({ ts: 20_000, battery: { voltageV: 50.11 } });
    expect(Value.Check(TelemetryRecordV2Schema, { seq: 1, ...out?.body })).toBe(true);
  });

  it('measures from the last value sent, so a slow drift is reported', () => {
    const { step } = engine();
    step(0, battery());
    const sent: number[] = [];
    for (let i = 1; i <= 10; i++) {
      // 0.04 V a tick: never past 0.1 V from the previous sample.
      const out = step(i * 10_000, battery({ voltageV: 50 + i * 0.04 }));
      if (out?.body.battery && 'voltageV' in out.body.battery) sent.push(out.body.battery.voltageV as number);
    }
    expect(sent).toEqual([50.12, 50.24, 50.36]);
  });

  it('sends arrays whole when one element moves, and counts exactly', () => {
    const { step } = engine();
    step(0, battery(), hotspot());
    expect(step(10_000, battery({ temperaturesC: [20.5, 22.5] }))?.body.battery).toEqual({
      temperaturesC: [20.5, 22.5],
    });
    expect(step(20_000, hotspot({ sessionsNow: 1, sessionsToday: 1 }))?.body.hotspot).toEqual({
      sessionsNow: 1,
      sessionsToday: 1,
    });
  });

  it('leaves inferred and heartbeat-only fields to the heartbeat', () => {
    const { step } = engine();
    step(0, motor({ powerW: 0, quality: { powerW: 'inferred' } }), system({ uptimeS: 1000 }));
    expect(step(10_000, motor({ powerW: 900, quality: { powerW: 'inferred' } }), system({ uptimeS: 1010 }))).toBe(
      undefined,
    );
    const beat = step(HB, motor({ powerW: 900, quality: { powerW: 'inferred' } }), system({ uptimeS: 1300 }));
    expect(beat?.body.motor).toMatchObject({ full: true, powerW: 900, q: { powerW: 'inferred' } });
    expect(beat?.body.system).toMatchObject({ full: true, uptimeS: 1300 });
  });

  it("resends the whole kind in 'full' mode", () => {
    const { step } = engine({}, 'full');
    step(0, battery());
    expect(step(10_000, battery({ voltageV: 50.2 }))?.body.battery).toMatchObject({
      full: true,
      voltageV: 50.2,
      cycles: 12,
    });
  });
});

describe('ReportByException: heartbeat, state and quality', () => {
  it('sends each kind in full at least once per heartbeat, even while deltas flow', () => {
    const { step } = engine();
    step(0, battery(), system());
    expect(step(HB - 1, battery(), system())).toBeUndefined();
    const beat = step(HB, battery(), system());
    expect(beat?.body.battery).toMatchObject({ full: true });
    expect(beat?.body.system).toMatchObject({ full: true });
    // Battery deltas every tick do not postpone its keyframe.
    for (let t = HB + 10_000; t < 2 * HB; t += 10_000) {
      expect(step(t, battery({ voltageV: 50 + (t / 10_000) * 0.2 }))?.body.battery).not.toHaveProperty('full');
    }
    expect(step(2 * HB, battery({ voltageV: 40 }))?.body.battery).toMatchObject({ full: true, voltageV: 40 });
  });

  it('resynchronises with a full record when the clock is set back', () => {
    const { step } = engine();
    step(1_749_715_200_000, battery());
    expect(step(1_749_715_210_000, battery())).toBeUndefined();
    expect(step(946_684_800_000, battery())?.body.battery).toMatchObject({ full: true });
    expect(step(946_684_810_000, battery())).toBeUndefined();
  });

  it('marks the first record urgent when an alarm is already raised at start', () => {
    expect(engine().step(0, battery(), motor())?.urgent).toBe(false);
    expect(engine().step(0, battery({ protection: ['cellUnderVoltage'] }))?.urgent).toBe(true);
    expect(engine().step(0, motor({ faultCode: 5, faultName: 'over-temperature' }))?.urgent).toBe(true);
  });

  it('forces a full record on a link state change, and marks alarms urgent', () => {
    const { rbe, step } = engine();
    step(0, battery(), motor());
    rbe.linkState('battery', 'asleep');
    const asleep = step(10_000);
    expect(asleep?.body.battery).toMatchObject({ full: true, state: 'asleep' });
    expect(asleep?.urgent).toBe(false);
    const tripped = step(
      20_000,
      battery({ protection: ['dischargeOverCurrent'], fets: { charge: true, discharge: false } }),
    );
    expect(tripped?.body.battery).toMatchObject({ full: true, protection: ['dischargeOverCurrent'] });
    expect(tripped?.urgent).toBe(true);
    const fault = step(30_000, motor({ faultCode: 3, faultName: 'over-current' }));
    expect(fault?.body.motor).toMatchObject({ full: true, faultCode: 3, faultName: 'over-current' });
    expect(fault?.urgent).toBe(true);
  });

  it('forces a full record when a quality changes, and drops q when all is ok again', () => {
    const { step } = engine();
    step(0, battery());
    expect(step(10_000, battery({ quality: { voltageV: 'stale', socPct: 'ok' } }))?.body.battery).toMatchObject({
      full: true,
      q: { voltageV: 'stale' },
    });
    expect(step(20_000, battery({ quality: { voltageV: 'stale' } }))).toBeUndefined();
    const back = step(30_000, battery());
    expect(back?.body.battery).toMatchObject({ full: true });
    expect(back?.body.battery).not.toHaveProperty('q');
  });

  it('forces a full record when the fix is lost or a field appears or disappears', () => {
    const { step } = engine();
    step(0, position(), motor());
    const lost = step(10_000, position({ fix: 'none', speedKmh: undefined, quality: { lat: 'stale', lon: 'stale' } }));
    expect(lost?.body.position).toMatchObject({ full: true, fix: 'none', q: { lat: 'stale', lon: 'stale' } });
    expect(lost?.body.position).not.toHaveProperty('speedKmh');
    expect(step(20_000, motor({ speedKmh: undefined }))?.body.motor).toMatchObject({ full: true });
  });

  it.each([['battery.protection'], ['battery.noSuchField'], ['position.lat']])(
    'refuses %s as heartbeat-only',
    (name) => {
      let error: unknown;
      try {
        engine({ heartbeatOnly: [name] });
      } catch (err) {
        error = err;
      }
      expect(isEdgeError(error, 'EDG_CONFIG_INVALID')).toBe(true);
    },
  );
});

describe('ReportByException: position', () => {
  const at = (lat: number, speedKmh: number) => position({ lat, speedKmh });

  it('while moving: past 20 m, or after 10 s if it moved at all', () => {
    const { step } = engine();
    step(0, at(45.75, 15));
    expect(step(5_000, at(north(45.75, 20), 15))).toBeUndefined();
    const over = step(6_000, at(north(45.75, 20.5), 15));
    expect(over?.body.position).toEqual({ lat: 45.75018, lon: 4.85 });
    expect(step(15_000, at(north(45.75, 25), 15))).toBeUndefined();
    expect(step(16_000, at(north(45.75, 25), 15))?.body.position).toEqual({ lat: 45.75022, lon: 4.85 });
  });

  it('while parked: only past parkedDistanceM, whatever the time; once at each stop', () => {
    const { step } = engine();
    step(0, at(45.75, 15));
    // Stops 8 m further: the stop itself is sent even though it is under 20 m.
    const stop = step(10_000, at(north(45.75, 8), 0));
    expect(stop?.body.position).toMatchObject({ lat: 45.75007, speedKmh: 0 });
    // GPS jitter at a stop stays under 50 m: nothing, for minutes.
    for (let t = 20_000; t < HB; t += 10_000) {
      expect(step(t, at(north(45.75, 8 + ((t / 10_000) % 2 === 0 ? 30 : -30)), 0.5))).toBeUndefined();
    }
    expect(step(HB - 5_000, at(north(45.75, 58.5), 0.5))?.body.position).toEqual({ lat: 45.75053, lon: 4.85 });
  });

  it('sends no location while the pause switch is on', () => {
    const { step } = engine();
    step(0, at(45.75, 15), aux());
    const paused = step(10_000, aux({ pauseLocation: true }), at(north(45.75, 100), 15));
    expect(paused?.body.position).toEqual({ full: true, state: undefined, fix: '3d', paused: true, satellites: 9 });
    expect(paused?.body.aux).toMatchObject({ full: true, pauseLocation: true });
    expect(step(20_000, at(north(45.75, 500), 15))).toBeUndefined();
    const back = step(30_000, aux(), at(north(45.75, 600), 15));
    expect(back?.body.position).toMatchObject({ full: true, lat: 45.7554 });
    expect(back?.body.position).not.toHaveProperty('paused');
  });
  it('withholds the location when the unit says so, whatever the aux board’s flag, with no aux board at all', () => {
    const { rbe, step } = engine();
    step(0, at(45.75, 15));
    rbe.locationPaused = true;
    const paused = step(10_000, at(north(45.75, 100), 15));
    expect(paused?.body.position).toMatchObject({ paused: true });
    expect(paused?.body.position).not.toHaveProperty('lat');
    // The board's flag off does not override the unit's pause.
    expect(step(20_000, aux({ pauseLocation: false }), at(north(45.75, 500), 15))?.body.position).toBeUndefined();
    rbe.locationPaused = false;
    expect(step(30_000, at(north(45.75, 600), 15))?.body.position).toMatchObject({ full: true, lat: 45.7554 });
  });
});

describe('ReportByException: stretch', () => {
  it('widens deadbands and heartbeats but never delays a state change', () => {
    const { rbe, step } = engine();
    step(0, battery());
    rbe.stretch = 2;
    expect(step(10_000, battery({ voltageV: 50.2 }))).toBeUndefined();
    expect(step(20_000, battery({ voltageV: 50.21 }))?.body.battery).toEqual({ voltageV: 50.21 });
    expect(step(HB, battery({ voltageV: 50.21 }))).toBeUndefined();
    expect(step(2 * HB, battery({ voltageV: 50.21 }))?.body.battery).toMatchObject({ full: true });
    rbe.stretch = 8;
    const alarm = step(2 * HB + 10_000, battery({ voltageV: 50.21, protection: ['shortCircuit'] }));
    expect(alarm?.body.battery).toMatchObject({ full: true, protection: ['shortCircuit'] });
    expect(alarm?.urgent).toBe(true);
    rbe.stretch = 0.5;
    expect(rbe.stretch).toBe(1);
  });
});
