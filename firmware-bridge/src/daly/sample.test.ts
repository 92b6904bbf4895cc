import { describe, expect, it } from 'vitest';
import { checkCurrentSign, toBatterySample } from './sample.js';
import type { DalyMosStatus } from './status.js';

const mos = (state: DalyMosStatus['state']): DalyMosStatus => ({
  stateCode: ['idle', 'charging', 'discharging'].indexOf(state),
  state,
  chargeMos: true,
  dischargeMos: false,
  life: 0,
  remainingAh: 12.5,
});

describe('checkCurrentSign', () => {
  it('flags a sign that contradicts the state byte beyond the deadband only', () => {
    expect(checkCurrentSign(5, mos('discharging'), 1)).toEqual({ configuredA: 5, state: 'discharging' });
    expect(checkCurrentSign(-5, mos('charging'), 1)).toEqual({ configuredA: -5, state: 'charging' });
    expect(checkCurrentSign(1, mos('discharging'), 1)).toBeUndefined();
    expect(checkCurrentSign(-5, mos('discharging'), 1)).toBeUndefined();
    expect(checkCurrentSign(5, mos('idle'), 1)).toBeUndefined();
    expect(checkCurrentSign(5, mos('unknown'), 1)).toBeUndefined();
  });
});

describe('toBatterySample', () => {
  const soc = { voltageV: 48.1, gatherVoltageV: 0, wireCurrentA: 4, socPct: 61.5 };
  const status = {
    cellCount: 13,
    sensorCount: 0,
    charger: false,
    load: true,
    inputs: [false, false, false, false],
    outputs: [false, false, false, false],
    cycles: 9,
    reserved: [0],
  };
  const options = { nominalAh: 20, currentSign: -1 as const, currentDeadbandA: 1 };

  it('applies the configured sign and leaves out what was not read', () => {
    const { sample, mismatch } = toBatterySample(
      { at: 5, soc, mos: { value: mos('discharging'), stale: false }, status: { value: status, stale: false } },
      options,
    );
    expect(mismatch).toBeUndefined();
    expect(sample).toEqual({
      kind: 'battery',
      source: 'daly',
      at: 5,
      voltageV: 48.1,
      currentA: -4,
      socPct: 61.5,
      remainingAh: 12.5,
      nominalAh: 20,
      cycles: 9,
      temperaturesC: [],
      protection: [],
      fets: { charge: true, discharge: false },
    });
  });

  it('marks repeated values stale and does not judge the sign against a stale state byte', () => {
    const { sample, mismatch } = toBatterySample(
      {
        at: 5,
        soc,
        mos: { value: mos('charging'), stale: true },
        status: { value: status, stale: true },
        temperaturesC: { value: [20], stale: true },
        alarms: { value: { flags: ['cellVoltageLowL2'], otherBits: [0, 0, 0, 0, 0, 0, 0], faultCode: 0 }, stale: true },
      },
      options,
    );
    expect(mismatch).toBeUndefined();
    expect(sample.protection).toEqual(['cellUnderVoltage']);
    expect(sample.quality).toEqual({
      remainingAh: 'stale',
      fets: 'stale',
      cycles: 'stale',
      temperaturesC: 'stale',
      protection: 'stale',
    });
  });
});
