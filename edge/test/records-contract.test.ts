import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  applyRecord,
  HotspotUpdateSchema,
  QuestionnaireTodaySchema,
  type ReconstructedState,
  SystemUpdateSchema,
  TelemetryBatchV2Schema,
} from '../src/contract/records.js';

describe('v2 record schemas', () => {
  it('requires the core fields of a full update but any subset in a delta', () => {
    expect(
      Value.Check(HotspotUpdateSchema, { sessionsNow: 1, sessionsToday: 2, distinctDevicesToday: 2, full: true }),
    ).toBe(true);
    expect(Value.Check(HotspotUpdateSchema, { sessionsNow: 1, full: true })).toBe(false);
    expect(Value.Check(HotspotUpdateSchema, { sessionsNow: 1 })).toBe(true);
    expect(Value.Check(HotspotUpdateSchema, { sessionsNow: 1, full: false })).toBe(false);
    expect(Value.Check(SystemUpdateSchema, { full: true })).toBe(true);
  });

  it('refuses anything that could identify a device, and unknown kinds', () => {
    expect(Value.Check(HotspotUpdateSchema, { sessionsNow: 1, mac: 'aa:bb:cc:dd:ee:ff' })).toBe(false);
    const batch = { v: 2, bootId: 'boot-0001', records: [{ seq: 0, ts: 1, clients: [] }] };
    expect(Value.Check(TelemetryBatchV2Schema, batch)).toBe(false);
  });

  it('takes the questionnaire counts whole: every option, integers ≥ 0, nothing else', () => {
    const today = {
      responses: 3,
      answers: {
        reason: { admin: 1, job: 2, family: 0, school: 0, other: 0 },
        autonomy: { alone: 0, help: 3, hard: 0 },
        access: { home: 1, mobile: 1, none: 1 },
      },
    };
    const core = { sessionsNow: 1, sessionsToday: 2, distinctDevicesToday: 2 };
    expect(Value.Check(HotspotUpdateSchema, { ...core, questionnaireToday: today, full: true })).toBe(true);
    expect(Value.Check(HotspotUpdateSchema, { questionnaireToday: today })).toBe(true);
    const { job: _job, ...withoutJob } = today.answers.reason;
    const refused = [
      { ...today, when: 1_700_000_000_000 },
      { ...today, answers: { ...today.answers, language: { fr: 1 } } },
      { ...today, answers: { ...today.answers, reason: { ...today.answers.reason, ip: 1 } } },
      { ...today, answers: { ...today.answers, reason: withoutJob } },
      { ...today, answers: { ...today.answers, access: { ...today.answers.access, none: -1 } } },
      { ...today, answers: { ...today.answers, autonomy: { ...today.answers.autonomy, help: 1.5 } } },
      { ...today, responses: -1 },
      { answers: today.answers },
    ];
    for (const bad of refused) {
      expect(Value.Check(QuestionnaireTodaySchema, bad)).toBe(false);
      expect(Value.Check(HotspotUpdateSchema, { questionnaireToday: bad })).toBe(false);
    }
  });

  it('accepts quality maps on full updates only', () => {
    const full = { cpuTempC: 50, full: true, q: { cpuTempC: 'stale' } };
    expect(Value.Check(SystemUpdateSchema, full)).toBe(true);
    expect(Value.Check(SystemUpdateSchema, { cpuTempC: 50, q: { cpuTempC: 'stale' } })).toBe(false);
    expect(Value.Check(SystemUpdateSchema, { ...full, q: { cpuTempC: 'ok' } })).toBe(false);
  });
});

describe('applyRecord', () => {
  it('replaces a kind on a full update and merges deltas into it', () => {
    let state: ReconstructedState = {};
    state = applyRecord(state, { ts: 1, system: { cpuTempC: 50, load1: 0.3, uptimeS: 10, full: true } });
    state = applyRecord(state, { ts: 2, system: { cpuTempC: 53 } });
    expect(state.system).toEqual({ values: { cpuTempC: 53, load1: 0.3, uptimeS: 10 }, complete: true, updatedAt: 2 });
    // A full update drops what it no longer carries, quality included.
    state = applyRecord(state, { ts: 3, system: { cpuTempC: 53, full: true, q: { cpuTempC: 'stale' } } });
    expect(state.system?.values).toEqual({ cpuTempC: 53, q: { cpuTempC: 'stale' } });
    state = applyRecord(state, { ts: 4, system: { cpuTempC: 53, full: true } });
    expect(state.system?.values).toEqual({ cpuTempC: 53 });
  });

  it('marks a kind incomplete until its first full update, and never mutates its input', () => {
    const before: ReconstructedState = {};
    const after = applyRecord(before, { ts: 5, hotspot: { sessionsNow: 3 } });
    expect(before).toEqual({});
    expect(after.hotspot).toEqual({ values: { sessionsNow: 3 }, complete: false, updatedAt: 5 });
    const again = applyRecord(after, { ts: 6, battery: { voltageV: 50 } });
    expect(after.battery).toBeUndefined();
    expect(again.hotspot).toBe(after.hotspot);
  });
});
