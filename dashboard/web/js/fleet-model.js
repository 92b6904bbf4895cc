// What the page knows of each unit: the live row pushed over SSE (summary, place and Wi-Fi users,
// src/http/live-unit.ts). Views subscribe to changes by unit id.

function unitOf(row) {
  return { summary: row, position: row.place ?? { kind: 'unknown' }, wifiUsers: row.wifiUsers ?? null };
}

export class FleetModel {
  /** id → { summary, position, wifiUsers } */
  units = new Map();
  listeners = [];

  onChange(listener) {
    this.listeners.push(listener);
  }

  list() {
    return [...this.units.values()];
  }

  get(id) {
    return this.units.get(id);
  }

  replaceAll(rows) {
    this.units = new Map(rows.map((row) => [row.id, unitOf(row)]));
    this.emit(null);
  }

  upsert(row) {
    this.units.set(row.id, unitOf(row));
    this.emit(row.id);
  }

  /** `id` null means every unit may have changed. */
  emit(id) {
    for (const listener of this.listeners) listener(id);
  }
}
