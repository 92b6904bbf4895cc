import { describe, expect, it } from 'vitest';
import { evenPlan, startPoint } from './bench/dashboard-web/fleet-sim.js';
import { matchLatencies, socFor } from './bench/dashboard-web/latency.js';
import { groupTransfers, type Transfer } from './bench/dashboard-web/network.js';
import { costsByFunction } from './bench/dashboard-web/profile.js';
import { atMost, BUDGETS, table } from './bench/dashboard-web/report.js';
import { parseWebBenchArgs } from './bench/dashboard-web/run.js';
import { frameIntervals, frameIntervalsIn, longTasksIn, percentile, spread } from './bench/dashboard-web/stats.js';

// The dashboard web bench's pure parts (npm run bench runs the whole against Chromium).

describe('statistics', () => {
  it('takes nearest-rank percentiles, so every figure is one that was measured', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(10);
    expect(percentile(sorted, 95)).toBe(19);
    expect(percentile(sorted, 100)).toBe(20);
    expect(percentile([], 50)).toBeNaN();
    expect(spread([30, 10, 20])).toEqual({ samples: 3, p50Ms: 20, p95Ms: 30, maxMs: 30 });
  });

  it('turns frame timestamps into intervals and counts long tasks inside a window only', () => {
    expect(frameIntervals([0, 16.7, 33.4, 100])).toEqual([16.7, 16.7, expect.closeTo(66.6, 5)]);
    expect(frameIntervals([5])).toEqual([]);
    const tasks = [
      { startTime: 5, duration: 60 },
      { startTime: 100, duration: 250 },
      { startTime: 1000, duration: 80 },
    ];
    expect(longTasksIn(tasks, 0, 500)).toEqual({ count: 2, totalMs: 310, longestMs: 250 });
    expect(longTasksIn(tasks, 2000, 3000)).toEqual({ count: 0, totalMs: 0, longestMs: 0 });
  });
});

describe('publish → display matching', () => {
  it('never gives a unit the same SOC twice in a row, and repeats only after 90 updates', () => {
    for (const unit of [0, 1, 499]) {
      for (let k = 0; k < 200; k++) {
        expect(socFor(unit, k + 1)).not.toBe(socFor(unit, k));
        expect(socFor(unit, k)).toBeGreaterThanOrEqual(5);
        expect(socFor(unit, k)).toBeLessThanOrEqual(94);
      }
      expect(socFor(unit, 90)).toBe(socFor(unit, 0));
    }
  });

  it('takes the first frame at or after the publish that shows the value, and counts the never shown', () => {
    const published = [
      { unit: 'a', soc: 40, atMs: 1000 },
      { unit: 'a', soc: 41, atMs: 2000 },
      { unit: 'b', soc: 40, atMs: 1500 },
    ];
    const observed = [
      // An older display of the same value does not count for a later publish.
      { unit: 'a', soc: 41, atMs: 500 },
      { unit: 'a', soc: 40, atMs: 1120 },
      { unit: 'a', soc: 41, atMs: 2300 },
      { unit: 'a', soc: 41, atMs: 2100 },
    ];
    expect(matchLatencies(published, observed)).toEqual({ latenciesMs: [120, 100], missing: 1 });
  });
});

describe('fleet plan', () => {
  it('spreads every unit once per period evenly, and keeps the units inside ~5 km of Paris', () => {
    const plan = evenPlan(500, 10_000, 20_000);
    expect(plan).toHaveLength(1000);
    expect(plan[1]).toEqual({ atMs: 20, unit: 1 });
    expect(plan[500]).toEqual({ atMs: 10_000, unit: 0 });
    expect(evenPlan(500, 1000, 1000).at(-1)).toEqual({ atMs: 998, unit: 499 });
    for (let i = 0; i < 500; i++) {
      const { lat, lon } = startPoint(i);
      expect(Math.abs(lat - 48.8566)).toBeLessThanOrEqual(0.0226);
      expect(Math.abs(lon - 2.3522)).toBeLessThanOrEqual(0.0341);
    }
  });
});

describe('bytes and profile', () => {
  it('groups the per-unit state requests into one line and sums the bytes on the wire', () => {
    const t = (path: string, wireBytes: number, encoding = ''): Transfer => ({
      path,
      type: 'Fetch',
      status: 200,
      encoding,
      wireBytes,
      bodyBytes: wireBytes * 3,
      finished: true,
    });
    const groups = groupTransfers([
      t('/api/units/tri-001/state', 900),
      t('/api/units/tri-002/state', 1100),
      t('/vendor/leaflet.js', 45_000, 'gzip'),
    ]);
    expect(groups).toEqual([
      { what: '/vendor/leaflet.js', requests: 1, wireBytes: 45_000, bodyBytes: 135_000, encodings: ['gzip'] },
      { what: '/api/units/:id/state', requests: 2, wireBytes: 2000, bodyBytes: 6000, encodings: ['identity'] },
    ]);
  });

  it('charges each sample to its leaf (self) and once to every function on its stack (inclusive)', () => {
    const frame = (functionName: string, lineNumber: number) => ({
      functionName,
      url: 'http://127.0.0.1:8080/js/fleet-table.js',
      lineNumber,
    });
    const costs = costsByFunction({
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2] },
        { id: 2, callFrame: frame('render', 89), children: [3] },
        { id: 3, callFrame: frame('row', 110) },
      ],
      samples: [3, 2, 3],
      // Microseconds since the previous sample: each delta belongs to the sample before it.
      timeDeltas: [0, 2000, 1000, 4000],
    });
    expect(costs.find((c) => c.where === 'render (/js/fleet-table.js:90)')).toEqual({
      where: 'render (/js/fleet-table.js:90)',
      inclusiveMs: 7,
      selfMs: 1,
    });
    expect(costs.find((c) => c.where === 'row (/js/fleet-table.js:111)')).toMatchObject({ inclusiveMs: 6, selfMs: 6 });
  });
});

describe('targets and arguments', () => {
  it('passes at or under the budget, fails over it and when nothing was measured', () => {
    expect(BUDGETS.firstLoadBytes).toBe(307_200);
    expect(atMost('k', 'bytes', 307_200, BUDGETS.firstLoadBytes, 'bytes').pass).toBe(true);
    expect(atMost('k', 'bytes', 307_201, BUDGETS.firstLoadBytes, 'bytes').pass).toBe(false);
    expect(atMost('k', 'latency', Number.NaN, 1000, 'ms').pass).toBe(false);
    const printed = table([
      { name: 'latency p95', value: '1,200 ms', target: atMost('k', 'latency', 1200, 1000, 'ms') },
      { name: 'plain figure', value: '3' },
    ]);
    expect(printed.split('\n')).toEqual([
      '| figure | value | target |  |',
      '| --- | --- | --- | --- |',
      '| latency p95 | 1,200 ms | ≤ 1,000 ms | FAIL |',
      '| plain figure | 3 |  |  |',
    ]);
  });

  it('reads its options and refuses bad ones', () => {
    expect(parseWebBenchArgs([], '/repo')).toEqual({
      units: 500,
      streamSeconds: 20,
      out: '/repo/bench/results/dashboard-web.json',
    });
    expect(parseWebBenchArgs(['--units', '50', '--no-out'], '/repo')).toMatchObject({ units: 50, out: undefined });
    expect(() => parseWebBenchArgs(['--units', '1'], '/repo')).toThrow(/--units/);
  });
});

describe('frames over a window', () => {
  it('counts the window edges, so a page that paints nothing shows one window-long interval', () => {
    expect(frameIntervalsIn([], 1000, 21_000)).toEqual([20_000]);
    expect(frameIntervalsIn([900, 1010, 1030, 21_500], 1000, 1050)).toEqual([10, 20, 20]);
  });
});
