// How the report writes its figures: durations as "12 h 30", kilometres with one decimal, counts with the
// language's digit grouping. The CSV uses the plain variants (decimal hours) so a spreadsheet can add them.

/** "12 h 30" (French) or "12 h 30 min" (English), rounded to the minute. */
export function hours(ms, i18n) {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = String(minutes % 60).padStart(2, '0');
  return i18n.t('value.hours', { h: i18n.format.integer.format(h), m });
}

export function km(distanceM, i18n) {
  return i18n.format.oneDecimal.format(distanceM / 1000);
}

export function count(value, i18n) {
  return i18n.format.integer.format(value);
}

export function mean(value, i18n) {
  return i18n.format.oneDecimal.format(value);
}
