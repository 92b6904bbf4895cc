// The impact report for funders: a period picker (kept in the URL), headline figures, per-day charts,
// per-unit and per-zone tables, the questionnaire when there is one, a CSV export and a print layout.
// Viewers (funders) see this page only: nothing here links to the fleet or to a unit, or shows a place
// finer than a zone.

import { I18n } from './js/i18n.js';
import { mountLanguageSwitch } from './js/language-switch.js';
import { mountNavigation } from './js/nav.js';
import { CHART_METRICS, chartSummary, DayChart, renderChartTable, renderLegend } from './js/report-chart.js';
import { buildCsv, csvFileName, downloadCsv } from './js/report-csv.js';
import { parseDay, periodToSearch, readPeriod, resolvePeriod } from './js/report-period.js';
import { renderQuestionnaire } from './js/report-questionnaire.js';
import { renderHeadline, renderUnitsTable, renderZonesTable } from './js/report-tables.js';
import { api, can, currentSession } from './js/session.js';

const i18n = new I18n('reports');
const form = document.getElementById('periode');
const dates = document.getElementById('p-dates');
const status = document.getElementById('rapport-etat');
const report = document.getElementById('rapport');
const csvButton = document.getElementById('export-csv');
const printButton = document.getElementById('imprimer');
const fields = { from: document.getElementById('p-from'), to: document.getElementById('p-to') };

/** What is on screen: the answer and the period it was asked for; null before the first answer. */
let shown = null;
let state = { key: 'loading' };
let formErrors = {};
let charts;
let requestId = 0;

/** Answers that are not a report, worded for people; 404 means this server has no impact route yet. */
function failureKey(answer) {
  if (answer.status === 0) return 'error.network';
  if (answer.status === 403) return 'error.forbidden';
  if (answer.status === 404) return 'error.unavailable';
  if (answer.status === 400) return 'error.refused';
  return 'error.server';
}

function fillForm(period) {
  for (const radio of form.elements.namedItem('period')) radio.checked = radio.value === period.preset;
  fields.from.value = period.from;
  fields.to.value = period.to;
  showDates();
}

function readForm() {
  const preset = form.elements.namedItem('period').value || 'this-month';
  const period = { preset, from: fields.from.value, to: fields.to.value };
  return { period, badInput: { from: fields.from.validity.badInput, to: fields.to.validity.badInput } };
}

/** Choosing "custom" with empty dates starts from the report on screen, so there is less to type. */
function showDates() {
  const custom = form.elements.namedItem('period').value === 'custom';
  dates.hidden = !custom;
  if (custom && shown && !fields.from.value && !fields.to.value) {
    fields.from.value = shown.period.fromDay;
    fields.to.value = shown.period.toDay;
  }
}

function showFormErrors(errors) {
  formErrors = errors;
  let first = null;
  for (const [name, input] of Object.entries(fields)) {
    const message = document.getElementById(`p-${name}-erreur`);
    const key = errors[name];
    message.hidden = !key;
    message.textContent = key ? i18n.t(key) : '';
    if (key) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    } else {
      input.removeAttribute('aria-invalid');
    }
  }
  return first;
}

function showStatus() {
  const vars = { code: state.code ?? '', message: state.message ?? '' };
  status.textContent = state.key === 'done' ? '' : i18n.t(state.key, vars);
  status.hidden = state.key === 'done';
  status.dataset.state = state.key;
}

function longDay(day) {
  const date = parseDay(day);
  return date ? new Intl.DateTimeFormat(i18n.dictionary.locale ?? i18n.lang, { dateStyle: 'long' }).format(date) : day;
}

function renderReport() {
  showStatus();
  const periodLine = document.getElementById('rapport-periode');
  const generated = document.getElementById('rapport-genere');
  if (!shown) {
    periodLine.textContent = '';
    generated.textContent = '';
    return;
  }
  const { data, period, at } = shown;
  const first = data.days[0] ?? period.fromDay;
  const last = data.days[data.days.length - 1] ?? period.toDay;
  periodLine.textContent = i18n.t('report.period', { from: longDay(first), to: longDay(last) });
  generated.textContent = i18n.t('report.generated', {
    at: new Intl.DateTimeFormat(i18n.dictionary.locale ?? i18n.lang, { dateStyle: 'long', timeStyle: 'short' }).format(
      at,
    ),
    zone: data.timeZone,
  });
  renderHeadline(document.getElementById('chiffres'), data.totals, i18n);
  renderUnitsTable(document.getElementById('par-unite'), data, i18n);
  renderZonesTable(document.getElementById('par-zone'), data, i18n);
  document.getElementById('par-zone').closest('.table-wrap').hidden = data.zones.length === 0;
  document.getElementById('zones-vide').hidden = data.zones.length > 0;
  const questionnaire = document.getElementById('questionnaire');
  questionnaire.hidden = data.questionnaire === null;
  if (data.questionnaire)
    renderQuestionnaire(document.getElementById('questionnaire-contenu'), data.questionnaire, i18n);
  const { units } = data;
  report.hidden = false;
  for (const metric of CHART_METRICS) {
    charts[metric].render(data, units, i18n);
    document.getElementById(`graphique-${metric === 'sessions' ? 'sessions' : 'appareils'}-resume`).textContent =
      chartSummary(data, units, metric, i18n);
  }
  renderLegend(document.getElementById('graphique-legende'), units);
  renderChartTable(document.getElementById('donnees-jours'), data, units, i18n);
}

async function load(period) {
  const id = ++requestId;
  state = { key: 'loading' };
  report.setAttribute('aria-busy', 'true');
  showStatus();
  const query = new URLSearchParams({ from: String(period.from), to: String(period.to) });
  const answer = await api(`/api/reports/impact?${query}`);
  if (id !== requestId) return;
  report.removeAttribute('aria-busy');
  if (!answer.ok) {
    state = { key: failureKey(answer), code: answer.body?.code ?? answer.status, message: answer.body?.message ?? '' };
    shown = null;
    report.hidden = true;
    csvButton.disabled = true;
    printButton.disabled = true;
    renderReport();
    return;
  }
  state = { key: 'done' };
  shown = { data: answer.body, period, at: new Date() };
  csvButton.disabled = false;
  printButton.disabled = false;
  renderReport();
}

/** Checks the dates before any request; a bad range keeps the report on screen as it was. */
function submit(push) {
  const { period, badInput } = readForm();
  const resolved = resolvePeriod(period, new Date(), badInput);
  const firstBad = showFormErrors(resolved.ok ? {} : resolved.errors);
  if (firstBad) {
    firstBad.focus();
    return;
  }
  const search = periodToSearch(period);
  if (push && search !== window.location.search) window.history.pushState(null, '', `/reports.html${search}`);
  load(resolved);
}

async function start() {
  const [session] = await Promise.all([currentSession(), i18n.init()]);
  mountLanguageSwitch(document.getElementById('langue'), i18n);
  mountNavigation(document.getElementById('navigation'), session, i18n);
  if (!can(session, 'reports:view')) {
    document.getElementById('refus').hidden = false;
    document.getElementById('periode-section').hidden = true;
    return;
  }
  charts = {
    sessions: new DayChart(document.getElementById('graphique-sessions'), 'sessions'),
    devices: new DayChart(document.getElementById('graphique-appareils'), 'devices'),
  };
  fillForm(readPeriod(window.location.search));
  form.addEventListener('change', (event) => {
    if (event.target.name === 'period') showDates();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(true);
  });
  window.addEventListener('popstate', () => {
    fillForm(readPeriod(window.location.search));
    submit(false);
  });
  csvButton.addEventListener('click', () => {
    if (shown) downloadCsv(buildCsv(shown.data, shown.period, i18n), csvFileName(shown.period));
  });
  printButton.addEventListener('click', () => window.print());
  i18n.onChange(() => {
    showFormErrors(formErrors);
    renderReport();
  });
  submit(false);
}

start().catch((err) => {
  status.textContent = 'Le rapport n’a pas pu s’afficher. / The report could not be shown.';
  console.error('reports view failed to start', err);
});
