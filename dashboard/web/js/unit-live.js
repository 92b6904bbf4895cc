// Live updates of one unit over /api/live (Server-Sent Events, as the fleet view). A `unit` event for
// this unit means its state changed: the page re-fetches it, at most once a second however often the
// events come, and never two requests at once.

export const REFRESH_INTERVAL_MS = 1000;

export class UnitLive {
  lastFetch = 0;
  running = false;
  pending = false;
  timer = undefined;

  /**
   * `onSummary(summary)` gets the unit's summary row from each snapshot and `unit` event; `refresh()`
   * re-fetches the state; `onStatus('on' | 'lost')` follows the connection.
   */
  constructor(unitId, { onSummary, refresh, onStatus }) {
    this.unitId = unitId;
    this.refresh = refresh;
    const source = new EventSource('/api/live');
    source.addEventListener('open', () => onStatus('on'));
    source.addEventListener('error', () => onStatus('lost'));
    source.addEventListener('snapshot', (event) => {
      const mine = JSON.parse(event.data).units?.find((u) => u.id === unitId);
      if (mine) onSummary(mine);
      // After a reconnection the state may have moved on while the stream was down.
      this.request();
    });
    source.addEventListener('unit', (event) => {
      const summary = JSON.parse(event.data);
      if (summary.id !== unitId) return;
      onSummary(summary);
      this.request();
    });
    this.source = source;
  }

  request() {
    this.pending = true;
    if (this.running || this.timer !== undefined) return;
    const wait = this.lastFetch + REFRESH_INTERVAL_MS - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.request();
      }, wait);
      return;
    }
    this.run();
  }

  async run() {
    this.pending = false;
    this.running = true;
    this.lastFetch = Date.now();
    try {
      await this.refresh();
    } catch (err) {
      console.error('unit state refresh failed', err);
    } finally {
      this.running = false;
      if (this.pending) this.request();
    }
  }
}
