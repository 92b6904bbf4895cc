// The list view: the server-rendered table (src/http/render.ts) taken over on the first snapshot,
// with two more columns (Wi-Fi users, position) and sortable headers. Headers hold real buttons, so
// Enter and Space sort from the keyboard without extra key handling. Text goes in via textContent only.

import { el } from './dom.js';

const COLUMNS = [
  { key: 'name', value: (u) => u.summary.name, text: true },
  { key: 'state', value: (u) => (u.summary.online ? 0 : 1) },
  { key: 'soc', value: (u) => u.summary.battery?.socPct ?? null, num: true },
  { key: 'voltage', value: (u) => u.summary.battery?.voltageV ?? null, num: true },
  { key: 'current', value: (u) => u.summary.battery?.currentA ?? null, num: true },
  { key: 'wifi', value: (u) => u.wifiUsers, num: true },
  { key: 'position', value: (u) => (u.position.kind === 'known' ? u.position.lat : null), num: true },
  { key: 'lastSeen', value: (u) => u.summary.lastSeen },
];

export class FleetTable {
  sort = { key: 'name', direction: 'ascending' };
  headerCells = new Map();

  constructor(table, model, i18n) {
    this.table = table;
    this.tbody = table.tBodies[0];
    this.model = model;
    this.i18n = i18n;
    this.selected = null;
  }

  /** Replaces the server's header once; later renders only touch labels and aria-sort, so focus stays. */
  buildHeader() {
    if (this.headerCells.size > 0) return;
    const cells = COLUMNS.map((column) => {
      const button = el('button', { type: 'button', class: 'sort-button', 'data-sort': column.key });
      button.addEventListener('click', () => this.sortBy(column.key));
      const th = el('th', { scope: 'col', ...(column.num ? { class: 'num' } : {}) }, [button]);
      this.headerCells.set(column.key, { th, button });
      return th;
    });
    this.table.tHead.replaceChildren(el('tr', {}, cells));
  }

  sortBy(key) {
    const same = this.sort.key === key;
    this.sort = { key, direction: same && this.sort.direction === 'ascending' ? 'descending' : 'ascending' };
    this.render();
  }

  updateHeader() {
    for (const [key, { th, button }] of this.headerCells) {
      button.textContent = this.i18n.t(`col.${key}`);
      if (key === this.sort.key) th.setAttribute('aria-sort', this.sort.direction);
      else th.removeAttribute('aria-sort');
    }
  }

  /** Orders two units by the current sort; missing values go last whichever the direction. */
  compare(a, b) {
    const column = COLUMNS.find((c) => c.key === this.sort.key) ?? COLUMNS[0];
    const sign = this.sort.direction === 'ascending' ? 1 : -1;
    const { collator } = this.i18n.format;
    const va = column.value(a);
    const vb = column.value(b);
    if (va === null && vb === null) return collator.compare(a.summary.name, b.summary.name);
    if (va === null) return 1;
    if (vb === null) return -1;
    const order = column.text ? collator.compare(va, vb) : va - vb;
    return order === 0 ? collator.compare(a.summary.name, b.summary.name) : sign * order;
  }

  /** Rebuilds every row: on a snapshot, a sort or a language change. */
  render() {
    this.buildHeader();
    this.updateHeader();
    const focusedUnit = document.activeElement?.closest?.('tr[data-unit]')?.dataset.unit;
    const units = this.model.list().sort((a, b) => this.compare(a, b));
    this.rows = new Map(units.map((u) => [u.summary.id, this.row(u)]));
    this.tbody.replaceChildren(...(units.length > 0 ? this.rows.values() : [this.emptyRow()]));
    if (focusedUnit) this.rowOf(focusedUnit)?.focus();
  }

  /**
   * Live updates: only the changed units' rows are rebuilt, in place. At 500 units reporting every
   * 10 s, rebuilding the whole table for each update kept the main thread busy for good.
   */
  update(ids) {
    if (!this.rows) return this.render();
    let resort = false;
    for (const id of ids) {
      const unit = this.model.get(id);
      const old = this.rows.get(id);
      if (!unit || !old) return this.render();
      const focused = old.contains(document.activeElement);
      const fresh = this.row(unit);
      old.replaceWith(fresh);
      this.rows.set(id, fresh);
      if (focused) fresh.focus();
      resort ||= this.outOfOrder(fresh);
    }
    if (resort) this.render();
  }

  /** Whether a row no longer sits between its neighbours under the current sort. */
  outOfOrder(row) {
    const unit = this.model.get(row.dataset.unit);
    const before = this.model.get(row.previousElementSibling?.dataset.unit);
    const after = this.model.get(row.nextElementSibling?.dataset.unit);
    return (before && this.compare(before, unit) > 0) || (after && this.compare(unit, after) > 0);
  }

  rowOf(id) {
    return this.rows?.get(id);
  }

  /** Called from the map: marks the unit's row and moves the keyboard focus to it. */
  select(id) {
    this.selected = id;
    for (const row of this.tbody.rows) row.classList.toggle('selected', row.dataset.unit === id);
    const row = this.rowOf(id);
    row?.focus();
    row?.scrollIntoView({ block: 'nearest' });
  }

  missing() {
    return [el('span', { 'aria-hidden': 'true' }, ['—']), el('span', { class: 'sr-only' }, [this.i18n.t('missing')])];
  }

  row(unit) {
    const t = (key, vars) => this.i18n.t(key, vars);
    const { format } = this.i18n;
    const s = unit.summary;
    const b = s.battery;
    const cell = (field, children) => el('td', { 'data-field': field }, children);
    const badge = el('span', { class: `badge ${s.online ? 'badge-online' : 'badge-offline'}` }, [
      t(s.online ? 'online' : 'offline'),
    ]);
    const seen =
      s.lastSeen === null
        ? [t('never')]
        : [el('time', { datetime: new Date(s.lastSeen).toISOString() }, [format.dateTime.format(s.lastSeen)])];
    const position =
      unit.position.kind === 'known'
        ? [
            t('positionValue', {
              lat: format.coordinate.format(unit.position.lat),
              lon: format.coordinate.format(unit.position.lon),
            }),
          ]
        : [
            el('span', { class: 'position-missing' }, [
              t(unit.position.kind === 'paused' ? 'positionPaused' : 'positionUnknown'),
            ]),
          ];
    const attrs = {
      'data-unit': s.id,
      'data-online': String(s.online),
      'data-position': unit.position.kind,
      tabindex: '-1',
      ...(this.selected === s.id ? { class: 'selected' } : {}),
    };
    return el('tr', attrs, [
      el('th', { scope: 'row', 'data-field': 'name' }, [
        el('a', { href: `/unit.html?id=${encodeURIComponent(s.id)}` }, [s.name]),
      ]),
      cell('state', [badge]),
      cell('soc', b ? [format.integer.format(b.socPct)] : this.missing()),
      cell('voltage', b ? [format.oneDecimal.format(b.voltageV)] : this.missing()),
      cell('current', b ? [format.oneDecimal.format(b.currentA)] : this.missing()),
      cell('wifi', unit.wifiUsers === null ? this.missing() : [format.integer.format(unit.wifiUsers)]),
      cell('position', position),
      cell('lastSeen', seen),
    ]);
  }

  emptyRow() {
    return el('tr', { 'data-empty': 'true' }, [el('td', { colspan: String(COLUMNS.length) }, [this.i18n.t('empty')])]);
  }
}
