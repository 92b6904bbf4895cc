// The fleet view: map and sortable list, live over Server-Sent Events. Without JavaScript the
// server-rendered table (src/http/render.ts) stays as it is; this file takes it over.

import { FleetMap } from './js/fleet-map.js';
import { FleetModel } from './js/fleet-model.js';
import { FleetTable } from './js/fleet-table.js';
import { I18n } from './js/i18n.js';
import { mountLanguageSwitch } from './js/language-switch.js';
import { mountNavigation } from './js/nav.js';
import { currentSession } from './js/session.js';

const i18n = new I18n();
const model = new FleetModel();
const status = document.getElementById('live-status');
const table = new FleetTable(document.getElementById('flotte'), model, i18n);
let liveState = 'initial';

function showStatus() {
  status.dataset.live = liveState === 'on' ? 'on' : 'off';
  status.textContent = i18n.t({ initial: 'statusInitial', on: 'statusLive', lost: 'statusLost' }[liveState]);
}

async function tileConfig() {
  try {
    const response = await fetch('/api/ui-config', { credentials: 'same-origin' });
    if (response.ok) return await response.json();
  } catch {
    // No configuration reachable: the map works on its plain background.
  }
  return { tileUrl: null, tileAttribution: null };
}

function showUnplaced() {
  const note = document.getElementById('carte-sans-position');
  const count = model.list().filter((u) => u.position.kind !== 'known').length;
  note.hidden = count === 0;
  note.textContent = i18n.t('unplaced', { count: i18n.format.integer.format(count) });
}

async function start() {
  const [session] = await Promise.all([currentSession(), i18n.init()]);
  mountLanguageSwitch(document.getElementById('langue'), i18n);
  mountNavigation(document.getElementById('navigation'), session, i18n);
  const section = document.getElementById('carte');
  section.hidden = false;
  const map = new FleetMap(document.getElementById('carte-fond'), model, i18n, (id) => table.select(id));
  const config = await tileConfig();
  document.getElementById('carte-sans-fond').hidden = map.useTiles(config);
  new ResizeObserver(() => map.resize()).observe(section);

  let firstSnapshot = true;
  const renderAll = () => {
    table.render();
    map.render();
    showUnplaced();
  };
  // Updates are drawn at most once a frame, and only for the units that changed in between: a burst
  // of 500 updates costs one pass over 500 rows, not 500 passes over the whole fleet.
  let changed = new Set();
  let everything = false;
  let frame = 0;
  const draw = () => {
    frame = 0;
    const ids = changed;
    changed = new Set();
    if (everything) renderAll();
    else {
      table.update(ids);
      map.update(ids);
      showUnplaced();
    }
    everything = false;
  };
  model.onChange((id) => {
    if (id === null) everything = true;
    else changed.add(id);
    if (frame === 0) frame = requestAnimationFrame(draw);
  });
  i18n.onChange(() => {
    showStatus();
    // Before the first snapshot the server's rows are still in place, in French.
    if (!firstSnapshot) renderAll();
  });

  const source = new EventSource('/api/live');
  source.addEventListener('open', () => {
    liveState = 'on';
    showStatus();
  });
  source.addEventListener('error', () => {
    liveState = 'lost';
    showStatus();
  });
  source.addEventListener('snapshot', (event) => {
    firstSnapshot = false;
    model.replaceAll(JSON.parse(event.data).units);
  });
  source.addEventListener('unit', (event) => model.upsert(JSON.parse(event.data)));
}

start().catch((err) => {
  status.dataset.live = 'off';
  console.error('fleet view failed to start', err);
});
