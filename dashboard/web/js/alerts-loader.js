// Fetches the alerts a filter asks for. Open alerts come in one answer; the history comes a page at a
// time, newest first, and is read until a screenful matches, the date range's start is passed, or the
// history ends. "Show more" carries on from where the last read stopped.

import { matches, rangeBounds } from './alerts-query.js';
import { api } from './session.js';

/** The server's largest page. */
const PAGE_SIZE = 500;
/** About a screenful of rows before offering "show more". */
const WANTED = 100;
/** A narrow filter over a long history must not turn one click into hundreds of requests. */
const MAX_REQUESTS = 10;

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
    const found = [];
    for (let requests = 0; requests < MAX_REQUESTS && found.length < WANTED && !this.finished; requests += 1) {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (this.filters.unit) query.set('unitId', this.filters.unit);
      if (this.filters.kind) query.set('kind', this.filters.kind);
      if (this.before !== undefined) query.set('before', String(this.before));
      const answer = await api(`/api/alerts/history?${query}`);
      if (!answer.ok) throw new LoadError(answer);
      const { alerts, nextBefore } = answer.body;
      found.push(...alerts.filter((a) => matches(a, this.filters, this.bounds)));
      // Ids grow with the dashboard's clock: once a page reaches before the range, older pages cannot match.
      const oldest = alerts[alerts.length - 1];
      const passedStart = this.bounds.start !== undefined && oldest !== undefined && oldest.firstAt < this.bounds.start;
      this.before = nextBefore ?? undefined;
      this.finished = nextBefore === null || passedStart;
    }
    return { alerts: found, more: !this.finished };
  }
}
