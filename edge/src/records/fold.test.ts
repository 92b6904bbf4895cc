import { describe, expect, it } from 'vitest';
import { applyRecord, type TelemetryRecordV2 } from '../contract/records.js';
import { foldRecord } from './fold.js';

describe('foldRecord', () => {
  const older: TelemetryRecordV2 = {
    seq: 4,
    ts: 40,
    system: { cpuTempC: 50, load1: 0.2, full: true, q: { load1: 'stale' } },
    hotspot: { sessionsNow: 2 },
    battery: { voltageV: 50.2 },
  };
  const newer: TelemetryRecordV2 = {
    seq: 5,
    ts: 50,
    historical: true,
    system: { cpuTempC: 53 },
    battery: {
      state: 'asleep',
      socPct: 80,
      voltageV: 50,
      currentA: 0,
      remainingAh: 16,
      nominalAh: 20,
      cycles: 1,
      temperaturesC: [20],
      protection: [],
      fets: { charge: true, discharge: true },
      full: true,
    },
  };

  it('keeps the newer envelope and gives the state of applying both', () => {
    const folded = foldRecord(older, newer);
    expect(folded).toMatchObject({ seq: 5, ts: 50, historical: true });
    expect(folded.system).toEqual({ cpuTempC: 53, load1: 0.2, full: true, q: { load1: 'stale' } });
    expect(folded.hotspot).toEqual({ sessionsNow: 2 });
    expect(folded.battery).toBe(newer.battery);
    const both = applyRecord(applyRecord({}, older), newer);
    const once = applyRecord({}, folded);
    for (const kind of ['system', 'hotspot', 'battery'] as const) {
      expect(once[kind]?.values).toEqual(both[kind]?.values);
      expect(once[kind]?.complete).toBe(both[kind]?.complete);
    }
  });

  it('merges two deltas, the newer value winning', () => {
    expect(
      foldRecord({ ts: 1, hotspot: { sessionsNow: 1, sessionsToday: 3 } }, { ts: 2, hotspot: { sessionsNow: 0 } }),
    ).toEqual({ ts: 2, hotspot: { sessionsNow: 0, sessionsToday: 3 } });
  });
});
