// The report's period: a preset (this month, last month, this quarter, this year) or two dates, kept in
// the URL query so a report can be shared and reopened. Days are the browser's local days; `to` is sent
// exclusive (the next local midnight), as /api/reports/impact expects, and never later than now.

export const PRESETS = ['this-month', 'last-month', 'this-quarter', 'this-year', 'custom'];
/** The server's limit (MAX_SPAN_MS.report in routes/fleet.ts), checked the same way: to − from in ms. */
export const MAX_SPAN_DAYS = 400;
const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function readPeriod(search) {
  const query = new URLSearchParams(search);
  const preset = query.get('period') ?? '';
  return {
    preset: PRESETS.includes(preset) ? preset : 'this-month',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  };
}

export function periodToSearch(period) {
  const query = new URLSearchParams({ period: period.preset });
  if (period.preset === 'custom') {
    query.set('from', period.from);
    query.set('to', period.to);
  }
  return `?${query}`;
}

/** 'YYYY-MM-DD' of a local date. */
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local date of a 'YYYY-MM-DD' day, or null when it is not a real day (2025-02-30). */
export function parseDay(text) {
  if (!DATE.test(text)) return null;
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date : null;
}

/** First and last local day of a preset, as of `now`. */
function presetDays(preset, now) {
  const y = now.getFullYear();
  const m = now.getMonth();
  const today = new Date(y, m, now.getDate());
  if (preset === 'last-month') return [new Date(y, m - 1, 1), new Date(y, m, 0)];
  if (preset === 'this-quarter') return [new Date(y, m - (m % 3), 1), today];
  if (preset === 'this-year') return [new Date(y, 0, 1), today];
  return [new Date(y, m, 1), today];
}

/**
 * The period as the request needs it: `{ ok: true, fromDay, toDay, from, to }` (days inclusive, ms with `to`
 * exclusive), or `{ ok: false, errors }` with a dictionary key per date field in error.
 * `badInput` marks date fields whose text the browser could not read.
 */
export function resolvePeriod(period, now = new Date(), badInput = { from: false, to: false }) {
  let first;
  let last;
  if (period.preset === 'custom') {
    first = parseDay(period.from);
    last = parseDay(period.to);
    const errors = {};
    if (badInput.from || !first) errors.from = period.from || badInput.from ? 'error.badDate' : 'error.missingDate';
    if (badInput.to || !last) errors.to = period.to || badInput.to ? 'error.badDate' : 'error.missingDate';
    if (!errors.from && !errors.to) {
      if (first > last) errors.to = 'error.order';
      else if (nextDay(last).getTime() - first.getTime() > MAX_SPAN_DAYS * DAY_MS) errors.to = 'error.span';
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
  } else {
    [first, last] = presetDays(period.preset, now);
  }
  const from = first.getTime();
  const end = nextDay(last).getTime();
  // A period running into the future stops at now, so the chart has no empty days to come.
  const to = from < now.getTime() ? Math.min(end, now.getTime()) : end;
  return { ok: true, fromDay: isoDay(first), toDay: isoDay(last), from, to };
}

function nextDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1);
}
