/**
 * Store writes from ingest: retried while the failure may pass (a locked SQLite file, a PostgreSQL
 * restart, a full pool), given up only when it cannot (the data itself is refused). Unknown failures
 * count as passing, so doubt never costs a record; the price is waiting, which is the backpressure.
 */
export interface RetryOptions {
  baseMs: number;
  maxMs: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Attempts for a failure that cannot pass before giving up. Default 3 (it may still be a fluke). */
  permanentAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function codeOf(err: unknown): string {
  let at: unknown = err;
  // DashboardError wraps the driver's error as its cause.
  for (let depth = 0; depth < 4 && at && typeof at === 'object'; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('DSH_')) return code;
    at = (at as { cause?: unknown }).cause;
  }
  return '';
}

/**
 * True for failures that no retry can fix: SQLite constraint and type errors, PostgreSQL data (22),
 * integrity (23) and schema/syntax (42) errors.
 */
export function isPermanentStoreError(err: unknown): boolean {
  const code = codeOf(err);
  if (code.startsWith('SQLITE_'))
    return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_ERROR';
  return /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}

export async function storeWithRetry<T>(task: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? sleeper;
  let delay = options.baseMs;
  let permanent = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (err) {
      if (isPermanentStoreError(err) && ++permanent >= (options.permanentAttempts ?? 3)) throw err;
      options.onRetry?.(err, attempt, delay);
      await sleep(delay);
      delay = Math.min(options.maxMs, delay * 2);
    }
  }
}
