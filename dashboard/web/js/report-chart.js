// Per-day charts of the report (uPlot, loaded as the global `uPlot` by reports.html): Wi-Fi sessions and
// distinct devices per day, stacked by unit. The canvas is hidden from screen readers; the same numbers
// are in the summary line and the data table next to it, which is the chart's text alternative.

import { el } from './dom.js';

/** Dark enough for 3:1 against white (non-text contrast), and apart from each other. */
const PALETTE = ['#0b57d0', '#b3261e', '#146c2e', '#8a4f00', '#6b3fa0', '#00677f', '#984061', '#4a5a00'];
const CHART_HEIGHT = 260;

export const CHART_METRICS = ['sessions', 'devices'];

function dayTime(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d).getTime() / 1000;
}

export function unitColor(index) {
  return PALETTE[index % PALETTE.length];
}

/** One chart: bars stacked by unit, the last unit's bar (the running total) drawn first, underneath. */
export class DayChart {
  constructor(container, metric) {
    this.container = container;
    this.metric = metric;
    this.plot = null;
    new ResizeObserver(() => this.resize()).observe(container);
  }

  width() {
    return Math.max(280, Math.floor(this.container.clientWidth));
  }

  resize() {
    if (this.plot && this.container.clientWidth > 0) this.plot.setSize({ width: this.width(), height: CHART_HEIGHT });
  }

  render(report, units, i18n) {
    this.plot?.destroy();
    const x = report.days.map(dayTime);
    const raw = units.map((u) => u.perDay.map((d) => d[this.metric]));
    const stacked = [];
    let running = x.map(() => 0);
    for (const values of raw) {
      running = running.map((sum, i) => sum + (values[i] ?? 0));
      stacked.push(running);
    }
    const dayFormat = new Intl.DateTimeFormat(i18n.dictionary.locale ?? i18n.lang, { day: 'numeric', month: 'short' });
    const order = units.map((_, i) => i).reverse();
    const series = [
      {},
      ...order.map((i) => ({
        label: units[i].name,
        stroke: unitColor(i),
        fill: unitColor(i),
        width: 1,
        paths: globalThis.uPlot.paths.bars({ size: [0.75, 48] }),
        points: { show: false },
      })),
    ];
    const axisFont = '14px system-ui, sans-serif';
    this.plot = new globalThis.uPlot(
      {
        width: this.width(),
        height: CHART_HEIGHT,
        series,
        scales: {
          x: { time: false, range: (_u, min, max) => [min - 43_200, max + 43_200] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: [
          {
            font: axisFont,
            stroke: '#1b1b1b',
            values: (_u, splits) => splits.map((s) => dayFormat.format(s * 1000)),
            space: 70,
            incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400, 91 * 86_400],
          },
          {
            font: axisFont,
            stroke: '#1b1b1b',
            values: (_u, splits) => splits.map((s) => i18n.format.integer.format(s)),
          },
        ],
        // The page's own legend (renderLegend) serves both charts and prints; uPlot's would repeat it.
        cursor: { show: false },
        legend: { show: false },
      },
      [x, ...order.map((i) => stacked[i])],
      this.container,
    );
  }
}

/** One key for both charts: a swatch per unit, in stacking order (bottom first). */
export function renderLegend(list, units) {
  list.replaceChildren(
    ...units.map((u, i) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = unitColor(i);
      return el('li', {}, [swatch, u.name]);
    }),
  );
}

/** The chart's summary sentence: total and busiest day, in words. */
export function chartSummary(report, units, metric, i18n) {
  const totals = report.days.map((_, i) => units.reduce((sum, u) => sum + (u.perDay[i]?.[metric] ?? 0), 0));
  const sum = totals.reduce((a, b) => a + b, 0);
  let best = -1;
  for (const [i, value] of totals.entries()) if (value > 0 && (best < 0 || value > (totals[best] ?? 0))) best = i;
  const dayFormat = new Intl.DateTimeFormat(i18n.dictionary.locale ?? i18n.lang, { dateStyle: 'long' });
  const vars = { total: i18n.format.integer.format(sum), days: i18n.format.integer.format(report.days.length) };
  if (best < 0) return i18n.t(`chart.${metric}.none`, vars);
  return i18n.t(`chart.${metric}.summary`, {
    ...vars,
    max: i18n.format.integer.format(totals[best]),
    day: dayFormat.format(dayTime(report.days[best]) * 1000),
  });
}

/** The data table: one row per day, a sessions and a devices column per unit, then the totals. */
export function renderChartTable(table, report, units, i18n) {
  const dayFormat = new Intl.DateTimeFormat(i18n.dictionary.locale ?? i18n.lang, { dateStyle: 'medium' });
  const groups = [...units.map((u) => u.name), i18n.t('total')];
  table.tHead.replaceChildren(
    el('tr', {}, [el('td', {}, []), ...groups.map((name) => el('th', { scope: 'colgroup', colspan: '2' }, [name]))]),
    el('tr', {}, [
      el('th', { scope: 'col' }, [i18n.t('chart.day')]),
      ...groups.flatMap(() =>
        CHART_METRICS.map((m) => el('th', { scope: 'col', class: 'num' }, [i18n.t(`chart.${m}.short`)])),
      ),
    ]),
  );
  const rows = report.days.map((day, i) => {
    const cells = units.flatMap((u) => CHART_METRICS.map((m) => u.perDay[i]?.[m] ?? 0));
    const totals = CHART_METRICS.map((m) => units.reduce((sum, u) => sum + (u.perDay[i]?.[m] ?? 0), 0));
    return el('tr', {}, [
      el('th', { scope: 'row' }, [dayFormat.format(dayTime(day) * 1000)]),
      ...[...cells, ...totals].map((v) => el('td', { class: 'num' }, [i18n.format.integer.format(v)])),
    ]);
  });
  table.tBodies[0].replaceChildren(...rows);
}
