import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isEdgeError } from '../src/errors.js';
import type { WorkingPeriod } from '../src/privacy/config.js';
import { LocationPrivacy, PRIVACY_STATE_ERROR } from '../src/privacy/location-privacy.js';
import { WorkingHours } from '../src/privacy/working-hours.js';

// Mon 2026-01-05 and Mon 2026-07-06: Paris is UTC+1 in winter, UTC+2 in summer.
const WINTER_MONDAY = Date.UTC(2026, 0, 5);
const SUMMER_MONDAY = Date.UTC(2026, 6, 6);
const HOUR = 3_600_000;
const OFFICE: WorkingPeriod[] = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '18:00' }];

function logged() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

function privacy(options: { buttonMode?: 'toggle' | 'level'; hours?: boolean; dir?: string; now?: () => number } = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'privacy-'));
  const { logger, lines } = logged();
  const unit = new LocationPrivacy({
    config: { timeZone: 'Europe/Paris', ...(options.hours ? { workingHours: OFFICE } : {}) },
    statePath: join(dir, 'location-privacy.json'),
    now: options.now ?? (() => WINTER_MONDAY + 10 * HOUR),
    logger,
    buttonMode: options.buttonMode ?? 'toggle',
  });
  unit.load();
  return { unit, dir, lines, statePath: join(dir, 'location-privacy.json') };
}

const press = { pressed: true, pauseLocation: true };
const release = { pressed: false, pauseLocation: true };

describe('working hours, in the venue’s time zone', () => {
  const hours = new WorkingHours(
    [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '18:00' }],
    'Europe/Paris',
  );

  it('opens at 08:30 local and closes at 18:00 local, winter and summer alike', () => {
    // 08:30 Paris is 07:30 UTC in winter and 06:30 UTC in summer.
    expect(hours.contains(WINTER_MONDAY + 7.5 * HOUR - 60_000)).toBe(false);
    expect(hours.contains(WINTER_MONDAY + 7.5 * HOUR)).toBe(true);
    expect(hours.contains(WINTER_MONDAY + 17 * HOUR - 60_000)).toBe(true);
    expect(hours.contains(WINTER_MONDAY + 17 * HOUR)).toBe(false);
    expect(hours.contains(SUMMER_MONDAY + 6.5 * HOUR)).toBe(true);
    expect(hours.contains(SUMMER_MONDAY + 6.5 * HOUR - 60_000)).toBe(false);
    expect(hours.contains(SUMMER_MONDAY + 16 * HOUR)).toBe(false);
  });

  it('is closed on the days not listed', () => {
    const sunday = WINTER_MONDAY - 24 * HOUR + 10 * HOUR;
    expect(hours.contains(sunday)).toBe(false);
  });

  it('refuses a period that ends before it starts, and an unknown zone, with a coded error', () => {
    const wrongWay = () => new WorkingHours([{ days: ['mon'], from: '18:00', to: '08:30' }], 'Europe/Paris');
    expect(wrongWay).toThrow(/workingHours\[0\]/);
    try {
      new WorkingHours([], 'Europe/Nowhere');
      expect.unreachable();
    } catch (err) {
      expect(isEdgeError(err) && err.code).toBe('EDG_CONFIG_INVALID');
    }
  });
});

describe('the mediators’ location pause', () => {
  it('flips on each press of the button (releases do nothing) and says so in the log', () => {
    const { unit, lines } = privacy();
    expect(unit.paused()).toBe(false);
    unit.button(press);
    unit.button(release);
    expect(unit.state()).toMatchObject({ paused: true, manual: true, by: 'button', outsideHours: false });
    unit.button(press);
    expect(unit.paused()).toBe(false);
    expect(lines.filter((l) => l.event === 'location-pause').map((l) => l.manual)).toEqual([true, false]);
  });

  it('lets the button undo a pause set from the dashboard, whatever the board’s own flag says', () => {
    const { unit } = privacy();
    expect(unit.setFromDashboard(true)).toMatchObject({ paused: true, by: 'dashboard' });
    // The board never saw the dashboard's pause: its flag flips to true, the mediator means "resume".
    unit.button({ pressed: true, pauseLocation: true });
    expect(unit.state()).toMatchObject({ paused: false, by: 'button' });
  });

  it('follows a switch in level mode', () => {
    const { unit } = privacy({ buttonMode: 'level' });
    unit.button({ pressed: true, pauseLocation: true });
    expect(unit.paused()).toBe(true);
    unit.button({ pressed: false, pauseLocation: false });
    expect(unit.paused()).toBe(false);
  });

  it('stops positions outside the working hours even when nobody paused', () => {
    let now = WINTER_MONDAY + 10 * HOUR;
    const { unit } = privacy({ hours: true, now: () => now });
    expect(unit.state()).toMatchObject({ paused: false, outsideHours: false });
    now = WINTER_MONDAY + 20 * HOUR;
    expect(unit.state()).toMatchObject({ paused: true, manual: false, outsideHours: true });
    // Resuming from the dashboard does not reopen the night.
    expect(unit.setFromDashboard(false)).toMatchObject({ paused: true, outsideHours: true });
  });

  it('keeps the pause across a restart', () => {
    const first = privacy();
    first.unit.setFromDashboard(true);
    const again = privacy({ dir: first.dir });
    expect(again.unit.state()).toMatchObject({ paused: true, manual: true, by: 'dashboard' });
    expect(JSON.parse(readFileSync(first.statePath, 'utf8'))).toMatchObject({ manual: true });
  });

  it('starts paused, with a coded warning, when the saved pause is unreadable', () => {
    const first = privacy();
    writeFileSync(first.statePath, '{"manual": tr');
    const again = privacy({ dir: first.dir });
    expect(again.unit.state()).toMatchObject({ paused: true, manual: true, by: null });
    expect(again.lines.find((l) => l.code === PRIVACY_STATE_ERROR)?.msg).toMatch(/stays paused/);
    writeFileSync(first.statePath, JSON.stringify({ manual: 'yes', by: 'someone', changedAt: 1 }));
    expect(privacy({ dir: first.dir }).unit.paused()).toBe(true);
  });

  it('holds a pause in memory, with a coded warning, when it cannot be saved', () => {
    const dir = mkdtempSync(join(tmpdir(), 'privacy-'));
    // A file where the directory should be: no write can succeed, even as root.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const { logger, lines } = logged();
    const unit = new LocationPrivacy({
      config: { timeZone: 'Europe/Paris' },
      statePath: join(dir, 'not-a-dir', 'location-privacy.json'),
      now: () => WINTER_MONDAY,
      logger,
      buttonMode: 'toggle',
    });
    unit.load();
    unit.setFromDashboard(true);
    expect(unit.paused()).toBe(true);
    const warnings = lines.filter((l) => l.code === PRIVACY_STATE_ERROR).map((l) => String(l.msg));
    // Unreadable at start (so paused from the outset), then not saved.
    expect(warnings).toEqual([expect.stringMatching(/unreadable/), expect.stringMatching(/not saved/)]);
  });
});
