// The alerts view: open alerts or the history, filtered by a form that lives in the URL, updated
// live over Server-Sent Events, with an acknowledge action for the roles that hold 'alerts:ack'.

import { AlertsFilterForm } from './js/alerts-form.js';
import { AlertLoader } from './js/alerts-loader.js';
import { comparator, filtersToSearch, matches, rangeErrors, readFilters } from './js/alerts-query.js';
import { AlertsTable } from './js/alerts-table.js';
import { el } from './js/dom.js';
import { I18n } from './js/i18n.js';
import { mountLanguageSwitch } from './js/language-switch.js';
import { mountNavigation } from './js/nav.js';
import { api, can, currentSession } from './js/session.js';

const i18n = new I18n('alerts');
const liveStatus = document.getElementById('live-status');
const summary = document.getElementById('alertes-resume');
const empty = document.getElementById('alertes-vide');
const moreButton = document.getElementById('alertes-plus');
const announcer = document.getElementById('annonces');
const tableElement = document.getElementById('alertes');

const units = new Map();
/** Alerts in view, by id. */
const shown = new Map();
/** Every alert id this page has seen, so only a truly new one is announced as new. */
const seen = new Set();
/** Ids that arrived live, highlighted until the next load. */
const fresh = new Set();
let filters = readFilters(window.location.search);
let loader;
/** Live events that come while a load is running, applied once it ends so they are not overwritten. */
let held;
let liveState = 'initial';
let loadState = { key: 'loading' };

function announce(text) {
  announcer.append(el('p', {}, [text]));
  while (announcer.childElementCount > 5) announcer.firstElementChild.remove();
}

const unitName = (id) => units.get(id) ?? id;
const describe = (alert) => ({
  unit: unitName(alert.unitId),
  kind: i18n.t(`kind.${alert.kind}`),
  severity: i18n.t(`severity.${alert.severity}`),
});

let table;

function render() {
  const list = [...shown.values()].sort(comparator(filters.state));
  table.show(list);
  tableElement.hidden = list.length === 0;
  empty.hidden = list.length > 0 || loadState.key !== 'done';
  moreButton.hidden = !loadState.more;
  const count = i18n.format.integer.format(list.length);
  summary.textContent =
    loadState.key === 'done'
      ? i18n.t(loadState.more ? 'countMore' : 'count', { count })
      : i18n.t(loadState.key, { code: loadState.code ?? '' });
  summary.dataset.state = loadState.key;
}

function showLive() {
  liveStatus.dataset.live = liveState === 'on' ? 'on' : 'off';
  liveStatus.textContent = i18n.t({ initial: 'statusInitial', on: 'statusLive', lost: 'statusLost' }[liveState]);
}

/**
 * One alert, from the live stream or an acknowledgement: added, updated or dropped from the view.
 * `quiet` is for the first snapshot, which repeats what the page just loaded rather than news.
 */
function apply(alert, { live, quiet = false }) {
  if (held && live) {
    held.push({ alert, quiet });
    return;
  }
  const known = seen.has(alert.id);
  seen.add(alert.id);
  if (matches(alert, filters)) {
    if (live && !shown.has(alert.id)) fresh.add(alert.id);
    shown.set(alert.id, alert);
    if (live && !quiet && !known && alert.active) announce(i18n.t('announceNew', describe(alert)));
  } else if (shown.delete(alert.id) && live && !quiet && !alert.active) {
    announce(i18n.t('announceCleared', describe(alert)));
  }
}

async function load(more = false) {
  if (!more) {
    loader = new AlertLoader(filters);
    shown.clear();
    fresh.clear();
    loadState = { key: 'loading' };
  }
  held ??= [];
  moreButton.disabled = true;
  render();
  const current = loader;
  try {
    const page = await current.next();
    if (current !== loader) return;
    for (const alert of page.alerts) {
      seen.add(alert.id);
      shown.set(alert.id, alert);
    }
    loadState = { key: 'done', more: page.more };
  } catch (err) {
    if (current !== loader) return;
    console.error('alerts failed to load', err);
    loadState = { key: 'loadError', code: err.code ?? 'NETWORK' };
  }
  const late = held;
  held = undefined;
  for (const { alert, quiet } of late) apply(alert, { live: true, quiet });
  moreButton.disabled = false;
  render();
}

/** Validates the dates before anything is asked of the server; a bad range leaves the list as it was. */
function submit(form, push) {
  const { filters: next, badInput } = form.read();
  const errors = rangeErrors(next, badInput);
  const firstBad = form.showErrors(errors);
  if (firstBad) {
    firstBad.focus();
    return;
  }
  const search = filtersToSearch(next);
  if (push && search !== window.location.search) window.history.pushState(null, '', `/alerts.html${search}`);
  filters = readFilters(search);
  load();
}

async function loadUnits(form) {
  const answer = await api('/api/units');
  if (!answer.ok) return;
  for (const unit of answer.body.units) units.set(unit.id, unit.name);
  form.setUnits(answer.body.units);
  render();
}

function connectLive(form) {
  let firstSnapshot = true;
  const source = new EventSource('/api/live');
  source.addEventListener('open', () => {
    liveState = 'on';
    showLive();
  });
  source.addEventListener('error', () => {
    liveState = 'lost';
    showLive();
  });
  source.addEventListener('snapshot', (event) => {
    const snapshot = JSON.parse(event.data);
    for (const unit of snapshot.units) units.set(unit.id, unit.name);
    form.setUnits(snapshot.units);
    const open = new Set((snapshot.alerts ?? []).map((a) => a.id));
    // Cleared while the stream was down: an open view drops them, a history view keeps its copy.
    if (filters.state === 'open' && !held) for (const id of shown.keys()) if (!open.has(id)) shown.delete(id);
    for (const alert of snapshot.alerts ?? []) apply(alert, { live: true, quiet: firstSnapshot });
    firstSnapshot = false;
    render();
  });
  source.addEventListener('alert', (event) => {
    apply(JSON.parse(event.data), { live: true });
    render();
  });
}

async function start() {
  const [session] = await Promise.all([currentSession(), i18n.init()]);
  mountLanguageSwitch(document.getElementById('langue'), i18n);
  mountNavigation(document.getElementById('navigation'), session, i18n);
  if (!can(session, 'fleet:view')) {
    document.getElementById('refus').hidden = false;
    for (const id of ['filtres-section', 'liste']) document.getElementById(id).hidden = true;
    liveStatus.hidden = true;
    return;
  }
  const form = new AlertsFilterForm(document.getElementById('filtres'), i18n);
  table = new AlertsTable(tableElement, i18n, {
    canAck: can(session, 'alerts:ack'),
    acknowledge: (alert) => api(`/api/alerts/${alert.id}/ack`, { method: 'POST' }),
    acknowledged: (alert) => {
      apply(alert, { live: false });
      render();
    },
    unitName,
    announce,
    isFresh: (id) => fresh.has(id),
  });
  form.fill(filters);
  form.form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(form, true);
  });
  form.form.addEventListener('reset', (event) => {
    event.preventDefault();
    form.fill(readFilters(''));
    submit(form, true);
  });
  window.addEventListener('popstate', () => {
    form.fill(readFilters(window.location.search));
    submit(form, false);
  });
  moreButton.addEventListener('click', () => load(true));
  i18n.onChange(() => {
    showLive();
    render();
  });
  showLive();
  // Units first, so the first rows show names rather than ids; then the alerts, then the stream.
  await loadUnits(form);
  submit(form, false);
  connectLive(form);
}

start().catch((err) => {
  liveStatus.dataset.live = 'off';
  console.error('alerts view failed to start', err);
});
