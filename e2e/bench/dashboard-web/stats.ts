/** p50/p95/max of a set of durations, in ms; NaN when there are none. */
export interface Spread {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * Nearest-rank percentile (the smallest value with at least p % of the samples at or below it), so the
 * figure is always one that was measured. NaN for no samples.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

const tenth = (ms: number) => Math.round(ms * 10) / 10;

export function spread(durationsMs: readonly number[]): Spread {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: tenth(percentile(sorted, 50)),
    p95Ms: tenth(percentile(sorted, 95)),
    maxMs: tenth(sorted.at(-1) ?? Number.NaN),
  };
}

/** Frame intervals from requestAnimationFrame timestamps, in order. */
export function frameIntervals(timestamps: readonly number[]): number[] {
  return timestamps.slice(1).map((t, i) => t - (timestamps[i] ?? t));
}

/**
 * Frame intervals over a window, its edges counted as frames: a page that paints nothing for the whole
 * window shows one interval as long as the window, not "no data".
 */
export function frameIntervalsIn(timestamps: readonly number[], fromMs: number, toMs: number): number[] {
  const inside = timestamps.filter((t) => t > fromMs && t < toMs).sort((a, b) => a - b);
  return frameIntervals([fromMs, ...inside, toMs]);
}

/** Long tasks seen in a window: how many over 50 ms (the API's own threshold), and the longest. */
export interface LongTasks {
  count: number;
  totalMs: number;
  longestMs: number;
}

export function longTasksIn(
  tasks: readonly { startTime: number; duration: number }[],
  fromMs: number,
  toMs: number,
): LongTasks {
  const inWindow = tasks.filter((task) => task.startTime >= fromMs && task.startTime < toMs);
  return {
    count: inWindow.length,
    totalMs: tenth(inWindow.reduce((sum, task) => sum + task.duration, 0)),
    longestMs: tenth(Math.max(0, ...inWindow.map((task) => task.duration))),
  };
}
