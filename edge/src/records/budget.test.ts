import { describe, expect, it } from 'vitest';
import { billingPeriod, DataBudget } from './budget.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const JUNE_1 = Date.UTC(2025, 5, 1);

function clockAt(start: number) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

/** Feeds `bytesPerHour` (divided by the stretch the budget asks for) for `hours` hours. */
function run(budget: DataBudget, clock: { t: number }, hours: number, bytesPerHour: number) {
  for (let h = 0; h < hours; h++) {
    budget.count(Math.round(bytesPerHour / budget.stretch), 0);
    clock.t += HOUR;
  }
}

describe('billingPeriod', () => {
  it('starts on the billing day, in the previous month before it, across the new year', () => {
    expect(billingPeriod(Date.UTC(2025, 5, 12), 1)).toEqual({ start: JUNE_1, end: Date.UTC(2025, 6, 1) });
    expect(billingPeriod(Date.UTC(2025, 5, 12), 15)).toEqual({
      start: Date.UTC(2025, 4, 15),
      end: Date.UTC(2025, 5, 15),
    });
    expect(billingPeriod(Date.UTC(2025, 0, 3), 5)).toEqual({ start: Date.UTC(2024, 11, 5), end: Date.UTC(2025, 0, 5) });
    expect(billingPeriod(Date.UTC(2025, 5, 15), 15).start).toBe(Date.UTC(2025, 5, 15));
  });
});

describe('DataBudget', () => {
  it('counts both directions and projects the month from the recent rate', () => {
    const clock = clockAt(JUNE_1);
    const budget = new DataBudget({ clock });
    for (let h = 0; h < 48; h++) {
      budget.count(10_000, 2_000);
      clock.t += HOUR;
    }
    const status = budget.status();
    expect(status).toMatchObject({ sentBytes: 480_000, receivedBytes: 96_000, usedBytes: 576_000, stretch: 1 });
    // 12 kB/h for the 28 days left of June's 30.
    expect(status.projectedBytes).toBe(576_000 + 12_000 * 28 * 24);
    expect(status.capBytes).toBeUndefined();
  });

  it('never stretches without a cap', () => {
    const clock = clockAt(JUNE_1);
    const budget = new DataBudget({ clock });
    run(budget, clock, 24, 10_000_000);
    expect(budget.stretch).toBe(1);
  });

  it('stays at 1 when the pace fits the cap', () => {
    const clock = clockAt(JUNE_1);
    // 20 kB/h × 720 h = 14.4 MB a month, under a 20 MB cap.
    const budget = new DataBudget({ clock, monthlyCapBytes: 20_000_000 });
    run(budget, clock, 72, 20_000);
    expect(budget.stretch).toBe(1);
    expect(budget.status().projectedBytes).toBeLessThan(20_000_000);
  });

  it('stretches by the power of two that brings the month under the cap', () => {
    const clock = clockAt(JUNE_1);
    // 50 kB/h would be 36 MB a month; the cap is 10 MB: a factor of 3.6, so 4.
    const budget = new DataBudget({ clock, monthlyCapBytes: 10_000_000 });
    run(budget, clock, 48, 50_000);
    expect(budget.stretch).toBe(4);
    run(budget, clock, 24 * 26, 50_000);
    const status = budget.status();
    expect(status.projectedBytes).toBeLessThanOrEqual(10_000_000);
    expect(status.usedBytes).toBeLessThan(10_000_000);
  });

  it('goes back down, with a margin, when the pace drops', () => {
    const clock = clockAt(JUNE_1);
    const budget = new DataBudget({ clock, monthlyCapBytes: 10_000_000 });
    run(budget, clock, 48, 50_000);
    expect(budget.stretch).toBe(4);
    run(budget, clock, 48, 5_000);
    expect(budget.stretch).toBe(1);
  });

  it('holds the maximum once the cap is spent, and caps the factor', () => {
    const clock = clockAt(JUNE_1);
    const budget = new DataBudget({ clock, monthlyCapBytes: 1_000_000, maxStretch: 6 });
    run(budget, clock, 2, 400_000);
    expect(budget.stretch).toBe(6);
    budget.count(2_000_000);
    expect(budget.stretch).toBe(6);
  });

  it('starts counting afresh in a new billing period', () => {
    const clock = clockAt(Date.UTC(2025, 5, 30, 20));
    const budget = new DataBudget({ clock, monthlyCapBytes: 1_000_000 });
    budget.count(2_000_000);
    expect(budget.stretch).toBe(8);
    clock.t = Date.UTC(2025, 6, 1, 1);
    expect(budget.status()).toMatchObject({ usedBytes: 0, periodStart: Date.UTC(2025, 6, 1) });
  });

  it('resumes from a saved state after a reboot', () => {
    const clock = clockAt(JUNE_1 + 3 * DAY);
    const before = new DataBudget({ clock, monthlyCapBytes: 10_000_000 });
    run(before, clock, 48, 50_000);
    const after = new DataBudget({ clock, monthlyCapBytes: 10_000_000, state: before.state() });
    expect(after.status()).toEqual(before.status());
    expect(after.stretch).toBe(before.stretch);
  });
});
