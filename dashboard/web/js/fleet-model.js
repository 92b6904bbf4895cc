// What the page knows of each unit: the summary row pushed over SSE, plus position and hotspot from
// GET /api/units/:id/state, which the summary does not carry. Views subscribe to changes.

/** At most one state request per unit per second, however often `unit` events arrive. */
export const STATE_FETCH_INTERVAL_MS = 1000;

/** A unit's place on the map, or why it has none. */
function positionOf(state) {
  const values = state?.position?.values;
  if (!values) return { kind: 'unknown' };
  if (values.paused) return { kind: 'paused' };
  if (typeof values.lat !== 'number' || typeof values.lon !== 'number') return { kind: 'unknown' };
  return { kind: 'known', lat: values.lat, lon: values.lon };
}

function wifiUsersOf(state) {
  const now = state?.hotspot?.values?.sessionsNow;
  return typeof now === 'number' ? now : null;
}

export class FleetModel {
  /** id → { summary, position, wifiUsers } */
  units = new Map();
  listeners = [];
  fetches = new Map();

  onChange(listener) {
    this.listeners.push(listener);
  }

  list() {
    return [...this.units.values()];
  }

  replaceAll(summaries) {
    const previous = this.units;
    this.units = new Map();
    for (const summary of summaries) {
      const known = previous.get(summary.id);
      this.units.set(summary.id, {
        summary,
        position: known?.position ?? { kind: 'unknown' },
        wifiUsers: known?.wifiUsers ?? null,
      });
      this.requestState(summary.id);
    }
    this.emit(null);
  }

  upsert(summary) {
    const known = this.units.get(summary.id);
    this.units.set(summary.id, {
      summary,
      position: known?.position ?? { kind: 'unknown' },
      wifiUsers: known?.wifiUsers ?? null,
    });
    this.emit(summary.id);
    this.requestState(summary.id);
  }

  /** Throttled: the first call fetches at once, later ones within the interval share one trailing fetch. */
  requestState(id) {
    const entry = this.fetches.get(id) ?? { last: 0, timer: null, issued: 0, applied: 0 };
    this.fetches.set(id, entry);
    if (entry.timer !== null) return;
    const wait = Math.max(0, entry.last + STATE_FETCH_INTERVAL_MS - Date.now());
    entry.timer = setTimeout(() => {
      entry.timer = null;
      entry.last = Date.now();
      this.fetchState(id, entry).catch((err) => console.warn(`state of ${id}:`, err));
    }, wait);
  }

  async fetchState(id, entry) {
    const ticket = ++entry.issued;
    const response = await fetch(`/api/units/${encodeURIComponent(id)}/state`, { credentials: 'same-origin' });
    if (response.status === 401) {
      // The session ended: the login page brings the user back here.
      window.location.assign('/login.html');
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    // Two requests can cross on a slow network; the older answer must not overwrite the newer one.
    if (ticket < entry.applied) return;
    entry.applied = ticket;
    const unit = this.units.get(id);
    if (!unit) return;
    unit.position = positionOf(body.state);
    unit.wifiUsers = wifiUsersOf(body.state);
    this.emit(id);
  }

  /** `id` null means every unit may have changed. */
  emit(id) {
    for (const listener of this.listeners) listener(id);
  }
}
