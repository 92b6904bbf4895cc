/**
 * The outbox's eviction policy, kept apart from SQLite so it reads as the policy it is.
 *
 * 1. Age: non-alarm records stamped more than maxAgeMs before now are dropped. Thinning cannot help here,
 *    a thinned record is as old as before, so the age bound is a horizon, not a budget.
 * 2. Rows and bytes: while over either bound, downsample the oldest half of the queue: in each run of
 *    consecutive non-alarm records, drop every other one but keep the first and last, so the history keeps
 *    its shape and the records on either side of an alarm survive. Repeated passes give a resolution that
 *    halves with age, like a round-robin database.
 * 3. Only when a pass finds nothing left to thin, drop the oldest non-alarm records one by one until within
 *    bounds.
 * Alarm records are never dropped: if they alone exceed a bound, the store stays over it and says so.
 *
 * When folding (payloads are deltas, see docs/outbox.md), the store folds every removed record into the next
 * one of its boot. Only the last record of a boot has none, and its changes would be lost, so:
 * - a run also ends where the bootId changes: thinning keeps each boot's last record;
 * - step 3 first drops the oldest records that have a later one of their boot, and only then older boots'
 *   last records, oldest first: under pressure each boot shrinks to its alarms and one record holding its
 *   final state before any boot loses that;
 * - the newest record is never removed: the records the caller appends next build on it.
 */

export interface OutboxBounds {
  /** Most records held; eviction brings the count back to this or below. */
  readonly maxRows?: number;
  /** Most payload bytes (UTF-8) held. The file on disk is larger: indexes, page slack, the WAL. */
  readonly maxBytes?: number;
  /** Non-alarm records whose ts is older than this are dropped. */
  readonly maxAgeMs?: number;
}

export interface RowRef {
  readonly id: number;
  readonly bootId: string;
  readonly alarm: boolean;
  readonly size: number;
}

/** What eviction needs from the store; the outbox implements it over SQLite inside its write transaction. */
export interface EvictionStore {
  /** The oldest `limit` records of any kind, in insertion order. */
  oldest(limit: number): RowRef[];
  /** Up to `limit` of the oldest non-alarm records with an id above `afterId`, in insertion order. */
  oldestNonAlarm(afterId: number, limit: number): RowRef[];
  /** Like oldestNonAlarm, but only records followed by a later record of their boot (to fold into). */
  oldestFoldable(afterId: number, limit: number): RowRef[];
  /** Every non-alarm record with ts below `cutoff`, in insertion order. */
  expiredNonAlarm(cutoff: number): RowRef[];
  /** The newest record, if any. */
  newest(): RowRef | undefined;
  /** Removes the rows; returns the payload bytes freed, net of what folding added to the records kept. */
  remove(rows: readonly RowRef[]): number;
}

export interface EvictionOptions {
  /** The store folds removed records into later ones: keep each boot's last record and the newest. */
  readonly folding?: boolean;
}

export interface Totals {
  readonly rows: number;
  readonly bytes: number;
}

export interface EvictionResult extends Totals {
  /** Records removed by thinning (step 2). */
  readonly downsampled: number;
  /** Records removed outright (steps 1 and 3). */
  readonly evicted: number;
}

const DROP_CHUNK = 256;

export function isOverBounds(totals: Totals, bounds: OutboxBounds): boolean {
  return (
    (bounds.maxRows !== undefined && totals.rows > bounds.maxRows) ||
    (bounds.maxBytes !== undefined && totals.bytes > bounds.maxBytes)
  );
}

/**
 * Records to drop from `region` (a slice of the queue, oldest first) to halve its non-alarm runs:
 * indexes 1, 3, 5… of each run, never its first or last. Runs of one or two records cannot be thinned.
 * With `folding`, a change of bootId also ends a run.
 */
export function pickDownsample(region: readonly RowRef[], options: EvictionOptions = {}): RowRef[] {
  const victims: RowRef[] = [];
  let run: RowRef[] = [];
  const closeRun = () => {
    for (let i = 1; i < run.length - 1; i += 2) victims.push(run[i] as RowRef);
    run = [];
  };
  for (const row of region) {
    if (options.folding && run.length > 0 && run[0]?.bootId !== row.bootId) closeRun();
    if (row.alarm) closeRun();
    else run.push(row);
  }
  closeRun();
  return victims;
}

export function evict(
  store: EvictionStore,
  totals: Totals,
  bounds: OutboxBounds,
  now: number,
  options: EvictionOptions = {},
): EvictionResult {
  let { rows, bytes } = totals;
  let downsampled = 0;
  let evicted = 0;
  const kept = options.folding ? store.newest()?.id : undefined;
  const removable = (rowsFound: readonly RowRef[]) => rowsFound.filter((r) => r.id !== kept);
  const remove = (victims: readonly RowRef[]) => {
    if (victims.length === 0) return;
    bytes -= store.remove(victims);
    rows -= victims.length;
  };
  const over = () => isOverBounds({ rows, bytes }, bounds);

  if (bounds.maxAgeMs !== undefined) {
    const expired = removable(store.expiredNonAlarm(now - bounds.maxAgeMs));
    remove(expired);
    evicted += expired.length;
  }

  while (over()) {
    const victims = removable(pickDownsample(store.oldest(Math.ceil(rows / 2)), options));
    if (victims.length === 0) break;
    remove(victims);
    downsampled += victims.length;
  }

  const dropOldest = (candidates: (afterId: number, limit: number) => RowRef[]) => {
    let afterId = 0;
    while (over()) {
      const chunk = removable(candidates(afterId, DROP_CHUNK));
      if (chunk.length === 0) break;
      const victims: RowRef[] = [];
      let [r, b] = [rows, bytes];
      for (const row of chunk) {
        if (!isOverBounds({ rows: r, bytes: b }, bounds)) break;
        victims.push(row);
        r -= 1;
        b -= row.size;
      }
      remove(victims);
      evicted += victims.length;
      // Folding makes the records kept larger, so the store may still be over: go on after the last victim.
      afterId = victims[victims.length - 1]?.id ?? afterId;
    }
  };
  if (options.folding) dropOldest((afterId, limit) => store.oldestFoldable(afterId, limit));
  dropOldest((afterId, limit) => store.oldestNonAlarm(afterId, limit));

  return { rows, bytes, downsampled, evicted };
}

/**
 * How many alarm records the store holds beyond its bounds: for rows and bytes, the oldest ones that would
 * have had to go; for age, the expired ones. Reports the largest of the three, so at least that many.
 */
export function alarmsOverBudget(
  totals: Totals,
  bounds: OutboxBounds,
  oldest: (limit: number) => RowRef[],
  expiredAlarms: () => number,
): number {
  let worst = 0;
  if (bounds.maxRows !== undefined) worst = Math.max(worst, totals.rows - bounds.maxRows);
  if (bounds.maxBytes !== undefined && totals.bytes > bounds.maxBytes) {
    let bytes = totals.bytes;
    let count = 0;
    for (const row of oldest(totals.rows)) {
      if (bytes <= bounds.maxBytes) break;
      bytes -= row.size;
      count += 1;
    }
    worst = Math.max(worst, count);
  }
  if (bounds.maxAgeMs !== undefined) worst = Math.max(worst, expiredAlarms());
  return worst;
}
