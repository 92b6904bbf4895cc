import { readFile } from 'node:fs/promises';

/** Ticks one CPU spent busy and in all, from a /proc/stat "cpuN" line. */
export interface CpuTicks {
  busy: number;
  total: number;
}

/**
 * Per-CPU counters of /proc/stat: user nice system idle iowait irq softirq steal (guest time is
 * already inside user). Busy is everything but idle and iowait.
 */
export function parseProcStat(text: string): Map<number, CpuTicks> {
  const cpus = new Map<number, CpuTicks>();
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const fields = (match[2] ?? '').trim().split(/\s+/).slice(0, 8).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    cpus.set(Number(match[1]), { busy: total - idle, total });
  }
  return cpus;
}

export async function readCpuTicks(): Promise<Map<number, CpuTicks>> {
  return parseProcStat(await readFile('/proc/stat', 'utf8'));
}

/** How busy one CPU was between two readings, 0..1 (every process on it, not only ours). */
export function busyBetween(before: Map<number, CpuTicks>, after: Map<number, CpuTicks>, cpu: number): number {
  const [a, b] = [before.get(cpu), after.get(cpu)];
  if (a === undefined || b === undefined || b.total <= a.total) return 0;
  return (b.busy - a.busy) / (b.total - a.total);
}
