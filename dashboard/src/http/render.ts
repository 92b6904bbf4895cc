import type { UnitSummary } from '../store/types.js';

/**
 * Server-side rows, so the table is complete without JavaScript. With JavaScript, web/js/fleet-table.js
 * takes the table over at the first live snapshot and adds the Wi-Fi users and position columns.
 */
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const soc = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium' });

const MISSING = '<span aria-hidden="true">—</span><span class="sr-only">non disponible</span>';

function cell(field: string, html: string): string {
  return `<td data-field="${field}">${html}</td>`;
}

export function renderUnitRow(unit: UnitSummary): string {
  const b = unit.battery;
  const state = unit.online
    ? '<span class="badge badge-online">En ligne</span>'
    : '<span class="badge badge-offline">Hors ligne</span>';
  const seen =
    unit.lastSeen === null
      ? 'jamais'
      : `<time datetime="${new Date(unit.lastSeen).toISOString()}">${escapeHtml(dateTime.format(unit.lastSeen))}</time>`;
  return [
    `<tr data-unit="${escapeHtml(unit.id)}" data-online="${unit.online}">`,
    `<th scope="row" data-field="name">${escapeHtml(unit.name)}</th>`,
    cell('state', state),
    cell('soc', b ? soc.format(b.socPct) : MISSING),
    cell('voltage', b ? oneDecimal.format(b.voltageV) : MISSING),
    cell('current', b ? oneDecimal.format(b.currentA) : MISSING),
    cell('lastSeen', seen),
    '</tr>',
  ].join('');
}

export function renderUnitRows(units: readonly UnitSummary[]): string {
  if (units.length === 0) return '<tr data-empty="true"><td colspan="6">Aucun triporteur configuré.</td></tr>';
  return units.map(renderUnitRow).join('\n');
}

export function renderIndex(template: string, units: readonly UnitSummary[]): string {
  // A function replacer, so a '$&' in a unit name is not read as a replacement pattern.
  return template.replace('<!--units-->', () => renderUnitRows(units));
}
