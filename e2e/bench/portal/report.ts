import { summarize } from '../../support/netns/index.js';
import type { FloodFigures, OnlineRun, PortalFigures } from './measure.js';

/** Issue 5 item 8's targets, each ours ÷ openNDS in the same run. */
export interface Target {
  key: 'single-online' | 'concurrent-p95' | 'throughput' | 'cpu-per-client';
  name: string;
  /** Ours over openNDS. */
  value: number;
  limit: number;
  /** `max`: the ratio must stay at or under the limit; `min`: at or over it. */
  kind: 'max' | 'min';
  pass: boolean;
}

/**
 * Probes per second on one core: measured with the AP side pinned to one CPU when it was, otherwise
 * normalised by the AP side's CPU time (what one fully busy core would answer).
 */
export function probesPerCore(flood: FloodFigures, pinned: boolean): number {
  return pinned ? flood.rps : flood.rpsPerApCpuSecond;
}

/** AP CPU per phone over every phone brought online in the run: one at a time and together. */
export function apCpuPerPhoneMs(figures: PortalFigures): number {
  const runs: OnlineRun[] = [...figures.single.runs, figures.concurrent];
  const cpu = runs.reduce((sum, run) => sum + run.apCpuMs, 0);
  const phones = runs.reduce((sum, run) => sum + run.clients, 0);
  return cpu / phones;
}

export function targets(ours: PortalFigures, openNds: PortalFigures, pinned: boolean): Target[] {
  const target = (key: Target['key'], name: string, value: number, limit: number, kind: Target['kind']): Target => ({
    key,
    name,
    value,
    limit,
    kind,
    pass: kind === 'max' ? value <= limit : value >= limit,
  });
  const n = ours.concurrent.clients;
  const list = [
    target(
      'single-online',
      'time to online, one phone (median)',
      ours.single.online.median / openNds.single.online.median,
      0.25,
      'max',
    ),
    target(
      'concurrent-p95',
      `time to online, p95 of ${n} phones together`,
      ours.concurrent.online.p95 / openNds.concurrent.online.p95,
      0.25,
      'max',
    ),
    target(
      'cpu-per-client',
      'AP CPU per phone brought online',
      apCpuPerPhoneMs(ours) / apCpuPerPhoneMs(openNds),
      0.1,
      'max',
    ),
  ];
  if (ours.flood && openNds.flood) {
    list.splice(
      2,
      0,
      target(
        'throughput',
        `captive probes per second on one core${pinned ? '' : ' (CPU-normalised)'}`,
        probesPerCore(ours.flood, pinned) / probesPerCore(openNds.flood, pinned),
        20,
        'min',
      ),
    );
  }
  return list;
}

/** Below this, the AP's CPU time is a handful of 10-ms ticks and a ratio of it says little. */
const MIN_CPU_MS = 50;
/** A core this busy in the flood is the limit. */
const SATURATED = 0.8;
/** The clients' core this busy means the clients, not the portal, set the pace. */
const CLIENTS_SATURATED = 0.9;

/** A reason to doubt the figures behind one target (or all of them). */
export interface Doubt {
  about: Target['key'] | 'all';
  text: string;
}

/**
 * Why the figures could mislead, if they could. A target missed on figures with a doubt about it is
 * reported as a failure but does not fail the bench; a missed target with none does.
 */
export function doubts(ours: PortalFigures, openNds: PortalFigures, pinned: boolean): Doubt[] {
  const found: Doubt[] = [];
  for (const [name, figures] of [
    ['ours', ours],
    ['openNDS', openNds],
  ] as const) {
    const flood = figures.flood;
    if (flood === undefined) {
      found.push({ about: 'throughput', text: `${name}: no flood figures` });
    } else {
      const sent = flood.answered + flood.failed;
      if (flood.failed > sent * 0.01) {
        found.push({ about: 'throughput', text: `${name}: ${flood.failed} of ${sent} flood requests failed` });
      }
      const others = Object.entries(flood.statuses).filter(([status]) => Number(status) !== flood.captiveStatus);
      if (others.length > 0) {
        const seen = JSON.stringify(Object.fromEntries(others));
        found.push({ about: 'throughput', text: `${name}: flood answers other than ${flood.captiveStatus}: ${seen}` });
      }
    }
    const cpu = [...figures.single.runs, figures.concurrent].reduce((sum, run) => sum + run.apCpuMs, 0);
    if (cpu < MIN_CPU_MS) {
      found.push({ about: 'cpu-per-client', text: `${name}: only ${cpu} ms of AP CPU over all phones (10-ms ticks)` });
    }
  }
  // openNDS's probes/s is its ceiling if its core was busy, or if the clients had room to send more.
  const nds = openNds.flood;
  if (pinned && nds && nds.apCpuBusy < SATURATED && (nds.benchCpuBusy ?? 0) >= CLIENTS_SATURATED) {
    found.push({
      about: 'throughput',
      text:
        `openNDS's core was ${(nds.apCpuBusy * 100).toFixed(0)} % busy in the flood while the clients' core was ` +
        `${((nds.benchCpuBusy ?? 0) * 100).toFixed(0)} % busy: its probes/s is not its ceiling`,
    });
  }
  // Ours' phones held back by the clients' own core: their times say more of the harness than of the portal.
  const together = ours.concurrent.cpuBusy;
  if (together && together.bench >= CLIENTS_SATURATED && together.portal < SATURATED) {
    found.push({
      about: 'concurrent-p95',
      text:
        `ours' ${ours.concurrent.clients} phones were paced by the clients' core (${(together.bench * 100).toFixed(0)} % busy, ` +
        `AP core ${(together.portal * 100).toFixed(0)} %): their times are upper bounds`,
    });
  }
  return found;
}

/** The targets missed with no doubt about them: these fail the bench. */
export function firmMisses(found: readonly Target[], doubted: readonly Doubt[]): Target[] {
  return found.filter(
    (target) => !target.pass && !doubted.some((doubt) => doubt.about === 'all' || doubt.about === target.key),
  );
}

/** Notes that qualify a figure without making it unsound. */
export function notes(columns: Columns, pinned: boolean): string[] {
  const { ours, openNds, floor } = columns;
  const found: string[] = [];
  const flood = ours.flood;
  if (pinned && flood && flood.apCpuBusy < SATURATED) {
    const clients =
      flood.benchCpuBusy === null ? '' : ` (the clients' core: ${(flood.benchCpuBusy * 100).toFixed(0)} %)`;
    found.push(
      `ours' core was ${(flood.apCpuBusy * 100).toFixed(0)} % busy in the flood${clients}: the clients were the limit, ` +
        `so its probes/s is a lower bound; one fully busy core would answer about ${flood.rpsPerApCpuSecond.toFixed(0)}`,
    );
  }
  if (floor) {
    // DHCP and one probe run: the part of every portal's time that no portal can shorten.
    const least = floor.single.online.median;
    found.push(
      `with no portal at all a phone is online here in about ${least.toFixed(0)} ms (DHCP and one probe run, ` +
        `which no portal can shorten): ${(least / openNds.single.online.median).toFixed(2)} × openNDS's time`,
    );
  }
  return found;
}

/** Where one phone's time went (medians over the one-at-a-time runs), per portal. */
export function stepsTable(columns: Columns): string {
  const portals = [
    ['no portal', columns.floor],
    ['ours', columns.ours],
    ['openNDS', columns.openNds],
  ] as const;
  const header = [
    'one phone, ms (median)',
    'DHCP',
    'captive probe',
    'open sheet',
    'tap(s)',
    'of which the portal',
    'tap → online probe done',
    'total',
  ];
  const rows = portals.flatMap(([name, figures]) => {
    if (figures === undefined) return [];
    const runs = figures.single.runs;
    const median = (pick: (run: OnlineRun) => number | undefined) => {
      const values = runs.map(pick).filter((value): value is number => value !== undefined);
      return values.length === 0 ? '—' : Math.round(summarize(values).median).toString();
    };
    return [
      [
        name,
        median((run) => run.dhcp.median),
        median((run) => run.steps?.captiveProbe),
        median((run) => run.steps?.sheet),
        median((run) => run.steps?.taps),
        median((run) => run.steps?.tapServer),
        median((run) => run.steps?.untilOnline),
        median((run) => run.online.median),
      ],
    ];
  });
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value).toLocaleString('en')} ms`);
const perS = (value: number | undefined) => (value === undefined ? '—' : Math.round(value).toLocaleString('en'));
const ratio = (value: number) => (value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(3));

export interface Columns {
  floor?: PortalFigures;
  ours: PortalFigures;
  openNds: PortalFigures;
}

/** The printed table: a row per figure, with ours ÷ openNDS and the target where there is one. */
export function table(columns: Columns, found: Target[], pinned: boolean): string {
  const { floor, ours, openNds } = columns;
  const n = ours.concurrent.clients;
  const runs = ours.single.runs.length;
  const byKey = new Map(found.map((target) => [target.key, target]));
  const rows: string[][] = [];
  const row = (
    label: string,
    pick: (figures: PortalFigures) => number | undefined,
    format: typeof ms,
    key?: Target['key'],
  ) => {
    const [o, x] = [pick(ours), pick(openNds)];
    const target = key === undefined ? undefined : byKey.get(key);
    rows.push([
      label,
      floor ? format(pick(floor)) : '—',
      format(o),
      format(x),
      o !== undefined && x !== undefined && x !== 0 ? ratio(o / x) : '—',
      target ? `${target.kind === 'max' ? '≤' : '≥'} ${target.limit}` : '',
      target ? (target.pass ? 'met' : 'FAIL') : '',
    ]);
  };
  row(`one phone online, median of ${runs}`, (f) => f.single.online.median, ms, 'single-online');
  row(`one phone online, p95 of ${runs}`, (f) => f.single.online.p95, ms);
  if (floor) {
    // Not a target: the part of one phone's time the portal adds to plain routing in this harness.
    row('one phone: time added to the no-portal floor', (f) => f.single.online.median - floor.single.online.median, ms);
  }
  row(`${n} phones together online, median`, (f) => f.concurrent.online.median, ms);
  row(`${n} phones together online, p95`, (f) => f.concurrent.online.p95, ms, 'concurrent-p95');
  row(`${n} phones together, DHCP median`, (f) => f.concurrent.dhcp.median, ms);
  row(
    `${n} phones together: clients' CPU busy, %`,
    (f) => (f.concurrent.cpuBusy ? f.concurrent.cpuBusy.bench * 100 : undefined),
    perS,
  );
  row(
    `${n} phones together: AP CPU busy, %`,
    (f) => (f.concurrent.cpuBusy ? f.concurrent.cpuBusy.portal * 100 : undefined),
    perS,
  );
  row(
    `captive probes/s on one core${pinned ? ' (pinned)' : ' (CPU-normalised)'}`,
    (f) => (f.flood ? probesPerCore(f.flood, pinned) : undefined),
    perS,
    'throughput',
  );
  row('captive probes per AP CPU-second', (f) => f.flood?.rpsPerApCpuSecond, perS);
  row('AP CPU busy in the flood, %', (f) => (f.flood ? f.flood.apCpuBusy * 100 : undefined), perS);
  row(
    "clients' CPU busy in the flood, %",
    (f) => (f.flood?.benchCpuBusy == null ? undefined : f.flood.benchCpuBusy * 100),
    perS,
  );
  row(`AP CPU per phone online (${runs + n} phones)`, apCpuPerPhoneMs, ms, 'cpu-per-client');
  row('AP CPU per phone, one at a time (median)', (f) => f.single.apCpuPerClientMs.median, ms);
  row(`AP CPU per phone, ${n} together`, (f) => f.concurrent.apCpuPerClientMs, ms);
  const header = ['figure', 'no portal', 'ours', 'openNDS', 'ours ÷ openNDS', 'target', ''];
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
