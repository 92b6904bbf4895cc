/**
 * Local calendar days. The hotspot counters reset at the unit's local midnight and outings end with the
 * local day, so both need the wall-clock date in the fleet's time zone (Europe/Paris by default), with
 * daylight saving handled by the runtime's time-zone data rather than by hand.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ts: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ts)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `timeZone` from UTC at `ts`, ms (Paris: +1 h in winter, +2 h in summer). */
function offsetMs(ts: number, timeZone: string): number {
  const w = wallClock(ts, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ts - (((ts % 1000) + 1000) % 1000));
}

function computeStartOfDay(ts: number, timeZone: string): number {
  const w = wallClock(ts, timeZone);
  const midnightAsUtc = Date.UTC(w.year, w.month - 1, w.day);
  // French DST changes happen at 02:00/03:00, never at midnight, so the offset at the first guess holds;
  // the second pass covers zones that switch near midnight.
  let guess = midnightAsUtc - offsetMs(ts, timeZone);
  guess = midnightAsUtc - offsetMs(guess, timeZone);
  return guess;
}

interface DaySpan {
  start: number;
  next: number;
  date: string;
}

/** Recent local days per zone: every record asks, and formatToParts is the costly part of the answer. */
const spans = new Map<string, DaySpan[]>();
const SPANS_KEPT = 8;

function daySpan(ts: number, timeZone: string): DaySpan {
  const list = spans.get(timeZone) ?? [];
  const hit = list.find((s) => ts >= s.start && ts < s.next);
  if (hit) return hit;
  const start = computeStartOfDay(ts, timeZone);
  // 26 h after this midnight always lands inside the next day, even on a 25-hour day.
  const next = computeStartOfDay(start + 26 * 3_600_000, timeZone);
  const w = wallClock(ts, timeZone);
  const date = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  const span = { start, next, date };
  spans.set(timeZone, [span, ...list].slice(0, SPANS_KEPT));
  return span;
}

/** "YYYY-MM-DD" of `ts` in `timeZone`. */
export function localDate(ts: number, timeZone: string): string {
  return daySpan(ts, timeZone).date;
}

/** The instant local midnight began on the local day of `ts`. */
export function startOfLocalDay(ts: number, timeZone: string): number {
  return daySpan(ts, timeZone).start;
}

/** The instant the next local day begins after `ts`. */
export function startOfNextLocalDay(ts: number, timeZone: string): number {
  return daySpan(ts, timeZone).next;
}
