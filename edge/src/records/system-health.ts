import { readFile, statfs } from 'node:fs/promises';
import { freemem, loadavg, totalmem, uptime } from 'node:os';
import type { SystemSample } from './sources.js';

/**
 * The Linux facts system health is made of, behind an interface so tests give fixture values and a
 * laptop without /sys/class/thermal simply yields no CPU temperature.
 */
export interface SystemFacts {
  readFile(path: string): Promise<string>;
  loadavg(): number[];
  totalmem(): number;
  /** On Linux, libuv reports MemAvailable (what can be used without swapping), not MemFree. */
  freemem(): number;
  statfs(path: string): Promise<{ blocks: number; bfree: number; bavail: number }>;
  uptime(): number;
}

export const nodeSystemFacts: SystemFacts = {
  readFile: (path) => readFile(path, 'utf8'),
  loadavg,
  totalmem,
  freemem,
  statfs: async (path) => {
    const s = await statfs(path);
    return { blocks: Number(s.blocks), bfree: Number(s.bfree), bavail: Number(s.bavail) };
  },
  uptime,
};

export const THERMAL_ZONE = '/sys/class/thermal/thermal_zone0/temp';

/** Runs one fact; anything missing or unreadable becomes an absent field, never an error. */
async function attempt<T>(read: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

const finite = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value : undefined);
const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : undefined);

export interface SystemHealthOptions {
  facts: SystemFacts;
  /** The partition that fills up: where the outbox and logs live. */
  dataDir: string;
  clock: { now(): number };
}

/** Samples CPU temperature, load, memory, disk and uptime. Never rejects. */
export async function sampleSystemHealth(options: SystemHealthOptions): Promise<SystemSample> {
  const { facts } = options;
  const [milli, disk, load, total, free, up] = await Promise.all([
    attempt(async () => Number.parseInt((await facts.readFile(THERMAL_ZONE)).trim(), 10)),
    attempt(() => facts.statfs(options.dataDir)),
    attempt(() => facts.loadavg()[0]),
    attempt(() => facts.totalmem()),
    attempt(() => facts.freemem()),
    attempt(() => facts.uptime()),
  ]);
  const sample: SystemSample = { kind: 'system', at: options.clock.now() };
  const cpuTempC = finite(milli === undefined ? undefined : milli / 1000);
  if (cpuTempC !== undefined) sample.cpuTempC = cpuTempC;
  const load1 = finite(load);
  if (load1 !== undefined) sample.load1 = load1;
  const memUsedPct = finite(total !== undefined && free !== undefined ? pct(total - free, total) : undefined);
  if (memUsedPct !== undefined) sample.memUsedPct = memUsedPct;
  // As df computes Use%: blocks reserved for root count neither as used nor as available.
  const diskUsedPct = finite(disk ? pct(disk.blocks - disk.bfree, disk.blocks - disk.bfree + disk.bavail) : undefined);
  if (diskUsedPct !== undefined) sample.diskUsedPct = diskUsedPct;
  const uptimeS = finite(up === undefined ? undefined : Math.floor(up));
  if (uptimeS !== undefined) sample.uptimeS = uptimeS;
  return sample;
}

/** The sampler the app holds: one `sample()` per system-health tick. */
export class SystemHealth {
  constructor(private readonly options: SystemHealthOptions) {}

  sample(): Promise<SystemSample> {
    return sampleSystemHealth(this.options);
  }
}
