import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { nodeSystemFacts, type SystemFacts, SystemHealth, sampleSystemHealth, THERMAL_ZONE } from './system-health.js';

const clock = { now: () => 1_000 };
const missing = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });

/** A Raspberry Pi 4 under light load, from `cat` and `df` on a real unit. */
const pi: SystemFacts = {
  readFile: async (path) => {
    if (path === THERMAL_ZONE) return '53095\n';
    throw missing;
  },
  loadavg: () => [0.42, 0.3, 0.25],
  totalmem: () => 4_000_000_000,
  freemem: () => 2_750_000_000,
  // 29 GB card, 4 % reserved for root: df shows Use% 13.
  statfs: async () => ({ blocks: 7_500_000, bfree: 6_600_000, bavail: 6_300_000 }),
  uptime: () => 86_400.73,
};

describe('system health', () => {
  it('reads temperature, load, memory, disk and uptime', async () => {
    const sample = await new SystemHealth({ facts: pi, dataDir: '/var/lib/triporteur', clock }).sample();
    expect(sample).toEqual({
      kind: 'system',
      at: 1_000,
      cpuTempC: 53.095,
      load1: 0.42,
      memUsedPct: 31.25,
      diskUsedPct: 12.5,
      uptimeS: 86_400,
    });
  });

  it('gives absent fields, not errors, on a machine without them', async () => {
    const laptop: SystemFacts = {
      ...pi,
      readFile: async () => {
        throw missing;
      },
      statfs: async () => {
        throw missing;
      },
    };
    const sample = await sampleSystemHealth({ facts: laptop, dataDir: '/nope', clock });
    expect(sample).toEqual({ kind: 'system', at: 1_000, load1: 0.42, memUsedPct: 31.25, uptimeS: 86_400 });
  });

  it('drops values that are not numbers or make no sense', async () => {
    const odd: SystemFacts = {
      readFile: async () => 'garbage',
      loadavg: () => [],
      totalmem: () => 0,
      freemem: () => 0,
      statfs: async () => ({ blocks: 0, bfree: 0, bavail: 0 }),
      uptime: () => {
        throw new Error('not supported');
      },
    };
    expect(await sampleSystemHealth({ facts: odd, dataDir: '/', clock })).toEqual({ kind: 'system', at: 1_000 });
  });

  it('works with the real facts of this machine', async () => {
    const sample = await sampleSystemHealth({ facts: nodeSystemFacts, dataDir: tmpdir(), clock });
    expect(sample.uptimeS).toBeGreaterThan(0);
    expect(sample.memUsedPct).toBeGreaterThan(0);
    expect(sample.diskUsedPct).toBeGreaterThanOrEqual(0);
  });
});
