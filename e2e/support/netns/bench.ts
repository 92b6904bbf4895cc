import type { Client } from './client.js';
import { HarnessError } from './errors.js';
import { PROBE_USER_AGENTS, type ProbeFetcher, type ProbeOs, type WaitOptions, waitForVerdict } from './probes.js';

const FLOOD_SCRIPT = new URL('./probe-flood.mjs', import.meta.url).pathname;

export interface Summary {
  count: number;
  min: number;
  median: number;
  p95: number;
  max: number;
}

/** Nearest-rank quantiles, the same as the bench figures in REFERENCE §2. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new HarnessError('E2E_NETNS_BAD_OPTION', 'summarize needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
  return { count: sorted.length, min: sorted[0] as number, median: rank(0.5), p95: rank(0.95), max: rank(1) };
}

export interface TimeToOnlineOptions extends WaitOptions {
  os?: ProbeOs;
  /**
   * What happens between the lease and the first successful probe: with a portal, the first
   * (captive) probe and the tap on "Se connecter". Nothing in the baseline.
   */
  accept?: (client: Client) => Promise<void>;
  /** Each client's way of sending probes (overrides `fetch`); default the harness's curl. */
  fetchFor?: (client: Client) => ProbeFetcher;
}

export interface TimeToOnline {
  client: string;
  /** From the start of udhcpc to the address being configured. */
  dhcpMs: number;
  /** From the start of udhcpc to the end of the first probe run that said "online". */
  onlineMs: number;
  attempts: number;
  /** DHCPNAKs on the way (see DhcpResult.naks): the usual cause of a slow outlier. */
  naks: number;
}

/** Starts DHCP on every client at once and times each one until its probes say "online". */
export async function timeToOnline(clients: readonly Client[], options: TimeToOnlineOptions = {}) {
  const perClient = await Promise.all(
    clients.map(async (client): Promise<TimeToOnline> => {
      const started = performance.now();
      const { ms: dhcpMs, naks } = await client.dhcp();
      if (options.accept) await options.accept(client);
      const fetch = options.fetchFor?.(client) ?? options.fetch;
      const run = await waitForVerdict(client, options.os ?? 'android', 'online', {
        ...options,
        ...(fetch ? { fetch } : {}),
      });
      const onlineMs = run.startedAt + run.wallMs - started;
      return { client: client.name, dhcpMs, onlineMs, attempts: run.attempts, naks };
    }),
  );
  return {
    perClient,
    dhcp: summarize(perClient.map((entry) => entry.dhcpMs)),
    online: summarize(perClient.map((entry) => entry.onlineMs)),
  };
}

export interface ThroughputOptions {
  /** Default the Android probe, the most frequent one. */
  url?: string;
  /** Requests in flight per client. Default 16. */
  concurrency?: number;
  durationMs?: number;
  /** Reuse connections; phones' probes mostly do not. Default false. */
  keepAlive?: boolean;
  timeoutMs?: number;
  userAgent?: string;
}

export interface FloodReport {
  answered: number;
  failed: number;
  elapsedMs: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface Throughput {
  /** Answered requests per second, all clients together. */
  rps: number;
  answered: number;
  failed: number;
  statuses: Record<string, number>;
  perClient: FloodReport[];
}

/** Floods probe requests from each client at once (a small Node client inside each namespace). */
export async function probeThroughput(
  clients: readonly Client[],
  options: ThroughputOptions = {},
): Promise<Throughput> {
  const config = {
    url: options.url ?? 'http://connectivitycheck.gstatic.com/generate_204',
    concurrency: options.concurrency ?? 16,
    durationMs: options.durationMs ?? 2_000,
    keepAlive: options.keepAlive ?? false,
    timeoutMs: options.timeoutMs ?? 2_000,
    userAgent: options.userAgent ?? PROBE_USER_AGENTS.android,
  };
  const perClient = await Promise.all(
    clients.map(async (client) => {
      const run = await client.exec(process.execPath, [FLOOD_SCRIPT, JSON.stringify(config)], {
        timeoutMs: config.durationMs + config.timeoutMs + 10_000,
      });
      try {
        return JSON.parse(run.stdout) as FloodReport;
      } catch (error) {
        throw new HarnessError('E2E_NETNS_BAD_OUTPUT', `${client.name} flood: ${run.stdout}`, { cause: error });
      }
    }),
  );
  const statuses: Record<string, number> = {};
  for (const report of perClient) {
    for (const [status, count] of Object.entries(report.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  }
  const answered = perClient.reduce((sum, report) => sum + report.answered, 0);
  const failed = perClient.reduce((sum, report) => sum + report.failed, 0);
  const slowest = Math.max(...perClient.map((report) => report.elapsedMs));
  return { rps: (answered * 1000) / slowest, answered, failed, statuses, perClient };
}
