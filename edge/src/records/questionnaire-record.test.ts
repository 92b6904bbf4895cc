import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, MAX_INFLATED_BYTES } from '../contract/encoding.js';
import { MAX_PAYLOAD_BYTES } from '../contract/parse.js';
import {
  applyRecord,
  QUESTION_IDS,
  QUESTIONNAIRE,
  type QuestionnaireToday,
  type ReconstructedState,
  type TelemetryBatchV2,
  TelemetryRecordV2Schema,
} from '../contract/records.js';
import { QuestionnaireTally } from '../hotspot/portal/questionnaire.js';
import { recordsConfig } from './config.js';
import { foldRecord } from './fold.js';
import { ReportByException } from './rbe.js';
import { hotspot } from './testing/samples.js';

/** The hotspot's aggregate as the service builds it: the sessions' counts plus today's questionnaire. */
function rig() {
  const tally = new QuestionnaireTally({ now: () => Date.UTC(2025, 5, 10, 12) });
  const rbe = new ReportByException(recordsConfig({ heartbeatMs: 300_000 }));
  let state: ReconstructedState = {};
  let seq = 0;
  const step = (now: number, questionnaire = true) => {
    rbe.observe(hotspot({ sessionsToday: 4, ...(questionnaire ? { questionnaireToday: tally.totals() } : {}) }));
    const body = rbe.evaluate(now)?.body;
    if (body) {
      expect([...Value.Errors(TelemetryRecordV2Schema, { seq: seq++, ...body })]).toEqual([]);
      state = applyRecord(state, body);
    }
    return body;
  };
  return { tally, step, rebuilt: () => state.hotspot?.values.questionnaireToday };
}

describe('hotspot.questionnaireToday in the records', () => {
  it('is in the full record, every option present, once an answer came', () => {
    const { tally, step, rebuilt } = rig();
    tally.record({ reason: 'admin', access: 'mobile' });
    const first = step(0);
    expect(first?.hotspot).toMatchObject({ full: true, sessionsToday: 4 });
    expect(first?.hotspot?.questionnaireToday).toEqual({
      responses: 1,
      answers: {
        reason: { admin: 1, job: 0, family: 0, school: 0, other: 0 },
        autonomy: { alone: 0, help: 0, hard: 0 },
        access: { home: 0, mobile: 1, none: 0 },
      },
    });
    expect(rebuilt()).toEqual(tally.totals());
  });

  it('is in a delta, whole, only when a count changed (compared by value, not by object)', () => {
    const { tally, step, rebuilt } = rig();
    step(0);
    // A new object with the same counts every tick: nothing to send.
    expect(step(10_000)).toBeUndefined();
    tally.record({ autonomy: 'alone' });
    const delta = step(20_000);
    expect(delta?.hotspot).toEqual({ questionnaireToday: tally.totals() });
    expect(step(30_000)).toBeUndefined();
    tally.record({ access: 'none' });
    expect(step(40_000)?.hotspot).toEqual({ questionnaireToday: tally.totals() });
    expect(rebuilt()).toEqual(tally.totals());
  });

  it('is absent while the questionnaire is off, in full records and deltas alike', () => {
    const { step } = rig();
    const first = step(0, false);
    expect(first?.hotspot).toMatchObject({ full: true });
    expect(first?.hotspot).not.toHaveProperty('questionnaireToday');
    expect(step(10_000, false)).toBeUndefined();
    expect(step(300_000, false)?.hotspot).not.toHaveProperty('questionnaireToday');
  });

  it('survives outbox folding: the newer counts replace the older ones whole', () => {
    const older = { ts: 1, hotspot: { questionnaireToday: counts(1) } };
    const newer = { ts: 2, hotspot: { sessionsNow: 1, questionnaireToday: counts(2) } };
    expect(foldRecord(older, newer).hotspot).toEqual(newer.hotspot);
    expect(foldRecord(older, { ts: 2, hotspot: { sessionsNow: 1 } }).hotspot).toEqual({
      sessionsNow: 1,
      questionnaireToday: counts(1),
    });
  });

  it('keeps the largest batch within the wire limits, even as plain JSON', () => {
    // 500 records (telemetry.maxBatch's ceiling), each a hotspot delta holding the counts with 7-digit values.
    const records = Array.from({ length: 500 }, (_, seq) => ({
      seq,
      ts: 1_750_000_000_000 + seq * 10_000,
      historical: true,
      hotspot: { sessionsNow: 9_999_999, questionnaireToday: counts(9_999_999 - seq) },
    }));
    const batch: TelemetryBatchV2 = { v: 2, bootId: 'boot-0001', records };
    const json = encodeBatch(batch, { encoding: 'json' });
    expect(json.byteLength).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(json.byteLength).toBeLessThan(MAX_INFLATED_BYTES);
    expect(encodeBatch(batch).byteLength).toBeLessThan(json.byteLength / 4);
    expect(decodeBatch(json)).toEqual({ ok: true, value: batch });
    expect(decodeBatch(encodeBatch(batch))).toEqual({ ok: true, value: batch });
  });
});

/** Every option of every question at `n`. */
function counts(n: number): QuestionnaireToday {
  const answers = Object.fromEntries(
    QUESTION_IDS.map((q) => [q, Object.fromEntries(QUESTIONNAIRE[q].map((option) => [option, n]))]),
  ) as QuestionnaireToday['answers'];
  return { responses: n, answers };
}
