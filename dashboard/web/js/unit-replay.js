// Replays one outing on a Leaflet map (window.L): pick a day, pick one of its outings, then play it or
// move through it with a slider (arrow keys, Page Up/Down, Home/End). Paused points break the line:
// while the mediators pause the location nothing is drawn. Stops are numbered on the map and listed
// in a table, which is also the map's text alternative.

import { el } from './dom.js';
import { api } from './session.js';
import { DASH, duration, extra, isNumber, problemText, toLocalDate } from './unit-format.js';
import { text } from './unit-range.js';

const TRACK_COLOUR = '#0b57d0';
const MARKER_COLOUR = '#b3261e';
const TICK_MS = 200;
const SPEEDS = [30, 60, 120, 300];
const MAX_FIT_ZOOM = 17;
const DEFAULT_VIEW = { center: [46.6, 2.4], zoom: 5 };

/** The last point at or before `ts` (points sorted by time), or undefined before the first. */
export function pointAt(points, ts) {
  let lo = 0;
  let hi = points.length - 1;
  let found;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].ts <= ts) {
      found = points[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Runs of consecutive located points; a paused or unlocated point ends a run. */
export function trackSegments(points) {
  const segments = [];
  let current = [];
  for (const { position } of points) {
    if (!position.paused && isNumber(position.lat) && isNumber(position.lon)) {
      current.push([position.lat, position.lon]);
      continue;
    }
    if (current.length > 0) segments.push(current);
    current = [];
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

export class OutingReplay {
  outings = [];
  outing = null;
  points = [];
  stops = [];
  timer = undefined;

  constructor(container, i18n, unitId, tiles) {
    this.i18n = i18n;
    this.unitId = unitId;
    this.build(container, tiles);
    i18n.onChange(() => this.relabel());
  }

  build(container, tiles) {
    const i18n = this.i18n;
    this.day = el('input', { type: 'date', id: 'rejeu-jour', value: toLocalDate(Date.now()) });
    const dayForm = el('form', { class: 'field-row', id: 'rejeu-choix' }, [
      el('div', { class: 'field' }, [text(i18n, 'label', 'replay.day', { for: 'rejeu-jour' }), this.day]),
      text(i18n, 'button', 'replay.list', { type: 'submit', class: 'action' }),
    ]);
    dayForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.loadOutings();
    });
    this.status = el('p', { class: 'panel-note', role: 'status', id: 'rejeu-etat' });
    this.list = el('ul', { class: 'outing-list', id: 'rejeu-tournees', 'aria-labelledby': 'rejeu-tournees-titre' });
    this.listTitle = text(i18n, 'h3', 'replay.outings', { id: 'rejeu-tournees-titre', hidden: '' });

    const mapBox = el('div', { class: 'map replay-map', id: 'rejeu-carte', 'aria-describedby': 'rejeu-carte-aide' });
    const help = text(i18n, 'p', 'replay.mapHelp', { id: 'rejeu-carte-aide', class: 'sr-only' });
    this.noTiles = text(i18n, 'p', 'mapNoTiles', { class: 'map-note', hidden: '' });

    this.play = el('button', { type: 'button', class: 'action', id: 'rejeu-lecture', disabled: '' });
    this.play.addEventListener('click', () => (this.timer === undefined ? this.start() : this.stop()));
    this.speed = el(
      'select',
      { id: 'rejeu-vitesse' },
      SPEEDS.map((s) => el('option', { value: String(s), ...(s === 60 ? { selected: '' } : {}) }, [`×${s}`])),
    );
    this.slider = el('input', { type: 'range', id: 'rejeu-curseur', min: '0', max: '0', value: '0', disabled: '' });
    this.slider.addEventListener('input', () => this.show(Number(this.slider.value)));
    this.clock = el('output', { id: 'rejeu-heure', for: 'rejeu-curseur', class: 'replay-clock' });
    const controls = el('div', { class: 'replay-controls' }, [
      this.play,
      el('div', { class: 'field' }, [text(i18n, 'label', 'replay.speed', { for: 'rejeu-vitesse' }), this.speed]),
      el('div', { class: 'field slider-field' }, [
        text(i18n, 'label', 'replay.slider', { for: 'rejeu-curseur' }),
        this.slider,
      ]),
      this.clock,
    ]);

    this.stopsTable = el('div', { class: 'table-wrap', id: 'rejeu-arrets' });
    this.player = el('div', { class: 'replay-player', hidden: '' }, [
      mapBox,
      help,
      this.noTiles,
      controls,
      text(i18n, 'h3', 'replay.stops', { id: 'rejeu-arrets-titre' }),
      this.stopsTable,
    ]);
    container.replaceChildren(dayForm, this.status, this.listTitle, this.list, this.player);

    const L = window.L;
    this.L = L;
    this.map = L.map(mapBox, { zoomControl: true }).setView(DEFAULT_VIEW.center, DEFAULT_VIEW.zoom);
    this.map.attributionControl.setPrefix(false);
    if (tiles?.tileUrl) {
      L.tileLayer(tiles.tileUrl, {
        maxZoom: 19,
        ...(tiles.tileAttribution ? { attribution: tiles.tileAttribution } : {}),
      }).addTo(this.map);
    } else this.noTiles.hidden = false;
    this.layer = L.layerGroup().addTo(this.map);
    new ResizeObserver(() => this.map.invalidateSize()).observe(mapBox);
    this.relabel();
  }

  async loadOutings() {
    this.stop();
    const start = new Date(`${this.day.value}T00:00`).getTime();
    if (Number.isNaN(start)) {
      this.status.textContent = this.i18n.t('replay.badDay');
      return;
    }
    const end = new Date(start + 36 * 3_600_000).setHours(0, 0, 0, 0); // next local midnight, DST-proof
    this.status.textContent = this.i18n.t('replay.loading');
    const answer = await api(this.url('outings', start, end));
    if (!answer.ok) {
      this.outings = [];
      this.renderList();
      this.status.textContent = problemText(this.i18n, answer.body, answer.status);
      return;
    }
    this.outings = [...answer.body.outings].sort((a, b) => a.startTs - b.startTs);
    this.renderList();
    this.status.textContent = this.i18n.t(this.outings.length === 0 ? 'replay.none' : 'replay.count', {
      count: this.outings.length,
    });
  }

  url(what, from, to) {
    return `/api/units/${encodeURIComponent(this.unitId)}/${what}?from=${from}&to=${to}`;
  }

  outingLabel(outing) {
    const { i18n } = this;
    const time = extra(i18n).time;
    return i18n.t('replay.outingLabel', {
      start: time.format(outing.startTs),
      end: time.format(outing.endTs),
      km: i18n.format.oneDecimal.format((outing.distanceM ?? 0) / 1000),
      stops: outing.stops ?? 0,
      sessions: outing.sessions ?? 0,
    });
  }

  renderList() {
    this.listTitle.hidden = this.outings.length === 0;
    this.list.replaceChildren(
      ...this.outings.map((outing, index) => {
        const button = el('button', {
          type: 'button',
          class: 'toggle outing',
          'data-outing': String(index),
          'aria-pressed': String(outing === this.outing),
        });
        button.textContent = this.outingLabel(outing);
        button.addEventListener('click', () => this.choose(outing));
        return el('li', {}, [button]);
      }),
    );
  }

  /** Updates the pressed state in place, so the button just used keeps the focus. */
  markChosen() {
    for (const button of this.list.querySelectorAll('button[data-outing]'))
      button.setAttribute('aria-pressed', String(this.outings[Number(button.dataset.outing)] === this.outing));
  }

  async choose(outing) {
    this.stop();
    this.outing = outing;
    this.markChosen();
    const to = outing.endTs + 1;
    this.status.textContent = this.i18n.t('replay.loadingTrack');
    const [positions, stops] = await Promise.all([
      api(this.url('positions', outing.startTs, to)),
      api(this.url('stops', outing.startTs, to)),
    ]);
    if (this.outing !== outing) return;
    if (!positions.ok) {
      this.status.textContent = problemText(this.i18n, positions.body, positions.status);
      return;
    }
    this.points = [...positions.body.positions].sort((a, b) => a.ts - b.ts);
    this.stops = stops.ok ? [...stops.body.stops].sort((a, b) => a.startTs - b.startTs) : [];
    this.status.textContent = this.i18n.t(positions.body.truncated ? 'replay.truncated' : 'replay.ready', {
      count: this.points.length,
    });
    this.player.hidden = false;
    this.map.invalidateSize();
    this.drawTrack();
    this.slider.min = String(outing.startTs);
    this.slider.max = String(outing.endTs);
    this.slider.step = String(Math.max(1000, Math.round((outing.endTs - outing.startTs) / 400)));
    this.slider.disabled = false;
    this.play.disabled = false;
    this.slider.value = String(outing.startTs);
    this.show(outing.startTs);
  }

  drawTrack() {
    const L = this.L;
    this.layer.clearLayers();
    const segments = trackSegments(this.points);
    for (const segment of segments) L.polyline(segment, { color: TRACK_COLOUR, weight: 4 }).addTo(this.layer);
    this.stops.forEach((stop, index) => {
      if (!isNumber(stop.lat) || !isNumber(stop.lon)) return;
      const icon = L.divIcon({
        className: 'stop-marker',
        html: el('span', {}, [String(index + 1)]),
        iconSize: [26, 26],
      });
      L.marker([stop.lat, stop.lon], { icon, keyboard: false, interactive: false }).addTo(this.layer);
    });
    this.marker = L.circleMarker([0, 0], {
      radius: 9,
      color: '#1b1b1b',
      weight: 2,
      fillColor: MARKER_COLOUR,
      fillOpacity: 1,
      interactive: false,
    });
    const all = segments.flat();
    if (all.length === 1) this.map.setView(all[0], MAX_FIT_ZOOM);
    else if (all.length > 1) this.map.fitBounds(L.latLngBounds(all), { padding: [30, 30], maxZoom: MAX_FIT_ZOOM });
    this.renderStops();
  }

  /** Moves the marker to the outing's state at `ts` and says where it was, in words. */
  show(ts) {
    const { i18n } = this;
    if (!this.marker) return;
    const point = pointAt(this.points, ts);
    const p = point?.position;
    const located = p && !p.paused && isNumber(p.lat) && isNumber(p.lon);
    if (located) {
      this.marker.setLatLng([p.lat, p.lon]);
      if (!this.layer.hasLayer(this.marker)) this.marker.addTo(this.layer);
    } else if (this.marker) this.layer.removeLayer(this.marker);
    const where = located
      ? i18n.t('positionValue', {
          lat: i18n.format.coordinate.format(p.lat),
          lon: i18n.format.coordinate.format(p.lon),
        })
      : i18n.t(p?.paused ? 'positionPaused' : 'positionUnknown');
    const time = extra(i18n).timeSeconds.format(ts);
    const speed =
      located && isNumber(p.speedKmh)
        ? i18n.t('replay.speedValue', { speed: i18n.format.integer.format(p.speedKmh) })
        : '';
    this.clock.textContent = [time, where, speed].filter(Boolean).join(' · ');
    this.slider.setAttribute('aria-valuetext', `${time}, ${where}`);
  }

  start() {
    if (!this.outing) return;
    if (Number(this.slider.value) >= this.outing.endTs) this.slider.value = String(this.outing.startTs);
    this.timer = setInterval(() => {
      const next = Math.min(this.outing.endTs, Number(this.slider.value) + TICK_MS * Number(this.speed.value));
      this.slider.value = String(next);
      this.show(next);
      if (next >= this.outing.endTs) this.stop();
    }, TICK_MS);
    this.playLabel();
  }

  stop() {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.playLabel();
  }

  renderStops() {
    const { i18n } = this;
    if (this.stops.length === 0) {
      this.stopsTable.replaceChildren(el('p', { class: 'panel-note' }, [i18n.t('replay.noStops')]));
      return;
    }
    const time = extra(i18n).time;
    const head = [
      'replay.col.number',
      'replay.col.start',
      'replay.col.duration',
      'replay.col.place',
      'replay.col.sessions',
      'replay.col.devices',
    ];
    const rows = this.stops.map((stop, index) => {
      const place =
        isNumber(stop.lat) && isNumber(stop.lon)
          ? i18n.t('positionValue', {
              lat: i18n.format.coordinate.format(stop.lat),
              lon: i18n.format.coordinate.format(stop.lon),
            })
          : i18n.t('positionPaused');
      return el('tr', {}, [
        el('th', { scope: 'row', class: 'num' }, [String(index + 1)]),
        el('td', {}, [time.format(stop.startTs)]),
        el('td', {}, [duration(i18n, (stop.endTs - stop.startTs) / 1000)]),
        el('td', {}, [place]),
        el('td', { class: 'num' }, [isNumber(stop.sessions) ? i18n.format.integer.format(stop.sessions) : DASH]),
        el('td', { class: 'num' }, [isNumber(stop.devices) ? i18n.format.integer.format(stop.devices) : DASH]),
      ]);
    });
    this.stopsTable.replaceChildren(
      el('table', { id: 'rejeu-arrets-table' }, [
        el('caption', {}, [i18n.t('replay.stopsCaption')]),
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

  playLabel() {
    this.play.textContent = this.i18n.t(this.timer === undefined ? 'replay.play' : 'replay.pause');
  }

  relabel() {
    this.playLabel();
    if (this.outings.length > 0) this.renderList();
    if (this.outing) {
      this.renderStops();
      this.show(Number(this.slider.value));
    }
  }
}
