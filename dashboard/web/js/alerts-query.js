// The alerts view's filters as plain data: read from and written to the URL query, so a filtered view
// can be shared and the back button steps through the filters. The server filters the history; `matches`
// filters the open list's severity and kind, and decides whether a live alert event belongs in the view.

export const STATES = ['open', 'acknowledged', 'all'];
/** Worst first, as the server orders open alerts. */
export const SEVERITIES = ['critical', 'warning', 'info'];
export const KINDS = [
  'low-battery',
  'bms-protection',
  'over-temperature',
  'motor-fault',
  'unit-offline',
  'uplink-down',
  'data-budget',
  'hotspot-full',
  'zone-leave',
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Anything unknown in the query falls back to "no filter", never to an error page. */
export function readFilters(search) {
  const query = new URLSearchParams(search);
  const pick = (name, allowed) => {
    const value = query.get(name) ?? '';
    return allowed.includes(value) ? value : '';
  };
  return {
    state: pick('state', STATES) || 'open',
    severity: pick('severity', SEVERITIES),
    kind: pick('kind', KINDS),
    unit: query.get('unit') ?? '',
    // Kept as typed, even when malformed, so the form can show what is wrong with it.
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  };
}

/** Only the filters in use, so the default view's address stays plain /alerts.html. */
export function filtersToSearch(filters) {
  const query = new URLSearchParams();
  if (filters.state !== 'open') query.set('state', filters.state);
  for (const name of ['severity', 'unit', 'kind']) if (filters[name]) query.set(name, filters[name]);
  if (filters.state !== 'open') for (const name of ['from', 'to']) if (filters[name]) query.set(name, filters[name]);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** Local midnight of a 'YYYY-MM-DD' day, or NaN when it is not a real date. */
function dayStart(text) {
  if (!DATE.test(text)) return Number.NaN;
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  return date.getMonth() === m - 1 && date.getDate() === d ? date.getTime() : Number.NaN;
}

/**
 * Checks the history's date range. Answers `{ from?, to? }` with a dictionary key per field in error;
 * `badInput` tells which fields hold something the browser could not read as a date.
 */
export function rangeErrors(filters, badInput = { from: false, to: false }) {
  const errors = {};
  if (filters.state === 'open') return errors;
  const from = dayStart(filters.from);
  const to = dayStart(filters.to);
  if (badInput.from || (filters.from && Number.isNaN(from))) errors.from = 'error.badDate';
  if (badInput.to || (filters.to && Number.isNaN(to))) errors.to = 'error.badDate';
  if (!errors.from && !errors.to && from > to) errors.from = 'error.order';
  return errors;
}

/** The history range in ms, `to` inclusive of its whole day; open bounds are undefined. */
export function rangeBounds(filters) {
  if (filters.state === 'open') return {};
  const from = dayStart(filters.from);
  const to = dayStart(filters.to);
  return {
    ...(Number.isNaN(from) ? {} : { start: from }),
    ...(Number.isNaN(to) ? {} : { end: to + DAY_MS }),
  };
}

/** Whether an alert belongs in the view; used on loaded pages and on live events alike. */
export function matches(alert, filters, bounds = rangeBounds(filters)) {
  if (filters.unit && alert.unitId !== filters.unit) return false;
  if (filters.kind && alert.kind !== filters.kind) return false;
  if (filters.severity && alert.severity !== filters.severity) return false;
  if (filters.state === 'open' && !alert.active) return false;
  if (filters.state === 'acknowledged' && alert.acknowledgedBy === null) return false;
  if (bounds.start !== undefined && alert.firstAt < bounds.start) return false;
  if (bounds.end !== undefined && alert.firstAt >= bounds.end) return false;
  return true;
}

/** Open alerts: worst first, then newest; history: newest first (the server's orders). */
export function comparator(state) {
  const byId = (a, b) => b.id - a.id;
  if (state !== 'open') return byId;
  return (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || byId(a, b);
}
