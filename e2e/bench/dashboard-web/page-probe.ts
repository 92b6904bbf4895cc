/**
 * What runs inside the page (added with addInitScript, so before the page's own scripts, and outside
 * its CSP). One requestAnimationFrame loop records every frame's time and, when asked, reads each
 * unit's SOC from its list row and its map marker, noting the frame a new value first shows; a
 * PerformanceObserver keeps the long tasks. Everything is self-contained: Playwright sends the
 * function's source to the page.
 */

export interface ProbeTake {
  /** requestAnimationFrame timestamps (page clock, ms) since the last take. */
  frames: number[];
  /** [unit, soc, epoch ms, 0 list | 1 marker] for each new value seen since the last take. */
  seen: [string, number, number, 0 | 1][];
  longTasks: { startTime: number; duration: number }[];
  /** Time the probe's own reading of the DOM took since the last take, ms. */
  scanMs: number;
}

export interface LoadMarks {
  /** Epoch ms of the page's time origin (navigation start). */
  timeOrigin: number;
  domContentLoadedMs: number | null;
  firstMarkerMs: number | null;
  allMarkersMs: number | null;
  firstRowMs: number | null;
}

export interface MoveResult {
  /** The key press's event time to the first frame where the map had moved, ms. */
  toFirstChangeMs: number;
  /** To the frame after which nothing moved for 5 frames and no zoom animation ran. */
  toSettledMs: number;
  /** Event time to the page's own key handler running: how long the input waited for the main thread. */
  inputDelayMs: number;
}

export interface Probe {
  scanning: boolean;
  take(): ProbeTake;
  marks(): LoadMarks;
  armMove(): void;
  move(): Promise<MoveResult | null>;
}

declare global {
  interface Window {
    __bench: Probe;
  }
}

export function installProbe(expectedMarkers: number): void {
  const state = {
    frames: [] as number[],
    seen: [] as [string, number, number, 0 | 1][],
    longTasks: [] as { startTime: number; duration: number }[],
    scanMs: 0,
    lastList: new Map<string, number>(),
    lastMarker: new Map<string, number>(),
    firstMarkerMs: null as number | null,
    allMarkersMs: null as number | null,
    firstRowMs: null as number | null,
    move: null as null | {
      keyAt: number | null;
      handledAt: number | null;
      signature: string;
      firstChangeAt: number | null;
      lastChangeAt: number | null;
      still: number;
      done: (result: MoveResult | null) => void;
    },
    moveResult: Promise.resolve(null) as Promise<MoveResult | null>,
  };
  const cards = document.getElementsByClassName('unit-marker-card');
  // The list cell holds the bare number; a missing value is a dash and a hidden word.
  const socOf = (text: string | null | undefined): number | null => {
    const match = /\d+/.exec(text ?? '');
    return match ? Number(match[0]) : null;
  };
  const scan = (now: number) => {
    const started = performance.now();
    const epoch = performance.timeOrigin + now;
    const rows = document.querySelectorAll<HTMLTableRowElement>('#flotte tbody tr[data-unit]');
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as HTMLTableRowElement;
      const unit = row.dataset.unit ?? '';
      const soc = socOf(row.querySelector('[data-field="soc"]')?.textContent);
      if (soc === null || state.lastList.get(unit) === soc) continue;
      state.lastList.set(unit, soc);
      state.seen.push([unit, soc, epoch, 0]);
    }
    for (let i = 0; i < cards.length; i++) {
      const card = cards[i] as HTMLElement;
      const unit = card.dataset.unit ?? '';
      const line = card.querySelector('.unit-marker-line');
      const match = /(\d+)\s*%/.exec(line?.textContent ?? '');
      if (!match) continue;
      const soc = Number(match[1]);
      if (state.lastMarker.get(unit) === soc) continue;
      state.lastMarker.set(unit, soc);
      state.seen.push([unit, soc, epoch, 1]);
    }
    state.scanMs += performance.now() - started;
  };
  const mapSignature = () => {
    const container = document.getElementById('carte-fond');
    const pane = container?.querySelector<HTMLElement>('.leaflet-map-pane');
    const anim = container?.classList.contains('leaflet-zoom-anim') ? 'anim' : '';
    const marker = container?.querySelector<HTMLElement>('.leaflet-marker-icon');
    return `${pane?.style.transform}|${marker?.style.transform}|${anim}`;
  };
  const watchMove = (now: number) => {
    const move = state.move;
    if (!move || move.keyAt === null) return;
    const signature = mapSignature();
    const animating = signature.endsWith('|anim');
    if (signature !== move.signature) {
      move.signature = signature;
      move.firstChangeAt ??= now;
      move.lastChangeAt = now;
      move.still = 0;
    } else if (move.firstChangeAt !== null && !animating) {
      move.still++;
    }
    if (move.firstChangeAt !== null && move.lastChangeAt !== null && move.still >= 5) {
      state.move = null;
      move.done({
        toFirstChangeMs: move.firstChangeAt - move.keyAt,
        toSettledMs: move.lastChangeAt - move.keyAt,
        inputDelayMs: (move.handledAt ?? move.keyAt) - move.keyAt,
      });
    } else if (now - move.keyAt > 15_000) {
      state.move = null;
      move.done(null);
    }
  };
  const frame = (now: number) => {
    state.frames.push(now);
    if (state.firstMarkerMs === null && cards.length > 0) state.firstMarkerMs = now;
    if (state.allMarkersMs === null && cards.length >= expectedMarkers) state.allMarkersMs = now;
    if (state.firstRowMs === null && document.querySelector('#flotte tbody tr[data-unit]')) state.firstRowMs = now;
    if (probe.scanning) scan(now);
    watchMove(now);
    requestAnimationFrame(frame);
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      state.longTasks.push({ startTime: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener(
    'keydown',
    (event) => {
      if (!state.move || state.move.keyAt !== null) return;
      state.move.keyAt = event.timeStamp;
      state.move.handledAt = performance.now();
    },
    { capture: true },
  );
  const probe: Probe = {
    scanning: false,
    take() {
      const taken: ProbeTake = {
        frames: state.frames.splice(0),
        seen: state.seen.splice(0),
        longTasks: state.longTasks.splice(0),
        scanMs: state.scanMs,
      };
      state.scanMs = 0;
      return taken;
    },
    marks() {
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        timeOrigin: performance.timeOrigin,
        domContentLoadedMs: navigation?.domContentLoadedEventEnd || null,
        firstMarkerMs: state.firstMarkerMs,
        allMarkersMs: state.allMarkersMs,
        firstRowMs: state.firstRowMs,
      };
    },
    armMove() {
      let done: (result: MoveResult | null) => void = () => undefined;
      state.moveResult = new Promise<MoveResult | null>((resolve) => {
        done = resolve;
      });
      state.move = {
        keyAt: null,
        handledAt: null,
        signature: mapSignature(),
        firstChangeAt: null,
        lastChangeAt: null,
        still: 0,
        done,
      };
    },
    move() {
      return state.moveResult;
    },
  };
  window.__bench = probe;
  requestAnimationFrame(frame);
}
