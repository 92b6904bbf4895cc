// The CSV export, built in the browser from the report already on screen. French Excel opens it as is:
// UTF-8 with a byte-order mark, semicolons between fields, decimal commas, and no digit grouping (a
// grouped "1 234" would be read as text). Durations are decimal hours so a spreadsheet can add them.

const BOM = '\uFEFF';

function decimal(value, digits) {
  return value.toFixed(digits).replace('.', ',');
}

/**
 * A field as Excel reads it: quoted when it holds a separator, a quote or a line break. A leading
 * = + - @ would be run as a formula, so names starting with one are kept as text with an apostrophe.
 */
export function csvField(value) {
  let text = String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const unitFigures = (f) => [
  f.outings,
  decimal(f.presentMs / 3_600_000, 2),
  f.activeDays,
  f.sessions,
  decimal(f.devicesPerDayMean, 1),
  f.devicesDays,
  decimal(f.distanceM / 1000, 1),
];

const zoneFigures = (z) => [z.visits, decimal(z.presentMs / 3_600_000, 2), z.stops, z.sessions, z.devices];

/** The whole CSV text: a title line, the units with their total, then the zones. */
export function buildCsv(report, period, i18n) {
  const t = (key, vars) => i18n.t(key, vars);
  const { units, zones } = report;
  const unitHeader = [
    'outings',
    'presentMs',
    'activeDays',
    'sessions',
    'devicesPerDayMean',
    'devicesDays',
    'distanceM',
  ];
  const zoneHeader = ['visits', 'presentMs', 'stops', 'sessions', 'devices'];
  const rows = [
    [t('csv.title'), t('csv.period', { from: period.fromDay, to: period.toDay })],
    [],
    [t('csv.section'), t('col.unit'), ...unitHeader.map((k) => t(`csv.unit.${k}`))],
    ...units.map((u) => [t('csv.unitRow'), u.name, ...unitFigures(u)]),
    [t('csv.totalRow'), t('total'), ...unitFigures(report.totals)],
    [],
    [t('csv.section'), t('col.zone'), ...zoneHeader.map((k) => t(`csv.zone.${k}`))],
    ...zones.map((z) => [t('csv.zoneRow'), z.name, ...zoneFigures(z)]),
  ];
  return `${BOM}${rows.map((row) => row.map(csvField).join(';')).join('\r\n')}\r\n`;
}

export function csvFileName(period) {
  return `rapport-impact-${period.fromDay}-${period.toDay}.csv`;
}

/** Hands the text to the browser as a file download; the object URL is released right after. */
export function downloadCsv(text, fileName) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
