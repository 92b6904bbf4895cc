import { runCommand } from '../../support/netns/index.js';

/**
 * The CPU split of a run: everything on the AP side (the portal, its helpers, dnsmasq) is pinned to
 * one CPU with taskset, the bench and its clients to another, so "requests per second on one core"
 * is what the portal side does with exactly one core. Without two CPUs there is no split, and the
 * figures are normalised by the AP side's CPU time instead.
 */
export interface Pinning {
  benchCpu: number;
  portalCpu: number;
}

/** Reads a CPU list as taskset and /sys print it: "0-3,6,8-9". */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    if (part === '') continue;
    const [from, to = from] = part.split('-').map((bound) => Number(bound.trim()));
    if (from === undefined || to === undefined || !Number.isInteger(from) || !Number.isInteger(to) || to < from) {
      throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    }
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The CPUs this process may run on, from `taskset -pc` ("pid 42's current affinity list: 0,1"). */
export async function allowedCpus(pid = process.pid): Promise<number[]> {
  const { stdout } = await runCommand('taskset', ['-pc', String(pid)]);
  return parseCpuList(stdout.slice(stdout.lastIndexOf(':') + 1));
}

/**
 * Pins every thread of this process to the first allowed CPU (children spawned later inherit it) and
 * keeps the second for the portal side. Undefined, and nothing changed, with fewer than two CPUs.
 */
export async function pinBench(): Promise<Pinning | undefined> {
  const [benchCpu, portalCpu] = await allowedCpus();
  if (benchCpu === undefined || portalCpu === undefined) return undefined;
  await runCommand('taskset', ['-a', '-p', '-c', String(benchCpu), String(process.pid)]);
  return { benchCpu, portalCpu };
}

/** A command line for the AP side: behind `taskset -c <portal CPU>` when pinned. */
export function onPortalCpu(pinning: Pinning | undefined, argv: readonly string[]): string[] {
  return pinning ? ['taskset', '-c', String(pinning.portalCpu), ...argv] : [...argv];
}
