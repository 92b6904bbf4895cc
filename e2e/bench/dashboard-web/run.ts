import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineFacts } from '@triporteur/firmware-bridge';
import { launchChromium } from '../../support/browser.js';
import { addCoordinator, makeUnits, startTestDashboard, until } from '../../support/fleet.js';
import { repoRoot } from '../portal/paths.js';
import { measureFirstLoad } from './first-load.js';
import { SimulatedFleet } from './fleet-sim.js';
import { installProbe } from './page-probe.js';
import { evenPlan, measureStream, profileStream, type StreamFigures } from './phases.js';
import { atMost, BUDGETS, formatValue, type Row, type Target, table } from './report.js';

/**
 * `npm run bench`: the fleet view in Debian's Chromium against the real dashboard (embedded aedes,
 * SQLite) fed by simulated units over MQTT (issue 7, item 7). First-load bytes with an empty cache,
 * then 500 units streaming (one update per unit every 10 s, then all 500 within a second): publish →
 * on-screen latency, frame intervals, long tasks, a pan and a zoom by keyboard. Prints a table and
 * writes bench/results/dashboard-web.json; exits non-zero when a target is missed (after writing).
 */

export interface WebBenchArgs {
  units: number;
  streamSeconds: number;
  out: string | undefined;
}

export function parseWebBenchArgs(argv: readonly string[], root: string): WebBenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      units: { type: 'string', default: '500' },
      'stream-seconds': { type: 'string', default: '20' },
      out: { type: 'string', default: join(root, 'bench', 'results', 'dashboard-web.json') },
      'no-out': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const count = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return n;
  };
  return {
    units: count('units', values.units, 2, 2000),
    streamSeconds: count('stream-seconds', values['stream-seconds'], 5, 300),
    out: values['no-out'] ? undefined : resolve(values.out),
  };
}

/** Every unit every 10 s: the edge's report rate while riding. */
const UPDATE_PERIOD_MS = 10_000;
/** The burst: every unit once within this long. */
const BURST_MS = 1000;
const BURST_WINDOW_MS = 10_000;

export function targetsOf(
  firstLoadBytes: number,
  stream: StreamFigures,
  burst: StreamFigures,
  units: number,
): Target[] {
  const rate = Math.round(units / (UPDATE_PERIOD_MS / 1000));
  return [
    atMost(
      'first-load-bytes',
      'fleet view first load, bytes on the wire',
      firstLoadBytes,
      BUDGETS.firstLoadBytes,
      'bytes',
    ),
    atMost(
      'stream-latency-p95',
      `update latency p95, ${rate} updates/s (list row)`,
      Math.max(stream.listLatency.p95Ms, stream.listLatency.missing > 0 ? Number.POSITIVE_INFINITY : 0),
      BUDGETS.updateLatencyP95Ms,
      'ms',
    ),
    atMost(
      'stream-frame-p95',
      `frame interval p95, ${rate} updates/s`,
      stream.frames.p95Ms,
      BUDGETS.frameIntervalP95Ms,
      'ms',
    ),
    atMost(
      'stream-longest-task',
      `longest task, ${rate} updates/s`,
      stream.longTasks.longestMs,
      BUDGETS.longestTaskMs,
      'ms',
    ),
    atMost(
      'burst-latency-p95',
      `update latency p95, ${units} updates within 1 s (list row)`,
      Math.max(burst.listLatency.p95Ms, burst.listLatency.missing > 0 ? Number.POSITIVE_INFINITY : 0),
      BUDGETS.updateLatencyP95Ms,
      'ms',
    ),
    atMost('burst-frame-p95', 'frame interval p95, burst', burst.frames.p95Ms, BUDGETS.frameIntervalP95Ms, 'ms'),
    atMost('burst-longest-task', 'longest task, burst', burst.longTasks.longestMs, BUDGETS.longestTaskMs, 'ms'),
  ];
}

const ms = (value: number | null | undefined) => (value == null ? '—' : formatValue(value, 'ms'));
const spreadText = (s: { p50Ms: number; p95Ms: number; maxMs: number; samples: number }) =>
  `p50 ${ms(s.p50Ms)}, p95 ${ms(s.p95Ms)}, max ${ms(s.maxMs)} (${s.samples})`;

function rowsOf(
  load: Awaited<ReturnType<typeof measureFirstLoad>>,
  stream: StreamFigures,
  burst: StreamFigures,
  found: Target[],
): Row[] {
  const target = (key: string) => found.find((t) => t.key === key);
  const withTarget = (name: string, value: string, key: string): Row => {
    const t = target(key);
    return t ? { name, value, target: t } : { name, value };
  };
  const phase = (label: string, figures: StreamFigures, keys: { latency: string; frame: string; task: string }) => [
    withTarget(
      `${label}: update latency, list row`,
      `${spreadText(figures.listLatency)}, ${figures.listLatency.missing} never shown`,
      keys.latency,
    ),
    {
      name: `${label}: update latency, map marker`,
      value: `${spreadText(figures.markerLatency)}, ${figures.markerLatency.missing} never shown`,
    },
    withTarget(`${label}: frame interval`, spreadText(figures.frames), keys.frame),
    withTarget(
      `${label}: long tasks > 50 ms`,
      `${figures.longTasks.count}, longest ${ms(figures.longTasks.longestMs)}, total ${ms(figures.longTasks.totalMs)}`,
      keys.task,
    ),
    {
      name: `${label}: main thread busy`,
      value: `${Math.round(figures.mainThread.busy * 100)} % (script ${ms(figures.mainThread.scriptMs)}, style ${ms(figures.mainThread.styleMs)}, layout ${ms(figures.mainThread.layoutMs)}; probe ${ms(figures.probeScanMs)})`,
    },
  ];
  const move = (label: string, m: StreamFigures['pan']): Row => ({
    name: label,
    value: m
      ? `moves after ${ms(m.toFirstChangeMs)}, settled after ${ms(m.toSettledMs)} (input waited ${ms(m.inputDelayMs)})`
      : 'no move seen within 40 s',
  });
  return [
    withTarget(
      'first load, bytes on the wire (cache empty)',
      formatValue(load.totalWireBytes, 'bytes'),
      'first-load-bytes',
    ),
    {
      name: 'first load: page files / API',
      value: `${formatValue(load.staticWireBytes, 'bytes')} / ${formatValue(load.apiWireBytes, 'bytes')} (${load.requests} requests)`,
    },
    { name: 'first load: DOMContentLoaded', value: ms(load.domContentLoadedMs) },
    { name: 'first load: first row / first marker', value: `${ms(load.firstRowMs)} / ${ms(load.firstMarkerMs)}` },
    { name: 'first load: all markers drawn', value: ms(load.allMarkersMs) },
    ...phase('stream', stream, {
      latency: 'stream-latency-p95',
      frame: 'stream-frame-p95',
      task: 'stream-longest-task',
    }),
    move('stream: pan by arrow key', stream.pan),
    move('stream: zoom in by + key', stream.zoom),
    ...phase('burst', burst, { latency: 'burst-latency-p95', frame: 'burst-frame-p95', task: 'burst-longest-task' }),
  ];
}

async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  const loadAtStart = loadavg();
  const args = parseWebBenchArgs(argv, repoRoot());
  const say = (line: string) => process.stderr.write(`dashboard-web bench: ${line}\n`);
  const width = String(args.units).length;
  const credentials = makeUnits(
    Array.from({ length: args.units }, (_, i) => `tri-${String(i + 1).padStart(Math.max(3, width), '0')}`),
  );
  say(`starting the dashboard with ${args.units} units (hashing their secrets)…`);
  const dashboard = await startTestDashboard(credentials);
  let fleet: SimulatedFleet | undefined;
  const browser = await launchChromium();
  try {
    fleet = await SimulatedFleet.connect(dashboard.mqttUrl, credentials);
    await fleet.publishFirstRecords();
    await until(
      async () => {
        const states = await Promise.all(credentials.map((u) => dashboard.store.getUnitState(u.id)));
        return states.every((s) => s?.state.position !== undefined);
      },
      'every position stored',
      180_000,
    );
    say(`${fleet.size} units connected and placed`);

    const account = await addCoordinator(dashboard);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(installProbe, args.units);
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    // The login as a coordinator would: the real form, the real API; the session cookie stays in the context.
    await page.goto(`${dashboard.httpUrl}/`);
    await page.getByLabel('Identifiant').fill(account.username);
    await page.getByLabel('Mot de passe').fill(account.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${dashboard.httpUrl}/`);
    await page.goto('about:blank');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    say('first load of the fleet view, cache empty…');
    const load = await measureFirstLoad(page, cdp, `${dashboard.httpUrl}/`, 300_000);
    await cdp.send('Network.disable');
    say(`first load: ${load.totalWireBytes} bytes, all markers after ${load.allMarkersMs} ms`);

    const streamMs = args.streamSeconds * 1000;
    say(`stream: every unit every ${UPDATE_PERIOD_MS / 1000} s for ${args.streamSeconds} s…`);
    const stream = await measureStream({
      page,
      cdp,
      fleet,
      plan: evenPlan(args.units, UPDATE_PERIOD_MS, streamMs),
      windowMs: streamMs,
      drainMs: 30_000,
      pan: { atMs: streamMs * 0.4, key: 'ArrowRight' },
      zoom: { atMs: streamMs * 0.65, key: 'NumpadAdd' },
    });
    say('profiling 6 s of the stream…');
    const costs = await profileStream(cdp, fleet, evenPlan(args.units, UPDATE_PERIOD_MS, 6000));
    // A fresh page for the burst: one still working through the stream's backlog would measure that.
    say('reloading the fleet view for the burst…');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await until(
      async () => (await page.evaluate(() => window.__bench.marks())).allMarkersMs !== null,
      'every marker after the reload',
      300_000,
    );
    await new Promise((r) => setTimeout(r, 5000));
    say(`burst: ${args.units} updates within ${BURST_MS} ms…`);
    const burst = await measureStream({
      page,
      cdp,
      fleet,
      plan: evenPlan(args.units, BURST_MS, BURST_MS),
      windowMs: BURST_WINDOW_MS,
      drainMs: 30_000,
    });
    const chromiumVersion = browser.version();
    const found = targetsOf(load.totalWireBytes, stream, burst, args.units);
    const out = process.stdout;
    out.write(`\n${table(rowsOf(load, stream, burst, found))}\n\n`);
    out.write('first load by resource (bytes on the wire, requests, encoding):\n');
    for (const group of load.byResource) {
      out.write(
        `  ${group.what}: ${group.wireBytes.toLocaleString('en')} B, ${group.requests}×, ${group.encodings.join('/')}\n`,
      );
    }
    const pageCosts = costs.filter((c) => /\/(app|js\/[^/]+)\.js:/.test(c.where)).slice(0, 12);
    out.write('\nstream, 6 s profiled: the page functions with the most time on the stack (inclusive / self, ms):\n');
    for (const c of pageCosts) out.write(`  ${c.inclusiveMs} / ${c.selfMs}  ${c.where}\n`);
    out.write('top self time, any code:\n');
    for (const c of [...costs].sort((a, b) => b.selfMs - a.selfMs).slice(0, 10))
      out.write(`  ${c.selfMs}  ${c.where}\n`);
    if (failures.length > 0) out.write(`page errors: ${failures.join('; ')}\n`);
    const wallMs = performance.now() - started;
    out.write(`dashboard-web bench: ${(wallMs / 1000).toFixed(0)} s\n`);

    if (args.out) {
      const report = {
        bench: 'dashboard-web',
        date: new Date().toISOString(),
        node: process.versions.node,
        chromium: chromiumVersion,
        machine: {
          ...machineFacts(),
          loadAverageAtStart: { '1min': loadAtStart[0], '5min': loadAtStart[1], '15min': loadAtStart[2] },
        },
        method: {
          dashboard: 'startDashboard in this process: embedded aedes, SQLite file, per-unit MQTT accounts',
          units: `${args.units} mqtt.js clients in this process, payload-v2 batches of one record, QoS 1; positions within ~5 km of 48.8566, 2.3522`,
          browser: 'Debian Chromium, headless, 1440×900, logged in as a coordinator through the login form',
          firstLoad:
            'cache cleared (CDP Network.clearBrowserCache); bytes = Network.loadingFinished encodedDataLength (headers + compressed body) per request, the live stream counted by its chunks, until all markers were drawn and no request was open for 1 s',
          latency:
            'publish (just before the mqtt.js publish call) → first animation frame whose DOM shows the new SOC, read by a requestAnimationFrame probe over every list row and marker; same machine clock',
          frames:
            'requestAnimationFrame intervals over the window; long tasks from PerformanceObserver("longtask"); main-thread time from Performance.getMetrics',
          moves:
            'ArrowRight then NumpadAdd on the focused map while the stream runs: key event time → first frame the map moved, and → last frame it moved (5 still frames after)',
          budgetKiB: 'first-load budget read as 300 × 1024 bytes',
        },
        options: {
          units: args.units,
          streamSeconds: args.streamSeconds,
          updatePeriodMs: UPDATE_PERIOD_MS,
          burstMs: BURST_MS,
        },
        budgets: BUDGETS,
        firstLoad: load,
        stream,
        burst,
        profile: {
          durationMs: 6000,
          pageFunctions: pageCosts,
          topSelf: [...costs].sort((a, b) => b.selfMs - a.selfMs).slice(0, 15),
        },
        targets: found,
        pageErrors: failures,
        wallMs: Math.round(wallMs),
      };
      await mkdir(dirname(args.out), { recursive: true });
      await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
      out.write(`written to ${args.out}\n`);
    }
    const missed = found.filter((t) => !t.pass);
    if (missed.length > 0) out.write(`FAIL: ${missed.map((t) => t.key).join(', ')}\n`);
    return missed.length > 0 || failures.length > 0 ? 1 : 0;
  } finally {
    await browser.close();
    await fleet?.close();
    await dashboard.close();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `dashboard-web bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
