// The alerts table. Rows are rebuilt from the list on every change (a screenful at most), and the
// focus goes back to the same row's same control, so a live update never throws a keyboard user out.
// Text goes in through textContent only: unit names and details come from the server.

import { el } from './dom.js';

/** Answers from POST /api/alerts/:id/ack worded for people; anything else shows its code. */
const ACK_ERRORS = {
  0: 'ackError.network',
  401: 'ackError.session',
  403: 'ackError.forbidden',
  404: 'ackError.unknown',
};

export class AlertsTable {
  /**
   * `acknowledge(alert)` answers `{ ok, status, body }` like api(); `acknowledged(alert)` takes the
   * server's updated alert; `canAck` false hides the action; `isFresh(id)` marks alerts that came live.
   */
  constructor(table, i18n, { canAck, acknowledge, acknowledged, unitName, announce, isFresh }) {
    this.tbody = table.tBodies[0];
    this.actionHeader = table.querySelector('[data-column="action"]');
    this.i18n = i18n;
    this.canAck = canAck;
    this.acknowledge = acknowledge;
    this.acknowledged = acknowledged;
    this.isFresh = isFresh;
    this.unitName = unitName;
    this.announce = announce;
    this.alerts = [];
    /** Per alert id: the acknowledgement in flight, or the error it ended with. */
    this.busy = new Set();
    this.errors = new Map();
  }

  show(alerts) {
    this.alerts = alerts;
    this.render();
  }

  render() {
    this.actionHeader.hidden = !this.canAck;
    const focused = document.activeElement?.closest?.('tr[data-alert]');
    const focusId = focused?.dataset.alert;
    const focusField = document.activeElement?.dataset?.focusKey;
    this.tbody.replaceChildren(...this.alerts.map((alert) => this.row(alert)));
    if (focusId && focusField)
      this.tbody.querySelector(`tr[data-alert="${focusId}"] [data-focus-key="${focusField}"]`)?.focus();
  }

  label(alert) {
    return { unit: this.unitName(alert.unitId), kind: this.i18n.t(`kind.${alert.kind}`) };
  }

  row(alert) {
    const t = (key, vars) => this.i18n.t(key, vars);
    const { format } = this.i18n;
    const { unit, kind } = this.label(alert);
    const severity = el('span', { class: `severity severity-${alert.severity}` }, [t(`severity.${alert.severity}`)]);
    const link = el('a', { href: `/unit.html?id=${encodeURIComponent(alert.unitId)}`, 'data-focus-key': 'unit' }, [
      unit,
    ]);
    const kindCell = el('td', { 'data-field': 'kind' }, [el('span', { class: 'kind' }, [kind])]);
    if (alert.detail) kindCell.append(el('span', { class: 'detail' }, [alert.detail]));
    if (alert.count > 1)
      kindCell.append(el('span', { class: 'detail' }, [t('repeated', { count: format.integer.format(alert.count) })]));
    const since = el('time', { datetime: new Date(alert.firstAt).toISOString() }, [
      format.dateTime.format(alert.firstAt),
    ]);
    const cells = [
      el('td', { 'data-field': 'severity' }, [severity]),
      el('th', { scope: 'row', 'data-field': 'unit' }, [link]),
      kindCell,
      el('td', { 'data-field': 'since' }, [since]),
      el('td', { 'data-field': 'state', tabindex: '-1', 'data-focus-key': 'state' }, this.stateText(alert)),
    ];
    if (this.canAck) cells.push(this.actionCell(alert, unit, kind));
    const fresh = this.isFresh(alert.id) ? { class: 'fresh' } : {};
    return el('tr', { 'data-alert': String(alert.id), 'data-state': stateOf(alert), ...fresh }, cells);
  }

  stateText(alert) {
    const { format } = this.i18n;
    const lines = [];
    if (alert.active && alert.acknowledgedBy === null) lines.push(this.i18n.t('state.open'));
    if (alert.acknowledgedBy !== null) {
      const at = alert.acknowledgedAt === null ? '' : format.dateTime.format(alert.acknowledgedAt);
      lines.push(this.i18n.t('state.acknowledged', { who: alert.acknowledgedBy, at }));
    }
    if (!alert.active) {
      const at = alert.clearedAt === null ? '' : format.dateTime.format(alert.clearedAt);
      lines.push(this.i18n.t('state.cleared', { at }));
    }
    return lines.map((line) => el('span', { class: 'state-line' }, [line]));
  }

  actionCell(alert, unit, kind) {
    const cell = el('td', { 'data-field': 'action' });
    if (!alert.active || alert.acknowledgedBy !== null) return cell;
    const busy = this.busy.has(alert.id);
    const button = el(
      'button',
      {
        type: 'button',
        class: 'ack-button',
        'data-focus-key': 'ack',
        'aria-label': this.i18n.t('ackLabel', { unit, kind }),
        ...(busy ? { 'aria-disabled': 'true' } : {}),
      },
      [this.i18n.t(busy ? 'ackBusy' : 'ack')],
    );
    button.addEventListener('click', () => this.ack(alert));
    cell.append(button);
    const error = this.errors.get(alert.id);
    if (error) {
      const message = this.i18n.t(error.key, error.vars);
      const id = `ack-erreur-${alert.id}`;
      button.setAttribute('aria-describedby', id);
      cell.append(el('p', { class: 'row-error', id }, [message]));
    }
    return cell;
  }

  async ack(alert) {
    if (this.busy.has(alert.id)) return;
    this.busy.add(alert.id);
    this.errors.delete(alert.id);
    this.render();
    const answer = await this.acknowledge(alert);
    this.busy.delete(alert.id);
    const { unit, kind } = this.label(alert);
    if (answer.ok) {
      // The acknowledged alert replaces this one through the page's list; the button is gone, so the
      // focus moves to the state it now shows.
      this.acknowledged(answer.body.alert);
      this.tbody.querySelector(`tr[data-alert="${alert.id}"] [data-focus-key="state"]`)?.focus();
      this.announce(this.i18n.t('ackDone', { unit, kind }));
      return;
    }
    const error = {
      key: ACK_ERRORS[answer.status] ?? 'ackError.other',
      vars: { code: answer.body?.code ?? answer.status },
    };
    this.errors.set(alert.id, error);
    this.render();
    this.announce(this.i18n.t('ackFailed', { unit, kind, message: this.i18n.t(error.key, error.vars) }));
  }
}

/** For styling and tests: open, acknowledged (still active) or cleared. */
export function stateOf(alert) {
  if (!alert.active) return 'cleared';
  return alert.acknowledgedBy === null ? 'open' : 'acknowledged';
}
