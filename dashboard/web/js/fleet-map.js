// The map view: one Leaflet marker per unit with a known position. Tiles are optional (GET
// /api/ui-config); without them the markers sit on a plain background, which is enough to see where
// each tricycle is relative to the others. Leaflet comes from /vendor/leaflet.js as window.L.

import { el } from './dom.js';

/** Mainland France, until the first position arrives. */
const DEFAULT_VIEW = { center: [46.6, 2.4], zoom: 5 };
const MAX_FIT_ZOOM = 15;

export class FleetMap {
  markers = new Map();
  /** Units already in the fitted view; the view is refitted only when a new one gets a position. */
  fitted = new Set();

  constructor(container, model, i18n, onSelect) {
    this.container = container;
    this.model = model;
    this.i18n = i18n;
    this.onSelect = onSelect;
    const L = window.L;
    this.L = L;
    this.map = L.map(container, { zoomControl: true, attributionControl: true }).setView(
      DEFAULT_VIEW.center,
      DEFAULT_VIEW.zoom,
    );
    // The default prefix links to an outside host; the page makes no outside requests, so no link.
    this.map.attributionControl.setPrefix(false);
  }

  /** Adds the tile layer when one is configured; returns whether it did. */
  useTiles(config) {
    if (!config?.tileUrl) return false;
    this.L.tileLayer(config.tileUrl, {
      maxZoom: 19,
      ...(config.tileAttribution ? { attribution: config.tileAttribution } : {}),
    }).addTo(this.map);
    return true;
  }

  render() {
    const seen = new Set();
    for (const unit of this.model.list()) {
      if (unit.position.kind !== 'known') continue;
      seen.add(unit.summary.id);
      this.place(unit);
    }
    for (const id of [...this.markers.keys()]) if (!seen.has(id)) this.drop(id);
    this.fitIfGrown();
  }

  /** Live updates: only the changed units' markers move or change their card. */
  update(ids) {
    for (const id of ids) {
      const unit = this.model.get(id);
      if (unit?.position.kind === 'known') this.place(unit);
      else this.drop(id);
    }
    this.fitIfGrown();
  }

  drop(id) {
    this.markers.get(id)?.marker.remove();
    this.markers.delete(id);
    this.fitted.delete(id);
  }

  place(unit) {
    const id = unit.summary.id;
    const latLng = [unit.position.lat, unit.position.lon];
    let entry = this.markers.get(id);
    if (!entry) {
      const card = el('span', { class: 'unit-marker-card', 'data-unit': id });
      const icon = this.L.divIcon({ className: 'unit-marker', html: card, iconSize: null });
      const marker = this.L.marker(latLng, { icon, keyboard: true, riseOnHover: true });
      marker.on('click', () => this.onSelect(id));
      // The icon is a focusable div with role=button: Enter and Space must act as a button's would.
      marker.on('keypress', (event) => {
        const key = event.originalEvent.key;
        if (key !== 'Enter' && key !== ' ') return;
        event.originalEvent.preventDefault();
        this.onSelect(id);
      });
      marker.addTo(this.map);
      entry = { marker, card };
      this.markers.set(id, entry);
    } else {
      // setLatLng keeps the same element, so a focused marker keeps the focus while it moves.
      entry.marker.setLatLng(latLng);
    }
    this.fillCard(entry, unit);
  }

  fillCard({ card }, unit) {
    const { format } = this.i18n;
    const t = (key, vars) => this.i18n.t(key, vars);
    const s = unit.summary;
    const soc = s.battery ? format.percent.format(s.battery.socPct / 100) : '—';
    const wifi = unit.wifiUsers === null ? '—' : format.integer.format(unit.wifiUsers);
    const state = t(s.online ? 'online' : 'offline');
    card.dataset.online = String(s.online);
    card.dataset.lat = String(unit.position.lat);
    card.dataset.lon = String(unit.position.lon);
    card.replaceChildren(
      el('span', { class: 'unit-marker-name' }, [s.name]),
      el('span', { class: 'unit-marker-line' }, [
        el('span', { class: 'unit-marker-dot', 'aria-hidden': 'true' }),
        `${state} · ${t('marker.battery', { soc })}`,
      ]),
      el('span', { class: 'unit-marker-line' }, [t('marker.wifi', { count: wifi })]),
    );
  }

  fitIfGrown() {
    const ids = [...this.markers.keys()];
    if (ids.every((id) => this.fitted.has(id))) return;
    for (const id of ids) this.fitted.add(id);
    const points = ids.map((id) => this.markers.get(id).marker.getLatLng());
    if (points.length === 1) this.map.setView(points[0], MAX_FIT_ZOOM);
    else this.map.fitBounds(this.L.latLngBounds(points), { padding: [60, 60], maxZoom: MAX_FIT_ZOOM });
  }

  /** The container is sized by CSS; Leaflet must re-measure when the layout changes. */
  resize() {
    this.map.invalidateSize();
  }
}
