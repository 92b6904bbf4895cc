import type { IngestStats } from '../../src/ingest/ingest.js';
import type { LatencySummary } from './percentiles.js';

/**
 * The figures of one bench run, their targets and the checks that make them believable, as pure
 * functions of the measurements (tested in dashboard/test/ingest-bench.test.ts).
 */

export interface Throughput {
  messages: number;
  records: number;
  /** First publish → last message delivered (relay) or stored (ingest), ms. */
  elapsedMs: number;
  /** First → last publish call of the publishers, ms: when close to elapsedMs, the publishers set the pace. */
  publishMs: number;
  failedPublishes: number;
}

export interface IngestFigures extends Throughput {
  engine: 'sqlite' | 'postgres';
  storedRecords: number;
  unitsWithAll: number;
  unitsExpected: number;
  stats: IngestStats;
}

export interface LatencyFigures {
  units: number;
  periodMs: number;
  measureMs: number;
  summary: LatencySummary;
  publishedMeasured: number;
  missing: number;
  unmatchedEvents: number;
  failedPublishes: number;
  maxScheduleLagMs: number;
}

export interface BenchFigures {
  relayRuns: Throughput[];
  ingest: IngestFigures[];
  latency: LatencyFigures;
}

export interface Target {
  name: string;
  limit: number;
  value: number;
  pass: boolean;
}

export const TARGETS = {
  sqliteShareOfRelay: 0.5,
  p99Ms: 250,
} as const;

export const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms) : 0);

/** The fastest relay run: the ceiling the broker and publishers reached. */
export function bestRelay(runs: readonly Throughput[]): Throughput | undefined {
  return [...runs].sort((a, b) => perSecond(b.records, b.elapsedMs) - perSecond(a.records, a.elapsedMs))[0];
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

export function targets(figures: BenchFigures): Target[] {
  const relay = bestRelay(figures.relayRuns);
  const sqlite = figures.ingest.find((run) => run.engine === 'sqlite');
  const share =
    relay && sqlite
      ? round3(perSecond(sqlite.records, sqlite.elapsedMs) / perSecond(relay.records, relay.elapsedMs))
      : 0;
  const { units, periodMs } = figures.latency;
  const p99 = figures.latency.summary.p99Ms;
  return [
    {
      name: `ingest into SQLite ≥ ${TARGETS.sqliteShareOfRelay} × the broker's relay rate (records/s)`,
      limit: TARGETS.sqliteShareOfRelay,
      value: share,
      pass: share >= TARGETS.sqliteShareOfRelay,
    },
    {
      name: `p99 publish → /api/live ≤ ${TARGETS.p99Ms} ms at ${units.toLocaleString('en')} units every ${periodMs / 1000} s`,
      limit: TARGETS.p99Ms,
      value: p99,
      pass: Number.isFinite(p99) && p99 <= TARGETS.p99Ms,
    },
  ];
}

const dropped = (stats: IngestStats) => Object.values(stats.dropped).reduce((n, v) => n + v, 0);

/** Every count that must add up; any entry fails the bench. Targets are checked apart (targets()). */
export function problems(figures: BenchFigures): string[] {
  const out: string[] = [];
  if (figures.relayRuns.length === 0) out.push('relay: no run');
  figures.relayRuns.forEach((run, i) => {
    if (run.failedPublishes > 0) out.push(`relay run ${i + 1}: ${run.failedPublishes} publishes failed`);
  });
  for (const engine of ['sqlite', 'postgres'] as const) {
    const run = figures.ingest.find((r) => r.engine === engine);
    if (!run) {
      out.push(`${engine}: no ingest run`);
      continue;
    }
    if (run.failedPublishes > 0) out.push(`${engine}: ${run.failedPublishes} publishes failed`);
    if (run.storedRecords !== run.records) {
      out.push(`${engine}: the database holds ${run.storedRecords} records, ${run.records} were published`);
    }
    if (run.unitsWithAll !== run.unitsExpected) {
      out.push(`${engine}: ${run.unitsExpected - run.unitsWithAll} units do not hold exactly their own records`);
    }
    if (run.stats.recordsInserted !== run.records) {
      out.push(
        `${engine}: ingest counted ${run.stats.recordsInserted} records inserted, ${run.records} were published`,
      );
    }
    if (run.stats.recordsDuplicate > 0) out.push(`${engine}: ${run.stats.recordsDuplicate} duplicate records`);
    if (dropped(run.stats) > 0) out.push(`${engine}: ${dropped(run.stats)} messages dropped by ingest`);
  }
  const latency = figures.latency;
  if (latency.summary.samples === 0) out.push('latency: no samples');
  if (latency.missing > 0) out.push(`latency: ${latency.missing} records never showed on /api/live`);
  if (latency.summary.samples + latency.missing !== latency.publishedMeasured) {
    out.push(
      `latency: ${latency.summary.samples} samples + ${latency.missing} missing ≠ ${latency.publishedMeasured} published`,
    );
  }
  if (latency.unmatchedEvents > 0) out.push(`latency: ${latency.unmatchedEvents} live events matched no publish`);
  if (latency.failedPublishes > 0) out.push(`latency: ${latency.failedPublishes} publishes failed`);
  return out;
}

function layout(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const n = (value: number) => value.toLocaleString('en');
const seconds = (ms: number) => (ms / 1000).toFixed(2);

export const ENGINE_LABELS = {
  sqlite: 'dashboard ingest → SQLite (WAL)',
  postgres: 'dashboard ingest → PostgreSQL 15',
} as const;

export function throughputTable(figures: BenchFigures): string {
  const relay = bestRelay(figures.relayRuns);
  const relayRate = relay ? perSecond(relay.records, relay.elapsedMs) : 0;
  const row = (label: string, run: Throughput) => {
    const rate = perSecond(run.records, run.elapsedMs);
    return [
      label,
      n(run.messages),
      n(run.records),
      seconds(run.publishMs),
      seconds(run.elapsedMs),
      n(perSecond(run.messages, run.elapsedMs)),
      n(rate),
      relayRate > 0 ? (rate / relayRate).toFixed(3) : '-',
    ];
  };
  const rows: string[][] = [];
  if (relay)
    rows.push(row(`(baseline) Mosquitto relay → plain QoS 1 subscriber, best of ${figures.relayRuns.length}`, relay));
  for (const run of figures.ingest) rows.push(row(ENGINE_LABELS[run.engine], run));
  return layout(['', 'messages', 'records', 'published s', 'all in s', 'msgs/s', 'records/s', '÷ relay'], rows);
}

export function latencyTable(figures: BenchFigures): string {
  const l = figures.latency;
  const rate = (l.units * 1000) / l.periodMs;
  const label = `publish → /api/live, ${n(l.units)} units every ${l.periodMs / 1000} s (${n(rate)} msgs/s), SQLite`;
  const ms = (v: number) => v.toFixed(1);
  return layout(
    ['', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'mean ms'],
    [
      [
        label,
        n(l.summary.samples),
        ms(l.summary.p50Ms),
        ms(l.summary.p99Ms),
        ms(l.summary.maxMs),
        ms(l.summary.meanMs),
      ],
    ],
  );
}
