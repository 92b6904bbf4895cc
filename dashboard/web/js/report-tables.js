// The report's headline figures and its two tables (per unit, per zone). Every unit and zone the server
// lists is shown, zeros included: a funder must see that a unit existed and did not ride.
// Units and zones keep the server's order (the configuration's). No links anywhere: the funders reading this page have no access to the fleet or unit pages.

import { el } from './dom.js';
import { count, hours, km, mean } from './report-format.js';

/** Columns of the per-unit table; `value` formats one Figures object. */
export const UNIT_COLUMNS = [
  { key: 'outings', value: (f, i18n) => count(f.outings, i18n) },
  { key: 'presentMs', value: (f, i18n) => hours(f.presentMs, i18n) },
  { key: 'activeDays', value: (f, i18n) => count(f.activeDays, i18n) },
  { key: 'sessions', value: (f, i18n) => count(f.sessions, i18n) },
  { key: 'devicesPerDayMean', value: (f, i18n) => mean(f.devicesPerDayMean, i18n) },
  { key: 'devicesDays', value: (f, i18n) => count(f.devicesDays, i18n) },
  { key: 'distanceM', value: (f, i18n) => km(f.distanceM, i18n) },
];

export const ZONE_COLUMNS = [
  { key: 'visits', value: (z, i18n) => count(z.visits, i18n) },
  { key: 'presentMs', value: (z, i18n) => hours(z.presentMs, i18n) },
  { key: 'stops', value: (z, i18n) => count(z.stops, i18n) },
  { key: 'sessions', value: (z, i18n) => count(z.sessions, i18n) },
  { key: 'devices', value: (z, i18n) => count(z.devices, i18n) },
];

/** The key figures as a description list: term, value, and a line that says what it counts. */
export function renderHeadline(container, totals, i18n) {
  const items = [
    ['outings', count(totals.outings, i18n)],
    ['presentMs', hours(totals.presentMs, i18n)],
    ['sessions', count(totals.sessions, i18n)],
    [
      'devicesPerDayMean',
      mean(totals.devicesPerDayMean, i18n),
      i18n.t('headline.devicesDaysNote', { count: count(totals.devicesDays, i18n) }),
    ],
    ['distanceM', km(totals.distanceM, i18n)],
    ['activeDays', count(totals.activeDays, i18n)],
  ];
  container.replaceChildren(
    ...items.map(([key, value, note]) =>
      el('div', { class: 'headline-item', 'data-figure': key }, [
        el('dt', {}, [i18n.t(`headline.${key}`)]),
        el('dd', { class: 'headline-value' }, [value]),
        ...(note ? [el('dd', { class: 'headline-note' }, [note])] : []),
      ]),
    ),
  );
}

function headerRow(first, columns, prefix, i18n) {
  return el('tr', {}, [
    el('th', { scope: 'col' }, [i18n.t(first)]),
    ...columns.map((c) => el('th', { scope: 'col', class: 'num' }, [i18n.t(`${prefix}.${c.key}`)])),
  ]);
}

function dataRow(name, item, columns, i18n, attrs) {
  return el('tr', attrs, [
    el('th', { scope: 'row' }, [name]),
    ...columns.map((c) => el('td', { class: 'num', 'data-field': c.key }, [c.value(item, i18n)])),
  ]);
}

export function renderUnitsTable(table, report, i18n) {
  table.tHead.replaceChildren(headerRow('col.unit', UNIT_COLUMNS, 'unitCol', i18n));
  table.tBodies[0].replaceChildren(
    ...report.units.map((u) => dataRow(u.name, u, UNIT_COLUMNS, i18n, { 'data-unit': u.unitId })),
  );
  table.tFoot.replaceChildren(dataRow(i18n.t('total'), report.totals, UNIT_COLUMNS, i18n, { class: 'total' }));
}

export function renderZonesTable(table, report, i18n) {
  table.tHead.replaceChildren(headerRow('col.zone', ZONE_COLUMNS, 'zoneCol', i18n));
  table.tBodies[0].replaceChildren(
    ...report.zones.map((z) => dataRow(z.name, z, ZONE_COLUMNS, i18n, { 'data-zone': z.zone })),
  );
}
