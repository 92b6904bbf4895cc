import type { CDPSession, Page } from 'playwright-core';
import { evenPlan, publishOnSchedule, type SimulatedFleet } from './fleet-sim.js';
import { matchLatencies, type Observed, type Published } from './latency.js';
import type { MoveResult, ProbeTake } from './page-probe.js';
import { costsByFunction, type FunctionCost } from './profile.js';
import { frameIntervalsIn, type LongTasks, longTasksIn, type Spread, spread } from './stats.js';

/** What Chromium's main thread did over a phase, from Performance.getMetrics (seconds → ms). */
export interface MainThread {
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  /** Task time over wall time: 1 means the main thread never rested. */
  busy: number;
}

export interface StreamFigures {
  updates: number;
  updatesPerSecond: number;
  /** Publish → the list row shows the new SOC. */
  listLatency: Spread & { missing: number };
  /** Publish → the map marker shows it. */
  markerLatency: Spread & { missing: number };
  frames: Spread;
  longTasks: LongTasks;
  mainThread: MainThread;
  /** The probe's own DOM reads over the phase, ms: part of the main thread's time, not the page's. */
  probeScanMs: number;
  pan?: MoveResult | null;
  zoom?: MoveResult | null;
}

/** Collects what the probe saw, a take at a time, so the page never holds much. */
export class Collector {
  frames: number[] = [];
  seen: ProbeTake['seen'] = [];
  longTasks: ProbeTake['longTasks'] = [];
  scanMs = 0;

  constructor(private readonly page: Page) {}

  async take(): Promise<void> {
    const taken = await this.page.evaluate(() => window.__bench.take());
    this.frames.push(...taken.frames);
    this.seen.push(...taken.seen);
    this.longTasks.push(...taken.longTasks);
    this.scanMs += taken.scanMs;
  }

  reset(): void {
    this.frames = [];
    this.seen = [];
    this.longTasks = [];
    this.scanMs = 0;
  }

  observed(kind: 0 | 1): Observed[] {
    return this.seen.filter((s) => s[3] === kind).map(([unit, soc, atMs]) => ({ unit, soc, atMs }));
  }
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

function mainThreadBetween(before: Record<string, number>, after: Record<string, number>, wallMs: number): MainThread {
  const ms = (name: string) => Math.round(((after[name] ?? 0) - (before[name] ?? 0)) * 1000);
  const taskMs = ms('TaskDuration');
  return {
    taskMs,
    scriptMs: ms('ScriptDuration'),
    layoutMs: ms('LayoutDuration'),
    styleMs: ms('RecalcStyleDuration'),
    busy: Math.round((taskMs / wallMs) * 100) / 100,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes from the probe every second while `work` runs, so its buffers stay small. */
async function whileCollecting<T>(collector: Collector, work: Promise<T>): Promise<T> {
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  while (!done) {
    await Promise.race([finished.catch(() => undefined), sleep(1000)]);
    await collector.take();
  }
  return finished;
}

/** Waits until the page shows every published SOC (list and marker), or `maxMs` passes. */
async function drain(collector: Collector, published: readonly Published[], maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    await collector.take();
    const list = matchLatencies(published, collector.observed(0));
    const marker = matchLatencies(published, collector.observed(1));
    if ((list.missing === 0 && marker.missing === 0) || Date.now() > deadline) return;
    await sleep(500);
  }
}

export interface PhaseOptions {
  page: Page;
  cdp: CDPSession;
  fleet: SimulatedFleet;
  plan: { atMs: number; unit: number }[];
  /** Frames and long tasks are counted over this long from the start. */
  windowMs: number;
  drainMs: number;
  /** Keyboard actions on the map at these times after the start. */
  pan?: { atMs: number; key: string };
  zoom?: { atMs: number; key: string };
}

/** How long a key on the map may wait for the page; a page this far behind is reported as not moving. */
const MOVE_TIMEOUT_MS = 20_000;

async function keyOnMap(page: Page, atMs: number, key: string, started: number): Promise<MoveResult | null> {
  await sleep(Math.max(0, atMs - (performance.now() - started)));
  const move = (async () => {
    await page.evaluate(() => window.__bench.armMove());
    await page.focus('#carte-fond', { timeout: MOVE_TIMEOUT_MS });
    await page.keyboard.press(key);
    return page.evaluate(() => window.__bench.move());
  })();
  const late = sleep(MOVE_TIMEOUT_MS * 2).then(() => null);
  return Promise.race([move.catch(() => null), late]);
}

/** One measured stream of updates: latencies, frames, long tasks, main-thread time, and map moves. */
export async function measureStream(options: PhaseOptions): Promise<StreamFigures> {
  const { page, cdp, fleet, plan, windowMs } = options;
  const collector = new Collector(page);
  await page.evaluate(() => {
    window.__bench.scanning = true;
  });
  await collector.take();
  collector.reset();
  const before = await metrics(cdp);
  const startPage = await page.evaluate(() => performance.now());
  const started = performance.now();
  const sending = publishOnSchedule(fleet, plan);
  const moves = (async () => {
    const pan = options.pan ? await keyOnMap(page, options.pan.atMs, options.pan.key, started) : undefined;
    const zoom = options.zoom ? await keyOnMap(page, options.zoom.atMs, options.zoom.key, started) : undefined;
    return { pan, zoom };
  })();
  const windowEnd = sleep(windowMs);
  const [published, { pan, zoom }] = await whileCollecting(collector, Promise.all([sending, moves, windowEnd]));
  const wallMs = performance.now() - started;
  const after = await metrics(cdp);
  const frames = spread(frameIntervalsIn(collector.frames, startPage, startPage + windowMs));
  const longTasks = longTasksIn(collector.longTasks, startPage, startPage + windowMs);
  const scanMs = collector.scanMs;
  await drain(collector, published, options.drainMs);
  const list = matchLatencies(published, collector.observed(0));
  const marker = matchLatencies(published, collector.observed(1));
  await page.evaluate(() => {
    window.__bench.scanning = false;
  });
  return {
    updates: published.length,
    updatesPerSecond: Math.round((published.length / Math.max(1, plan.at(-1)?.atMs ?? 0)) * 1000 * 10) / 10,
    listLatency: { ...spread(list.latenciesMs), missing: list.missing },
    markerLatency: { ...spread(marker.latenciesMs), missing: marker.missing },
    frames,
    longTasks,
    mainThread: mainThreadBetween(before, after, wallMs),
    probeScanMs: Math.round(scanMs),
    ...(pan !== undefined ? { pan } : {}),
    ...(zoom !== undefined ? { zoom } : {}),
  };
}

/** A CPU profile of the page while `plan` streams (probe off): where the main thread's script time goes. */
export async function profileStream(
  cdp: CDPSession,
  fleet: SimulatedFleet,
  plan: { atMs: number; unit: number }[],
): Promise<FunctionCost[]> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await publishOnSchedule(fleet, plan);
  await sleep(1000);
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Profiler.disable');
  return costsByFunction(profile);
}

export { evenPlan };
