// Live updates for the fleet table. The server renders the same rows (src/http/render.ts);
// this file rebuilds them from Server-Sent Events. Text goes in through textContent only.

const tbody = document.getElementById('units');
const status = document.getElementById('live-status');

const socFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium' });

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  for (const child of children ?? []) node.append(child);
  return node;
}

function missing() {
  return [el('span', { 'aria-hidden': 'true' }, ['—']), el('span', { class: 'sr-only' }, ['non disponible'])];
}

function cell(field, children) {
  return el('td', { 'data-field': field }, children);
}

function buildRow(unit) {
  const b = unit.battery;
  const badge = unit.online
    ? el('span', { class: 'badge badge-online' }, ['En ligne'])
    : el('span', { class: 'badge badge-offline' }, ['Hors ligne']);
  const seen =
    unit.lastSeen === null
      ? ['jamais']
      : [el('time', { datetime: new Date(unit.lastSeen).toISOString() }, [dateTime.format(unit.lastSeen)])];
  return el('tr', { 'data-unit': unit.id, 'data-online': String(unit.online) }, [
    el('th', { scope: 'row', 'data-field': 'name' }, [unit.name]),
    cell('state', [badge]),
    cell('soc', b ? [socFormat.format(b.socPct)] : missing()),
    cell('voltage', b ? [oneDecimal.format(b.voltageV)] : missing()),
    cell('current', b ? [oneDecimal.format(b.currentA)] : missing()),
    cell('lastSeen', seen),
  ]);
}

function emptyRow() {
  return el('tr', { 'data-empty': 'true' }, [el('td', { colspan: '6' }, ['Aucun triporteur configuré.'])]);
}

function renderAll(units) {
  tbody.replaceChildren(...(units.length > 0 ? units.map(buildRow) : [emptyRow()]));
}

function renderUnit(unit) {
  const row = buildRow(unit);
  const existing = [...tbody.rows].find((r) => r.dataset.unit === unit.id);
  if (existing) {
    existing.replaceWith(row);
    return;
  }
  tbody.querySelector('tr[data-empty]')?.remove();
  tbody.append(row);
}

function setStatus(live, text) {
  status.dataset.live = live;
  status.textContent = text;
}

const source = new EventSource('/api/live');
source.addEventListener('open', () => setStatus('on', 'Mise à jour en direct active.'));
source.addEventListener('error', () => setStatus('off', 'Connexion au serveur perdue ; nouvelle tentative…'));
source.addEventListener('snapshot', (event) => renderAll(JSON.parse(event.data).units));
source.addEventListener('unit', (event) => renderUnit(JSON.parse(event.data)));
