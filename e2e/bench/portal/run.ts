import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineFacts } from '@triporteur/firmware-bridge';
import { floor } from './floor.js';
import { type MeasureOptions, measurePortal, type PortalFigures } from './measure.js';
import { type IptablesBackend, installOpenNds, OpenNdsUnavailable, openNds } from './opennds.js';
import { ours } from './ours.js';
import { ensureHarnessHelpers, repoRoot, runningFromDist } from './paths.js';
import { type Pinning, pinBench } from './pinning.js';
import type { PortalKey, PortalUnderTest } from './portal.js';
import { type Doubt, doubts, firmMisses, notes, stepsTable, type Target, table, targets } from './report.js';

/**
 * `npm run bench`, last: the captive portal against openNDS 9.10 in the namespace harness (issue 5,
 * item 8). Time from DHCP to the first online probe (one phone at a time, and many together), captive
 * probes per second on one core, AP-side CPU per phone brought online; a table of ours ÷ openNDS and
 * bench/results/portal.json. Exits non-zero when a portal cannot be measured, or when a target is missed
 * on figures the bench trusts (see soundnessProblems); a miss on doubtful figures prints FAIL only.
 */

export interface BenchArgs {
  measure: MeasureOptions;
  floor: boolean;
  install: boolean;
  openNdsIptables: IptablesBackend;
  /** Where the results go; undefined: nowhere (a trial run). */
  out: string | undefined;
}

export function parseBenchArgs(argv: readonly string[], root: string): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      single: { type: 'string', default: '9' },
      together: { type: 'string', default: '20' },
      'flood-clients': { type: 'string', default: '4' },
      'flood-concurrency': { type: 'string', default: '8' },
      'flood-seconds': { type: 'string', default: '5' },
      'no-floor': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      'opennds-iptables': { type: 'string', default: 'legacy' },
      out: { type: 'string', default: join(root, 'bench', 'results', 'portal.json') },
      'no-out': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const count = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return n;
  };
  const backend = values['opennds-iptables'];
  if (backend !== 'legacy' && backend !== 'nft') throw new Error('--opennds-iptables must be legacy or nft');
  return {
    measure: {
      singleRuns: count('single', values.single, 1, 50),
      concurrentClients: count('together', values.together, 1, 100),
      flood: {
        clients: count('flood-clients', values['flood-clients'], 1, 16),
        concurrency: count('flood-concurrency', values['flood-concurrency'], 1, 64),
        durationMs: count('flood-seconds', values['flood-seconds'], 1, 60) * 1000,
      },
      onlineTimeoutMs: 120_000,
    },
    floor: !values['no-floor'],
    install: !values['no-install'],
    openNdsIptables: backend,
    out: values['no-out'] ? undefined : resolve(values.out),
  };
}

type Outcome =
  | { ok: true; label: string; figures: PortalFigures }
  | { ok: false; label: string; error: string; log?: string[] };

async function measure(portal: PortalUnderTest, pinning: Pinning | undefined, args: BenchArgs): Promise<Outcome> {
  const options = portal.key === 'floor' ? { ...args.measure, flood: undefined } : args.measure;
  try {
    const figures = await measurePortal(portal, pinning, options, (line) => process.stderr.write(`  ${line}\n`));
    return { ok: true, label: portal.label, figures };
  } catch (error) {
    const log = error instanceof OpenNdsUnavailable ? error.log : undefined;
    return {
      ok: false,
      label: portal.label,
      error: error instanceof Error ? error.message : String(error),
      ...(log ? { log } : {}),
    };
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  // Other work on the machine shares the CPUs the run is pinned to: say how busy it was to begin with.
  const loadAtStart = loadavg();
  const root = repoRoot();
  const args = parseBenchArgs(argv, root);
  if (process.getuid?.() !== 0) throw new Error('the portal bench builds network namespaces: run it as root');
  if (runningFromDist()) await ensureHarnessHelpers(root);
  const out = process.stdout;

  const install = args.install ? await installOpenNds(root) : { ok: true, output: 'skipped (--no-install)' };
  out.write(`portal bench: openNDS install: ${install.ok ? 'ok' : 'FAILED'}: ${install.output.split('\n').at(-1)}\n`);
  out.write(`portal bench: load average at start ${loadAtStart.map((load) => load.toFixed(2)).join(' ')}\n`);
  const pinning = await pinBench();
  out.write(
    pinning
      ? `portal bench: AP side pinned to CPU ${pinning.portalCpu}, bench and clients to CPU ${pinning.benchCpu}\n`
      : "portal bench: one CPU only: throughput normalised by the AP side's CPU time\n",
  );

  const portals: PortalUnderTest[] = [
    ...(args.floor ? [floor] : []),
    ours(join(root, 'hardware', 'hotspot', 'lease-hook.sh')),
    openNds(args.openNdsIptables),
  ];
  const outcomes: Partial<Record<PortalKey, Outcome>> = {};
  for (const portal of portals) {
    out.write(`portal bench: measuring ${portal.label}…\n`);
    outcomes[portal.key] = await measure(portal, pinning, args);
  }

  const pinned = pinning !== undefined;
  const [o, n, f] = [outcomes.ours, outcomes.opennds, outcomes.floor];
  let found: Target[] = [];
  let problems: Doubt[] = [];
  let remarks: string[] = [];
  if (o?.ok && n?.ok) {
    const columns = { ours: o.figures, openNds: n.figures, ...(f?.ok ? { floor: f.figures } : {}) };
    found = targets(o.figures, n.figures, pinned);
    problems = doubts(o.figures, n.figures, pinned);
    remarks = notes(columns, pinned);
    out.write(`\n${table(columns, found, pinned)}\n\n${stepsTable(columns)}\n\n`);
  }
  for (const outcome of Object.values(outcomes)) {
    if (outcome.ok) continue;
    out.write(`\n${outcome.label} could not be measured: ${outcome.error}\n`);
    if (outcome.log?.length) out.write(`its output (last 40 lines):\n${outcome.log.slice(-40).join('\n')}\n`);
  }
  for (const target of found) {
    out.write(
      `target ${target.name}: ours ÷ openNDS = ${target.value.toFixed(3)} (${target.kind === 'max' ? '≤' : '≥'} ${target.limit}) → ${target.pass ? 'met' : 'FAIL'}\n`,
    );
  }
  for (const remark of remarks) out.write(`note: ${remark}\n`);
  for (const problem of problems) out.write(`DOUBT (${problem.about}): ${problem.text}\n`);
  const wallMs = performance.now() - started;
  out.write(`portal bench: ${(wallMs / 1000).toFixed(0)} s\n`);

  if (args.out) {
    const report = {
      bench: 'portal',
      date: new Date().toISOString(),
      node: process.versions.node,
      machine: {
        ...machineFacts(),
        loadAverageAtStart: { '1min': loadAtStart[0], '5min': loadAtStart[1], '15min': loadAtStart[2] },
      },
      method: {
        harness: 'e2e/support/netns: AP, internet and phone namespaces; busybox udhcpc, curl probes (Android sequence)',
        timeToOnline:
          'udhcpc start → end of the first Android probe run that says online; login by curl as a login sheet does',
        throughput: pinned
          ? `AP namespace pinned to CPU ${pinning.portalCpu} (taskset), bench and clients to CPU ${pinning.benchCpu}; probes/s measured`
          : 'no CPU split: probes per AP CPU-second',
        cpu: 'utime+stime+cutime+cstime of every process in the AP namespace (ip netns pids), before and after each run',
        ourRateLimit: 'lifted for the bench (burst and rate 1e6 per address)',
        openNdsIptables: args.openNdsIptables,
      },
      options: args.measure,
      pinning: pinning ?? null,
      openNdsInstall: install,
      portals: outcomes,
      targets: found,
      doubts: problems,
      notes: remarks,
      wallMs,
    };
    await mkdir(dirname(args.out), { recursive: true });
    await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
    out.write(`written to ${args.out}\n`);
  }

  if (!o?.ok || !n?.ok) return 1;
  const missed = found.filter((target) => !target.pass);
  const firm = firmMisses(found, problems);
  if (missed.length === 0) return 0;
  if (firm.length === 0) {
    out.write(`FAIL: ${missed.length} target(s) missed, each on figures in doubt (above): not failing the bench\n`);
    return 0;
  }
  out.write(`FAIL: ${firm.map((target) => target.key).join(', ')} missed on sound figures\n`);
  return 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Ctrl-C and kill end through process.exit, so the harness's exit hook removes every namespace.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(130));
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `portal bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
