// The unit page (/unit.html?id=<unitId>): live panels, history charts, outing replay and, for
// technicians, the command panel. Each part lives in its own module under js/unit-*.js.

import { el } from './js/dom.js';
import { I18n } from './js/i18n.js';
import { mountLanguageSwitch } from './js/language-switch.js';
import { mountNavigation } from './js/nav.js';
import { api, can, currentSession } from './js/session.js';
import { HistoryCharts } from './js/unit-charts.js';
import { ago } from './js/unit-format.js';
import { UnitLive } from './js/unit-live.js';
import { LocationPauseControl } from './js/unit-location-pause.js';
import { UnitPanels } from './js/unit-panels.js';
import { PRESETS, RangePicker } from './js/unit-range.js';
import { OutingReplay } from './js/unit-replay.js';
import { TechnicianPanel } from './js/unit-technician.js';

const AGE_TICK_MS = 10_000;

const i18n = new I18n('unit');
const $ = (id) => document.getElementById(id);
const unitId = new URLSearchParams(window.location.search).get('id')?.trim() ?? '';
let liveState = 'initial';
let summary = null;
let name = '';

function showStatus() {
  const status = $('live-status');
  status.dataset.live = liveState === 'on' ? 'on' : 'off';
  status.textContent = i18n.t({ initial: 'statusInitial', on: 'statusLive', lost: 'statusLost' }[liveState]);
}

function setHeading(key, text) {
  const h1 = $('unit-name');
  if (key) {
    h1.dataset.i18n = key;
    h1.textContent = i18n.t(key);
  } else {
    h1.removeAttribute('data-i18n');
    h1.textContent = text;
  }
  document.title = `${h1.textContent} — ${i18n.t('title')}`;
}

/** No such unit (or no id at all): say so plainly and point back to the fleet. */
function showProblem(headingKey, messageKey, vars = {}) {
  setHeading(headingKey);
  const problem = $('unit-problem');
  const render = () => {
    setHeading(headingKey);
    problem.replaceChildren(i18n.t(messageKey, vars), ' ', el('a', { href: '/' }, [i18n.t('back')]));
  };
  render();
  i18n.onChange(render);
  problem.hidden = false;
  $('live-status').hidden = true;
}

function renderSummary() {
  const node = $('unit-summary');
  const parts = [i18n.t('summary.id', { id: unitId })];
  if (summary) {
    const badge = el(
      'span',
      { class: `badge ${summary.online ? 'badge-online' : 'badge-offline'}`, 'data-field': 'online' },
      [i18n.t(summary.online ? 'online' : 'offline')],
    );
    const seen = summary.lastSeen
      ? i18n.t('summary.lastSeen', { ago: ago(i18n, summary.lastSeen) })
      : i18n.t('summary.neverSeen');
    node.replaceChildren(parts[0], ' · ', badge, ' · ', seen);
  } else node.replaceChildren(parts[0]);
}

async function tileConfig() {
  const answer = await api('/api/ui-config');
  return answer.ok ? answer.body : { tileUrl: null, tileAttribution: null };
}

async function fetchDetail() {
  const answer = await api(`/api/units/${encodeURIComponent(unitId)}/detail`);
  return answer.ok ? answer.body : null;
}

async function fetchState() {
  return api(`/api/units/${encodeURIComponent(unitId)}/state`);
}

/** The name when /detail does not answer (older server): the fleet list has it too. */
async function summaryFromList() {
  const answer = await api('/api/units');
  return answer.ok ? (answer.body.units.find((u) => u.id === unitId) ?? null) : null;
}

async function start() {
  await i18n.init();
  mountLanguageSwitch($('langue'), i18n);
  showStatus();
  i18n.onChange(showStatus);
  const session = await currentSession();
  mountNavigation($('navigation'), session, i18n);

  if (unitId === '') return showProblem('unknown.title', 'unknown.noId');
  if (!can(session, 'fleet:view')) return showProblem('forbidden.title', 'forbidden.message');

  const [stateAnswer, detail, listed, tiles] = await Promise.all([
    fetchState(),
    fetchDetail(),
    summaryFromList(),
    tileConfig(),
  ]);
  if (stateAnswer.status === 404) return showProblem('unknown.title', 'unknown.message', { id: unitId });
  if (!stateAnswer.ok) return showProblem('error.title', 'error.load');

  summary = detail?.unit ?? listed;
  name = summary?.name ?? unitId;
  setHeading(undefined, name);
  $('unit-content').hidden = false;
  renderSummary();

  const panels = new UnitPanels(i18n);
  let currentDetail = detail;
  panels.update(stateAnswer.body.state, currentDetail);
  const pause = can(session, 'location:pause')
    ? new LocationPauseControl($('panel-position'), i18n, unitId)
    : undefined;
  pause?.fromState(stateAnswer.body.state);

  i18n.onChange(() => {
    setHeading(undefined, name);
    renderSummary();
    panels.render();
  });
  setInterval(() => {
    panels.renderAges();
    renderSummary();
  }, AGE_TICK_MS);

  // A new boot may come with new versions (birth message): the detail is re-read then, not on every record.
  let bootId = summary?.bootId ?? null;
  let rereadDetail = false;
  new UnitLive(unitId, {
    onSummary: (row) => {
      if (row.bootId && row.bootId !== bootId) rereadDetail = true;
      bootId = row.bootId ?? bootId;
      summary = { ...summary, ...row };
      renderSummary();
    },
    refresh: async () => {
      // Also while the route answers but no birth is stored yet: it may land just after the first records.
      const reread = rereadDetail || (currentDetail !== null && !currentDetail.birth);
      rereadDetail = false;
      const [answer, freshDetail] = await Promise.all([fetchState(), reread ? fetchDetail() : null]);
      if (freshDetail) currentDetail = freshDetail;
      if (answer.ok) {
        panels.update(answer.body.state, currentDetail);
        pause?.fromState(answer.body.state);
      }
    },
    onStatus: (state) => {
      liveState = state;
      showStatus();
    },
  });

  const charts = new HistoryCharts($('historique-graphiques'), $('historique-etat'), i18n, unitId);
  const picker = new RangePicker($('historique-periode'), i18n, (range) => charts.load(range));
  picker.usePreset(PRESETS.find((p) => p.id === '24h'));

  new OutingReplay($('rejeu-contenu'), i18n, unitId, tiles).loadOutings();

  if (can(session, 'commands:send')) {
    $('technicien').hidden = false;
    new TechnicianPanel($('technicien-contenu'), i18n, unitId);
  }
}

start().catch((err) => {
  console.error('unit page failed to start', err);
  showProblem('error.title', 'error.load');
});
