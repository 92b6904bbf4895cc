import { describe, expect, it } from 'vitest';
import { QuestionnaireTally } from './questionnaire.js';

const ZERO = {
  responses: 0,
  answers: {
    reason: { admin: 0, job: 0, family: 0, school: 0, other: 0 },
    autonomy: { alone: 0, help: 0, hard: 0 },
    access: { home: 0, mobile: 0, none: 0 },
  },
};

/** A tally on a clock the test sets; Paris midnight in June is 22:00 UTC. */
function tallyAt(start: number) {
  let now = start;
  const tally = new QuestionnaireTally({ now: () => now, timeZone: 'Europe/Paris' });
  return { tally, set: (at: number) => (now = at) };
}

describe('QuestionnaireTally', () => {
  it('counts every option, 0 when never chosen, and a response only when something was answered', () => {
    const { tally } = tallyAt(Date.UTC(2025, 5, 10, 9));
    expect(tally.totals()).toEqual(ZERO);
    tally.record({ reason: 'school', access: 'none' });
    tally.record({ autonomy: 'hard' });
    tally.record({});
    expect(tally.totals()).toEqual({
      responses: 2,
      answers: {
        reason: { ...ZERO.answers.reason, school: 1 },
        autonomy: { ...ZERO.answers.autonomy, hard: 1 },
        access: { ...ZERO.answers.access, none: 1 },
      },
    });
  });

  it('starts again at local midnight, not at UTC midnight', () => {
    const { tally, set } = tallyAt(Date.UTC(2025, 5, 10, 20));
    tally.record({ reason: 'job' });
    set(Date.UTC(2025, 5, 10, 21, 59, 59, 999));
    expect(tally.totals().responses).toBe(1);
    set(Date.UTC(2025, 5, 10, 22));
    expect(tally.totals()).toEqual(ZERO);
    tally.record({ reason: 'family' });
    // UTC midnight falls during the Paris day: nothing resets then.
    set(Date.UTC(2025, 5, 11, 0, 30));
    expect(tally.totals()).toMatchObject({ responses: 1, answers: { reason: { job: 0, family: 1 } } });
  });

  it('drops yesterday’s counts even when the first thing after midnight is a new answer', () => {
    const { tally, set } = tallyAt(Date.UTC(2025, 5, 10, 12));
    tally.record({ reason: 'admin', autonomy: 'help' });
    set(Date.UTC(2025, 5, 12, 8));
    tally.record({ reason: 'admin' });
    expect(tally.totals()).toEqual({
      ...ZERO,
      responses: 1,
      answers: { ...ZERO.answers, reason: { ...ZERO.answers.reason, admin: 1 } },
    });
  });

  it('hands out a fresh object each time, so a kept copy never changes under its holder', () => {
    const { tally } = tallyAt(Date.UTC(2025, 5, 10, 12));
    const before = tally.totals();
    tally.record({ access: 'home' });
    expect(before).toEqual(ZERO);
    before.answers.access.home = 99;
    expect(tally.totals().answers.access.home).toBe(1);
  });
});
