// Number, size, duration and age formatting for the unit page, in the page's language. The shared
// formatters (i18n.format) cover integers and one decimal; the unit page also needs volts to the
// millivolt, data sizes and "how long ago".

const cache = new Map();

function formattersFor(locale) {
  return {
    threeDecimals: new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }),
    upToOneDecimal: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }),
    twoDecimals: new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    relative: new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'long' }),
    time: new Intl.DateTimeFormat(locale, { timeStyle: 'short' }),
    timeSeconds: new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }),
    dayMonth: new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit' }),
    dayMonthTime: new Intl.DateTimeFormat(locale, {
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }),
    date: new Intl.DateTimeFormat(locale, { dateStyle: 'full' }),
  };
}

/** The unit page's extra formatters for the current language, built once per language. */
export function extra(i18n) {
  const locale = i18n.t('locale');
  let formatters = cache.get(locale);
  if (!formatters) {
    formatters = formattersFor(locale);
    cache.set(locale, formatters);
  }
  return formatters;
}

export const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/** "—" for a value the unit has not sent, so a gap never reads as zero. */
export const DASH = '—';

export function num(i18n, value, style = 'oneDecimal') {
  if (!isNumber(value)) return DASH;
  const formatter = i18n.format[style] ?? extra(i18n)[style];
  return formatter.format(value);
}

/** Bytes in decimal units (ko, Mo, Go), as the operators bill them. */
export function bytes(i18n, value) {
  if (!isNumber(value)) return DASH;
  const units = ['unit.B', 'unit.kB', 'unit.MB', 'unit.GB', 'unit.TB'];
  let scaled = value;
  let step = 0;
  while (scaled >= 1000 && step < units.length - 1) {
    scaled /= 1000;
    step += 1;
  }
  const shown = step === 0 ? i18n.format.integer.format(scaled) : extra(i18n).upToOneDecimal.format(scaled);
  return `${shown} ${i18n.t(units[step])}`;
}

/** A duration in seconds as "3 j 4 h", "2 h 05 min" or "45 min". */
export function duration(i18n, seconds) {
  if (!isNumber(seconds)) return DASH;
  const total = Math.max(0, Math.round(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (days > 0) return i18n.t('duration.days', { days, hours });
  if (hours > 0) return i18n.t('duration.hours', { hours, minutes: String(minutes).padStart(2, '0') });
  if (minutes > 0) return i18n.t('duration.minutes', { minutes });
  return i18n.t('duration.seconds', { seconds: total });
}

/** "il y a 12 secondes", "il y a 3 heures"; a clock slightly ahead of ours reads as now. */
export function ago(i18n, ts, now = Date.now()) {
  if (!isNumber(ts)) return i18n.t('age.never');
  const seconds = Math.max(0, Math.round((now - ts) / 1000));
  const { relative } = extra(i18n);
  if (seconds < 60) return relative.format(-seconds, 'second');
  if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), 'minute');
  if (seconds < 86_400) return relative.format(-Math.floor(seconds / 3600), 'hour');
  return relative.format(-Math.floor(seconds / 86_400), 'day');
}

/** The value of a `datetime-local` input for a time, in the browser's time zone. */
export function toLocalInput(ts) {
  const d = new Date(ts);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value of a `date` input for a time, in the browser's time zone. */
export function toLocalDate(ts) {
  return toLocalInput(ts).slice(0, 10);
}

/** A server error body as one line: its message, then its code. */
export function problemText(i18n, body, status) {
  if (status === 0) return i18n.t('error.network');
  const message = typeof body?.message === 'string' && body.message !== '' ? body.message : i18n.t('error.unknown');
  return typeof body?.code === 'string' ? `${message} (${body.code})` : message;
}
