// "Dernières erreurs": the unit's warning and critical events of the last 7 days, newest first, from
// GET /api/units/:unitId/events. Info events (state changes) are left out: the technician wants faults.

import { el } from './dom.js';
import { api } from './session.js';
import { problemText } from './unit-format.js';
import { text } from './unit-range.js';
import { word } from './unit-values.js';

const WINDOW_MS = 7 * 24 * 3_600_000;
const SHOWN = new Set(['warning', 'critical']);
const MAX_ROWS = 50;

/** The events worth a technician's look, newest first. */
export function latestProblems(events) {
  return events.filter((e) => SHOWN.has(e.event?.severity)).sort((a, b) => b.ts - a.ts);
}

export class UnitEvents {
  events = null;

  constructor(container, i18n, unitId) {
    this.i18n = i18n;
    this.unitId = unitId;
    const refresh = text(i18n, 'button', 'events.refresh', {
      type: 'button',
      class: 'action',
      id: 'erreurs-actualiser',
    });
    refresh.addEventListener('click', () => this.load());
    this.status = el('p', { class: 'panel-note', role: 'status', id: 'erreurs-etat' });
    this.body = el('div', { class: 'table-wrap', id: 'erreurs' });
    container.replaceChildren(
      el('div', { class: 'heading-row' }, [text(i18n, 'h3', 'events.title', { id: 'erreurs-titre' }), refresh]),
      this.status,
      this.body,
    );
    i18n.onChange(() => this.render());
  }

  async load() {
    const to = Date.now();
    this.status.textContent = this.i18n.t('events.loading');
    const answer = await api(`/api/units/${encodeURIComponent(this.unitId)}/events?from=${to - WINDOW_MS}&to=${to}`);
    if (!answer.ok) {
      this.events = null;
      this.body.replaceChildren();
      this.status.textContent = problemText(this.i18n, answer.body, answer.status);
      return;
    }
    this.events = latestProblems(answer.body.events);
    this.render();
  }

  render() {
    if (!this.events) return;
    const { i18n } = this;
    this.status.textContent = i18n.t(this.events.length === 0 ? 'events.none' : 'events.count', {
      count: this.events.length,
    });
    if (this.events.length === 0) {
      this.body.replaceChildren();
      return;
    }
    const details = (data) =>
      Object.entries(data ?? {})
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ');
    const rows = this.events
      .slice(0, MAX_ROWS)
      .map(({ ts, event }) =>
        el('tr', { 'data-severity': event.severity }, [
          el('td', {}, [el('time', { datetime: new Date(ts).toISOString() }, [i18n.format.dateTime.format(ts)])]),
          el('td', {}, [
            el('span', { class: `severity severity-${event.severity}` }, [word(i18n, 'severity', event.severity)]),
          ]),
          el('td', {}, [word(i18n, 'eventKind', event.kind)]),
          el('td', {}, [i18n.t(event.active ? 'events.started' : 'events.ended')]),
          el('td', { class: 'event-data' }, [details(event.data) || '—']),
        ]),
      );
    const head = ['events.col.when', 'events.col.severity', 'events.col.kind', 'events.col.phase', 'events.col.data'];
    this.body.replaceChildren(
      el('table', { id: 'erreurs-table' }, [
        el('caption', { class: 'sr-only' }, [i18n.t('events.caption')]),
        el('thead', {}, [
          el(
            'tr',
            {},
            head.map((key) => el('th', { scope: 'col' }, [i18n.t(key)])),
          ),
        ]),
        el('tbody', {}, rows),
      ]),
    );
  }
}
