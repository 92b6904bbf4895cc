/** One update sent: the SOC value unit `unit` will show, and when it left the publisher (epoch ms). */
export interface Published {
  unit: string;
  soc: number;
  atMs: number;
}

/** The page saw `unit` show `soc` (in the list or on its marker) at a frame painted at `atMs` (epoch ms). */
export interface Observed {
  unit: string;
  soc: number;
  atMs: number;
}

export interface Matched {
  latenciesMs: number[];
  /** Updates never shown before the run's end: a page that falls behind must not look fast. */
  missing: number;
}

/**
 * Publish → display, per update: the first frame at or after the publish that shows the update's SOC
 * for that unit. Each unit's SOC steps by one per update and repeats only every 90 updates (15 minutes
 * at one a 10 s), so a value seen after its publish is that update, not an older one.
 */
export function matchLatencies(published: readonly Published[], observed: readonly Observed[]): Matched {
  const seen = new Map<string, number[]>();
  for (const o of observed) {
    const key = `${o.unit}\u0000${o.soc}`;
    const times = seen.get(key) ?? [];
    times.push(o.atMs);
    seen.set(key, times);
  }
  for (const times of seen.values()) times.sort((a, b) => a - b);
  const latenciesMs: number[] = [];
  let missing = 0;
  for (const p of published) {
    const shown = seen.get(`${p.unit}\u0000${p.soc}`)?.find((at) => at >= p.atMs);
    if (shown === undefined) missing++;
    else latenciesMs.push(shown - p.atMs);
  }
  return { latenciesMs, missing };
}

/** The SOC a unit shows after its `update`-th record (0: its first, full one); never two alike in a row. */
export function socFor(unitIndex: number, update: number): number {
  return 5 + ((unitIndex * 7 + update) % 90);
}
