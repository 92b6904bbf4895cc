export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * Nearest-rank percentile (the smallest value with at least p % of the samples at or below it), so the
 * figure is always a latency that was measured. NaN for no samples.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

const tenth = (ms: number) => Math.round(ms * 10) / 10;

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((n, v) => n + v, 0) / sorted.length;
  return {
    samples: sorted.length,
    p50Ms: tenth(percentile(sorted, 50)),
    p99Ms: tenth(percentile(sorted, 99)),
    maxMs: tenth(sorted.at(-1) ?? Number.NaN),
    meanMs: tenth(mean),
  };
}
