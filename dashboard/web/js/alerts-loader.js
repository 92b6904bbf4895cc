// Fetches the alerts a filter asks for. Open alerts come in one answer; the history comes a page at a
// time, newest first, filtered by the server. "Show more" carries on from where the last page stopped.

import { matches, rangeBounds } from './alerts-query.js';
import { api } from './session.js';

/** About a screenful of rows before offering "show more". */
const PAGE_SIZE = 100;

export class LoadError extends Error {
  constructor(answer) {
    super(`alerts: HTTP ${answer.status} ${answer.body?.code ?? ''}`);
    this.status = answer.status;
    this.code = answer.body?.code ?? `HTTP_${answer.status}`;
  }
}

export class AlertLoader {
  constructor(filters) {
    this.filters = filters;
    this.bounds = rangeBounds(filters);
    this.before = undefined;
    this.finished = false;
  }

  /** Answers `{ alerts, more }`: the next matching alerts, and whether older ones may remain. */
  async next() {
    if (this.finished) return { alerts: [], more: false };
    return this.filters.state === 'open' ? this.open() : this.history();
  }

  async open() {
    const query = this.filters.unit ? `?${new URLSearchParams({ unitId: this.filters.unit })}` : '';
    const answer = await api(`/api/alerts${query}`);
    if (!answer.ok) throw new LoadError(answer);
    this.finished = true;
    return { alerts: answer.body.alerts.filter((a) => matches(a, this.filters, this.bounds)), more: false };
  }

  async history() {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (this.filters.unit) query.set('unitId', this.filters.unit);
    if (this.filters.kind) query.set('kind', this.filters.kind);
    if (this.filters.severity) query.set('severity', this.filters.severity);
    if (this.filters.state === 'acknowledged') query.set('state', 'acknowledged');
    if (this.bounds.start !== undefined) query.set('from', String(this.bounds.start));
    if (this.bounds.end !== undefined) query.set('to', String(this.bounds.end));
    if (this.before !== undefined) query.set('before', String(this.before));
    const answer = await api(`/api/alerts/history?${query}`);
    if (!answer.ok) throw new LoadError(answer);
    const { alerts, nextBefore } = answer.body;
    this.before = nextBefore ?? undefined;
    this.finished = nextBefore === null;
    return { alerts, more: !this.finished };
  }
}
