import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One file per local day, `legal-log-YYYY-MM-DD.ages` ("ages": a sequence of age files). The day in
 * the name is the venue's local day of the records inside, so retention counts in calendar days.
 */

const DAY_FILE = /^legal-log-(\d{4}-\d{2}-\d{2})\.ages$/;
const MS_PER_DAY = 86_400_000;

export interface DayFile {
  day: string;
  path: string;
}

export function dayFileName(day: string): string {
  return `legal-log-${day}.ages`;
}

/** The day files in the directory, oldest first; other files are not ours and are left alone. */
export async function listDayFiles(directory: string): Promise<DayFile[]> {
  const names = await readdir(directory);
  const files: DayFile[] = [];
  for (const name of names) {
    const day = DAY_FILE.exec(name)?.[1];
    if (day !== undefined && isCalendarDay(day)) files.push({ day, path: join(directory, name) });
  }
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** `YYYY-MM-DD` moved by whole calendar days (no time zone: a day key is a date, not an instant). */
export function shiftDay(day: string, days: number): string {
  return new Date(dayToUtc(day) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayToUtc(to) - dayToUtc(from)) / MS_PER_DAY);
}

/**
 * Deletes the day files whose every record is older than the retention: day D goes once `today` is
 * more than `retentionDays` after it. Files dated after today (a clock that was behind) are kept.
 */
export async function purgeExpired(directory: string, today: string, retentionDays: number): Promise<string[]> {
  const purged: string[] = [];
  for (const file of await listDayFiles(directory)) {
    if (daysBetween(file.day, today) > retentionDays) {
      await unlink(file.path);
      purged.push(file.day);
    }
  }
  return purged;
}

function dayToUtc(day: string): number {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return Date.UTC(year, month - 1, date);
}

function isCalendarDay(day: string): boolean {
  return new Date(dayToUtc(day)).toISOString().slice(0, 10) === day;
}
