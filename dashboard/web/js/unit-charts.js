// History charts (uPlot, window.uPlot from /vendor/uPlot.iife.min.js) over the picked range, from
// GET /api/units/:unitId/history. The canvas says nothing to a screen reader, so each chart has a
// visible title and, under it, the same data in words: lowest, highest and last value of each series.

import { el } from './dom.js';
import { api } from './session.js';
import { extra, isNumber, problemText } from './unit-format.js';

/** Colours at least 3:1 against white (WCAG non-text contrast); the second series is also dashed. */
const COLOURS = ['#0b57d0', '#b3261e'];
const PLOT_HEIGHT = 200;
/** One point per few pixels is all a chart can show; the server buckets to this many. */
const MAX_POINTS = 600;

const CHARTS = [
  {
    id: 'battery',
    titleKey: 'chart.battery',
    series: [
      { key: 'socPct', labelKey: 'chart.soc', scale: '%', style: 'integer' },
      { key: 'voltageV', labelKey: 'chart.voltage', scale: 'V', style: 'oneDecimal' },
    ],
  },
  { id: 'current', titleKey: 'chart.current', series: [{ key: 'currentA', labelKey: 'chart.currentA', scale: 'A' }] },
  {
    id: 'cells',
    titleKey: 'chart.cells',
    series: [
      { key: 'cellSpreadMv', labelKey: 'chart.spread', scale: 'mV', style: 'integer' },
      { key: 'tempMaxC', labelKey: 'chart.tempMax', scale: '°C', style: 'oneDecimal' },
    ],
  },
  {
    id: 'wifi',
    titleKey: 'chart.wifi',
    series: [{ key: 'sessionsNow', labelKey: 'chart.users', scale: 'n', style: 'integer' }],
  },
  {
    id: 'signal',
    titleKey: 'chart.signal',
    series: [{ key: 'signalPct', labelKey: 'chart.signalPct', scale: '%', style: 'integer' }],
  },
];

function stats(values) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let last;
  for (const v of values ?? []) {
    if (!isNumber(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    last = v;
  }
  return last === undefined ? undefined : { min, max, last };
}

export class HistoryCharts {
  plots = [];
  data = null;

  constructor(container, status, i18n, unitId) {
    this.container = container;
    this.status = status;
    this.i18n = i18n;
    this.unitId = unitId;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    i18n.onChange(() => {
      if (this.data) this.draw();
    });
  }

  async load({ from, to }) {
    this.range = { from, to };
    const ticket = Symbol('load');
    this.ticket = ticket;
    this.status.textContent = this.i18n.t('history.loading');
    this.container.setAttribute('aria-busy', 'true');
    const query = new URLSearchParams({ from: String(from), to: String(to), points: String(MAX_POINTS) });
    const answer = await api(`/api/units/${encodeURIComponent(this.unitId)}/history?${query}`);
    if (this.ticket !== ticket) return; // a newer range was picked meanwhile
    this.container.removeAttribute('aria-busy');
    if (!answer.ok) {
      this.data = null;
      this.clear();
      this.status.textContent =
        answer.status === 404 && answer.body?.code === 'DSH_NOT_FOUND'
          ? this.i18n.t('history.unavailable')
          : problemText(this.i18n, answer.body, answer.status);
      return;
    }
    this.data = answer.body;
    this.draw();
  }

  clear() {
    for (const { plot } of this.plots) plot.destroy();
    this.plots = [];
    this.container.replaceChildren();
  }

  draw() {
    this.clear();
    const { i18n } = this;
    const series = this.data.series ?? {};
    const ts = series.ts ?? [];
    const { from, to } = this.range;
    this.status.textContent = i18n.t('history.range', {
      from: i18n.format.dateTime.format(from),
      to: i18n.format.dateTime.format(to),
    });
    // Empty charts would only be grids: one sentence says it better.
    const anything = CHARTS.some((chart) => chart.series.some((s) => stats(series[s.key]) !== undefined));
    if (!anything) {
      this.status.textContent += ` ${i18n.t('history.empty')}`;
      return;
    }
    for (const chart of CHARTS) this.plots.push(this.drawChart(chart, ts, series));
  }

  drawChart(chart, ts, series) {
    const { i18n } = this;
    const titleId = `graphique-${chart.id}-titre`;
    const summaryId = `graphique-${chart.id}-resume`;
    const plotBox = el('div', { class: 'chart-plot', 'aria-hidden': 'true' });
    const figure = el(
      'figure',
      { class: 'chart', id: `graphique-${chart.id}`, 'aria-labelledby': titleId, 'aria-describedby': summaryId },
      [
        el('h3', { id: titleId }, [i18n.t(chart.titleKey)]),
        plotBox,
        el('p', { id: summaryId, class: 'chart-summary' }, [this.summary(chart, series)]),
      ],
    );
    this.container.append(figure);
    const plot = new window.uPlot(
      this.options(chart, plotBox),
      [ts, ...chart.series.map((s) => series[s.key] ?? [])],
      plotBox,
    );
    return { plot, box: plotBox };
  }

  summary(chart, series) {
    const { i18n } = this;
    const parts = chart.series.map((s) => {
      const found = stats(series[s.key]);
      const label = i18n.t(s.labelKey);
      if (!found) return i18n.t('chart.summaryEmpty', { label });
      const f = (v) => (s.style === 'integer' ? i18n.format.integer : i18n.format.oneDecimal).format(v);
      return i18n.t('chart.summary', { label, min: f(found.min), max: f(found.max), last: f(found.last) });
    });
    return parts.join(' ');
  }

  options(chart, box) {
    const { i18n } = this;
    const formats = extra(i18n);
    const spanMs = this.range.to - this.range.from;
    const tick = spanMs > 3 * 86_400_000 ? formats.dayMonth : spanMs > 86_400_000 ? formats.dayMonthTime : formats.time;
    const numberFor = (s) => (s.style === 'integer' ? i18n.format.integer : i18n.format.oneDecimal);
    const axes = [
      { values: (_u, splits) => splits.map((v) => tick.format(v)) },
      ...chart.series.map((s, i) => ({
        scale: s.scale,
        side: i === 0 ? 3 : 1,
        label: i18n.t(s.labelKey),
        grid: { show: i === 0 },
        values: (_u, splits) => splits.map((v) => numberFor(s).format(v)),
      })),
    ];
    return {
      width: Math.max(240, box.clientWidth || this.container.clientWidth),
      height: PLOT_HEIGHT,
      ms: 1,
      scales: { x: { time: true, range: [this.range.from, this.range.to] } },
      series: [
        { label: i18n.t('chart.time'), value: (_u, v) => (v == null ? '—' : i18n.format.dateTime.format(v)) },
        ...chart.series.map((s, i) => ({
          label: i18n.t(s.labelKey),
          scale: s.scale,
          stroke: COLOURS[i],
          width: 2,
          ...(i > 0 ? { dash: [6, 4] } : {}),
          value: (_u, v) => (v == null ? '—' : numberFor(s).format(v)),
        })),
      ],
      axes,
    };
  }

  resize() {
    for (const { plot, box } of this.plots) {
      const width = Math.max(240, box.clientWidth);
      if (width !== plot.width) plot.setSize({ width, height: PLOT_HEIGHT });
    }
  }
}
