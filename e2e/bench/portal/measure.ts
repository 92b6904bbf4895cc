import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Client,
  createHarness,
  type Harness,
  namespaceCpuMs,
  PROBE_USER_AGENTS,
  probeSteps,
  runProbes,
  type Summary,
  summarize,
  timeToOnline,
} from '../../support/netns/index.js';
import { busyBetween, readCpuTicks } from './cpu-stat.js';
import type { FloodConfig, FloodReport } from './flood-client.js';
import type { Pinning } from './pinning.js';
import { type AcceptTrace, delay, type PortalUnderTest, type StartedPortal } from './portal.js';
import { SHEET_REQUEST_LIMIT_MS, Sheet } from './sheet.js';

export interface FloodOptions {
  clients: number;
  /** Requests in flight per client, each on a new connection as phones' probes are. */
  concurrency: number;
  durationMs: number;
}

export interface MeasureOptions {
  /** One phone at a time, each a fresh client: the "one client" figures. */
  singleRuns: number;
  /** Phones arriving together. */
  concurrentClients: number;
  /** Captive probe throughput; left out for the floor, which has no portal to flood. */
  flood?: FloodOptions;
  /** How long a phone may take to get online before the run fails. */
  onlineTimeoutMs: number;
}

export interface OnlineRun {
  clients: number;
  /** DHCP start to the end of the first probe run that said online, ms. */
  online: Summary;
  dhcp: Summary;
  /** DHCPNAKs on the way (busy udhcpc then waits 3 s): the usual cause of a slow outlier. */
  naks: number;
  /** Taps on the login button, all clients together (more than one each when a tap was refused). */
  taps: number;
  /** Where the time went, medians over the clients, ms (they need not add up to the online median). */
  steps: {
    dhcp: number;
    captiveProbe: number;
    sheet: number;
    taps: number;
    tapServer: number;
    untilOnline: number;
  } | null;
  /** How busy each CPU was during the run (every process on it), 0..1; null when not pinned. */
  cpuBusy: { bench: number; portal: number } | null;
  /** CPU time of every process in the AP namespace during the run, ms (10-ms ticks). */
  apCpuMs: number;
  apCpuPerClientMs: number;
}

export interface FloodFigures extends FloodOptions {
  /** The status every captive probe should get from this portal. */
  captiveStatus: number | null;
  /** Captive probes answered with the portal's redirect, per second, all clients together. */
  rps: number;
  answered: number;
  failed: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  elapsedMs: number;
  /** Slowest client's median and p95 latency, ms. */
  p50Ms: number | null;
  p95Ms: number | null;
  apCpuMs: number;
  /** AP-side CPU time over the flood's wall time: 1 means one core fully busy. */
  apCpuBusy: number;
  /** Answered probes per second of AP-side CPU time: the throughput of one fully busy core. */
  rpsPerApCpuSecond: number;
  /**
   * How busy the bench's own CPU was (the clients sending the flood; every process on it counts):
   * near 1, the clients were the limit, not the portal. Null when the run was not pinned.
   */
  benchCpuBusy: number | null;
}

export interface PortalFigures {
  version: string;
  single: {
    runs: OnlineRun[];
    online: Summary;
    apCpuPerClientMs: Summary;
  };
  concurrent: OnlineRun;
  flood?: FloodFigures;
  /** AP-side CPU while idle before the runs, ms per second. */
  idleApCpuMsPerS: number;
  wallMs: number;
}

const IDLE_WINDOW_MS = 2_000;

function sheetOf(sheets: ReadonlyMap<string, Sheet>, client: Client): Sheet {
  const sheet = sheets.get(client.name);
  if (sheet === undefined) throw new Error(`${client.name} has no login sheet`);
  return sheet;
}
/** The probe phones send most: Android's plain-HTTP one. */
const ANDROID_PROBE = probeSteps('android')[0]?.request.url ?? 'http://connectivitycheck.gstatic.com/generate_204';

async function onlineRun(
  harness: Harness,
  portal: StartedPortal,
  sheets: ReadonlyMap<string, Sheet>,
  clients: readonly Client[],
  timeoutMs: number,
  pinning: Pinning | undefined,
): Promise<OnlineRun> {
  const traces = new Map<string, AcceptTrace>();
  const accept = portal.accept;
  const [before, ticksBefore] = await Promise.all([namespaceCpuMs(harness.ap.name), readCpuTicks()]);
  const result = await timeToOnline(clients, {
    os: 'android',
    timeoutMs,
    fetchFor: (client) => sheetOf(sheets, client).probe,
    ...(accept
      ? {
          accept: async (client: Client) => {
            traces.set(client.name, await accept(sheetOf(sheets, client)));
          },
        }
      : {}),
  });
  const [after, ticksAfter] = await Promise.all([namespaceCpuMs(harness.ap.name), readCpuTicks()]);
  const apCpuMs = after - before;
  const median = (values: number[]) => summarize(values).median;
  const stepsOf = result.perClient.flatMap((entry) => {
    const trace = traces.get(entry.client);
    return trace ? [{ entry, trace }] : [];
  });
  return {
    clients: clients.length,
    online: result.online,
    dhcp: result.dhcp,
    naks: result.perClient.reduce((sum, entry) => sum + entry.naks, 0),
    taps: [...traces.values()].reduce((sum, trace) => sum + trace.taps, 0),
    steps:
      stepsOf.length === 0
        ? null
        : {
            dhcp: result.dhcp.median,
            captiveProbe: median(stepsOf.map(({ trace }) => trace.probeMs)),
            sheet: median(stepsOf.map(({ trace }) => trace.sheetMs)),
            taps: median(stepsOf.map(({ trace }) => trace.tapMs)),
            tapServer: median(stepsOf.map(({ trace }) => trace.tapServerMs)),
            untilOnline: median(
              stepsOf.map(
                ({ entry, trace }) => entry.onlineMs - entry.dhcpMs - trace.probeMs - trace.sheetMs - trace.tapMs,
              ),
            ),
          },
    cpuBusy: pinning
      ? {
          bench: busyBetween(ticksBefore, ticksAfter, pinning.benchCpu),
          portal: busyBetween(ticksBefore, ticksAfter, pinning.portalCpu),
        }
      : null,
    apCpuMs,
    apCpuPerClientMs: apCpuMs / clients.length,
  };
}

const FLOOD_CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'flood-client.js');

/** Floods the Android probe from every client at once (flood-client.ts in each client namespace). */
async function floodFrom(clients: readonly Client[], options: FloodOptions): Promise<FloodReport[]> {
  const config: FloodConfig = {
    url: ANDROID_PROBE,
    userAgent: PROBE_USER_AGENTS.android,
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    timeoutMs: 10_000,
  };
  return Promise.all(
    clients.map(async (client) => {
      const run = await client.exec(process.execPath, [FLOOD_CLIENT, JSON.stringify(config)], {
        timeoutMs: options.durationMs + 30_000,
      });
      return JSON.parse(run.stdout) as FloodReport;
    }),
  );
}

async function flood(
  harness: Harness,
  portal: StartedPortal,
  clients: readonly Client[],
  options: FloodOptions,
  pinning: Pinning | undefined,
): Promise<FloodFigures> {
  await Promise.all(clients.map((client) => client.dhcp()));
  // One probe each first: openNDS adds a client to its list (running its DHCP check) on its first request.
  await Promise.all(clients.map((client) => runProbes(client, 'android', { maxTimeMs: SHEET_REQUEST_LIMIT_MS })));
  const [before, ticksBefore] = await Promise.all([namespaceCpuMs(harness.ap.name), readCpuTicks()]);
  const reports = await floodFrom(clients, options);
  const [after, ticksAfter] = await Promise.all([namespaceCpuMs(harness.ap.name), readCpuTicks()]);
  const apCpuMs = after - before;
  const elapsedMs = Math.max(...reports.map((report) => report.elapsedMs));
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const report of reports) {
    for (const [status, count] of Object.entries(report.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
    for (const [code, count] of Object.entries(report.errors)) errors[code] = (errors[code] ?? 0) + count;
  }
  const answered = reports.reduce((sum, report) => sum + report.answered, 0);
  // Only the portal's own redirect counts as an intercepted probe; anything else is reported as a doubt.
  const intercepted = portal.captiveStatus === undefined ? answered : (statuses[portal.captiveStatus] ?? 0);
  const slowest = (pick: (report: FloodReport) => number | null) =>
    reports.reduce<number | null>((worst, report) => Math.max(worst ?? 0, pick(report) ?? 0), null);
  return {
    ...options,
    captiveStatus: portal.captiveStatus ?? null,
    rps: (intercepted * 1000) / elapsedMs,
    answered,
    failed: reports.reduce((sum, report) => sum + report.failed, 0),
    statuses,
    errors,
    elapsedMs,
    p50Ms: slowest((report) => report.p50Ms),
    p95Ms: slowest((report) => report.p95Ms),
    apCpuMs,
    apCpuBusy: apCpuMs / elapsedMs,
    rpsPerApCpuSecond: apCpuMs > 0 ? intercepted / (apCpuMs / 1000) : Number.POSITIVE_INFINITY,
    benchCpuBusy: pinning ? busyBetween(ticksBefore, ticksAfter, pinning.benchCpu) : null,
  };
}

/**
 * Measures one portal in a harness of its own, which is closed whatever happens: idle CPU, one phone
 * at a time, phones arriving together, then the captive flood (last, so it disturbs nothing else).
 * Every client is IPv4-only, as openNDS is: an IPv6 path would bypass it and say nothing of either.
 */
export async function measurePortal(
  portal: PortalUnderTest,
  pinning: Pinning | undefined,
  options: MeasureOptions,
  report: (line: string) => void = () => undefined,
): Promise<PortalFigures> {
  const started = performance.now();
  const harness = await createHarness();
  try {
    // Every phone exists (without an address) before the portal starts: a bridge with no port up has no
    // carrier, and openNDS gives up on a gateway interface that is not up, as it would on a Pi whose radio is.
    const singles = await harness.addClients(options.singleRuns, { ipv6: false });
    const together = await harness.addClients(options.concurrentClients, { ipv6: false });
    const flooders = options.flood ? await harness.addClients(options.flood.clients, { ipv6: false }) : [];
    const running = await portal.start(harness, pinning);
    // Each phone's probes and login sheet are running before it joins, as a phone's OS and WebView are;
    // the floor's phones too, so every portal's figures carry the same client-side costs.
    const opened = await Promise.all([...singles, ...together].map((client) => Sheet.open(client)));
    const sheets = new Map(opened.map((sheet) => [sheet.client.name, sheet]));
    const idleBefore = await namespaceCpuMs(harness.ap.name);
    await delay(IDLE_WINDOW_MS);
    const idleApCpuMsPerS = ((await namespaceCpuMs(harness.ap.name)) - idleBefore) / (IDLE_WINDOW_MS / 1000);

    const runs: OnlineRun[] = [];
    for (const client of singles) {
      runs.push(await onlineRun(harness, running, sheets, [client], options.onlineTimeoutMs, pinning));
      report(`${portal.key}: one phone online in ${runs.at(-1)?.online.median.toFixed(0)} ms`);
      await delay(300);
    }
    await delay(500);
    const concurrent = await onlineRun(harness, running, sheets, together, options.onlineTimeoutMs, pinning);
    report(
      `${portal.key}: ${together.length} phones together, median ${concurrent.online.median.toFixed(0)} ms, ` +
        `p95 ${concurrent.online.p95.toFixed(0)} ms`,
    );
    const figures: PortalFigures = {
      version: running.version,
      single: {
        runs,
        online: summarize(runs.map((run) => run.online.median)),
        apCpuPerClientMs: summarize(runs.map((run) => run.apCpuMs)),
      },
      concurrent,
      idleApCpuMsPerS,
      wallMs: 0,
    };
    if (options.flood && running.accept) {
      figures.flood = await flood(harness, running, flooders, options.flood, pinning);
      report(`${portal.key}: ${figures.flood.rps.toFixed(0)} captive probes/s`);
    }
    figures.wallMs = performance.now() - started;
    return figures;
  } finally {
    await harness.close();
  }
}
