import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import {
  alarmsOverBudget,
  type EvictionStore,
  evict,
  type OutboxBounds,
  type RowRef,
  type Totals,
} from './outbox-eviction.js';
import { type FoldRow, type OutboxStatements, openOutboxFile, prepareOutboxStatements } from './outbox-schema.js';

export type { OutboxBounds } from './outbox-eviction.js';

/** One telemetry record as the caller hands it over; `payload` is opaque here (the JSON of one contract record). */
export interface OutboxRecord {
  readonly bootId: string;
  readonly seq: number;
  readonly ts: number;
  /** Alarm records are never evicted, whatever the bounds. */
  readonly alarm: boolean;
  readonly payload: string;
}

export interface OutboxEntry extends OutboxRecord {
  /** Insertion order; pass it back to ack(). */
  readonly id: number;
  /** Written by an earlier process run, or pending when markReplay() was last called. */
  readonly historical: boolean;
}

export interface OutboxOptions extends OutboxBounds {
  /** The clock the age bound reads (ms since the epoch). */
  readonly clock?: { now(): number };
  /** Hard cap on the file in pages of 4 KiB (PRAGMA max_page_count); tests use it to get a real SQLITE_FULL. */
  readonly maxPages?: number;
  readonly logger?: Logger;
  /**
   * For payloads that are deltas (telemetry v2): merges an older payload into the newer one of the same boot,
   * so that applying the result gives the state of applying both. With it, every record the bounds remove is
   * first folded into the next record of its boot that stays, and the newest record is never removed.
   */
  readonly fold?: (older: string, newer: string) => string;
}

export interface OutboxStats {
  depth: number;
  /** Payload bytes held (UTF-8). */
  bytes: number;
  /** ts of the oldest entry by insertion, which after a clock jump need not be the smallest ts. */
  oldestTs: number | null;
  /** Lifetime count of records dropped outright by the bounds (survives restarts). */
  evicted: number;
  /** Lifetime count of records removed by thinning (survives restarts). */
  downsampled: number;
  /** Alarm records held beyond the bounds right now, because alarms are never dropped. */
  overBudgetAlarms: number;
}

/** EDG_OUTBOX_FULL, with how many records of the failed append were not stored (all of them: one transaction). */
export class OutboxFullError extends EdgeError {
  readonly unstored: number;

  constructor(unstored: number, cause: unknown) {
    super(EdgeErrorCode.OUTBOX_FULL, `disk full: ${unstored} record(s) not stored in the outbox`, { cause });
    this.unstored = unstored;
  }
}

const sqliteCode = (err: unknown): string =>
  typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : '';

function io(what: string, err: unknown): EdgeError {
  return new EdgeError(EdgeErrorCode.OUTBOX_IO, `outbox ${what} failed: ${(err as Error).message}`, { cause: err });
}

function checkRecord(r: OutboxRecord): void {
  const bad =
    typeof r.bootId !== 'string' || r.bootId.length === 0
      ? 'bootId'
      : !Number.isSafeInteger(r.seq) || r.seq < 0
        ? 'seq'
        : !Number.isSafeInteger(r.ts)
          ? 'ts'
          : typeof r.alarm !== 'boolean'
            ? 'alarm'
            : typeof r.payload !== 'string'
              ? 'payload'
              : undefined;
  if (bad) throw new EdgeError(EdgeErrorCode.OUTBOX_RECORD, `outbox record has an invalid ${bad}`);
}

/**
 * The durable store-and-forward queue: a record is appended before it is sent and deleted only once the broker
 * has acknowledged it. One SQLite file in WAL mode, one connection, one writer (this process).
 *
 * fsync policy: synchronous=FULL for appends, so a record is on the card when append() returns and survives
 * power loss at any instant; synchronous=NORMAL for acks, because a lost ack only means a record is sent twice
 * and the dashboard drops it by (bootId, seq). WAL never rewrites a page in place, so a torn write loses at most
 * the unsynced tail, never older data. Wear scales with commits, which the caller batches: see docs/outbox.md.
 */
export class Outbox {
  private readonly db: Database.Database;
  private readonly bounds: OutboxBounds;
  private readonly clock: { now(): number };
  private readonly log: Logger | undefined;
  private readonly fold: OutboxOptions['fold'];
  private readonly store: EvictionStore;
  private readonly sql: OutboxStatements;
  /** Ids are handed out in memory, above every id in the file: monotonic even after the queue drains. */
  private nextId = 1;
  /** Entries with an id at or below this are historical. */
  private replayMark = 0;
  private depth = 0;
  private bytes = 0;
  private evicted = 0;
  private downsampled = 0;

  constructor(
    readonly path: string,
    options: OutboxOptions = {},
  ) {
    const { maxRows, maxBytes, maxAgeMs, maxPages } = options;
    for (const [name, value] of Object.entries({ maxRows, maxBytes, maxAgeMs, maxPages })) {
      if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
        throw new EdgeError(EdgeErrorCode.OUTBOX_OPEN, `outbox option ${name} must be a positive integer`);
      }
    }
    if (options.fold !== undefined && typeof options.fold !== 'function') {
      throw new EdgeError(EdgeErrorCode.OUTBOX_OPEN, 'outbox option fold must be a function');
    }
    this.bounds = { maxRows, maxBytes, maxAgeMs };
    this.clock = options.clock ?? { now: () => Date.now() };
    this.log = options.logger?.child({ module: 'outbox' });
    this.fold = options.fold;
    // better-sqlite3 hands booleans back as 0/1; the eviction policy wants real booleans.
    const refs = (rows: RowRef[]): RowRef[] => rows.map((r) => ({ ...r, alarm: Boolean(r.alarm) }));
    this.store = {
      oldest: (limit) => refs(this.sql.oldest.all(limit)),
      oldestNonAlarm: (afterId, limit) => refs(this.sql.oldestNonAlarm.all(afterId, limit)),
      oldestFoldable: (afterId, limit) => refs(this.sql.oldestFoldable.all(afterId, limit)),
      expiredNonAlarm: (cutoff) => refs(this.sql.expiredNonAlarm.all(cutoff)),
      newest: () => refs(this.sql.newest.all())[0],
      remove: (rows) => (this.fold ? this.removeFolding(rows) : this.removeRows(rows)),
    };
    let db: Database.Database | undefined;
    try {
      db = openOutboxFile(path, maxPages);
      this.db = db;
      this.sql = prepareOutboxStatements(db);
      this.loadState();
    } catch (err) {
      db?.close();
      const detail = sqliteCode(err) ? `${sqliteCode(err)}: ${(err as Error).message}` : (err as Error).message;
      throw new EdgeError(EdgeErrorCode.OUTBOX_OPEN, `cannot open the outbox at ${path}: ${detail}`, { cause: err });
    }
  }

  /**
   * Stores the records in one transaction, then applies the bounds in the same transaction. Durable when it
   * returns. On a full disk nothing of this call is stored (OutboxFullError) and the outbox stays usable.
   */
  append(records: readonly OutboxRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) checkRecord(r);
    const insertAll = () => {
      let id = this.nextId;
      let added = 0;
      for (const r of records) {
        const size = Buffer.byteLength(r.payload, 'utf8');
        this.sql.insert.run(id++, r.bootId, r.seq, r.ts, r.alarm ? 1 : 0, size, r.payload);
        added += size;
      }
      return this.applyBounds({ rows: this.depth + records.length, bytes: this.bytes + added });
    };
    let result: ReturnType<Outbox['applyBounds']>;
    try {
      result = this.db.transaction(insertAll).immediate();
    } catch (err) {
      const code = sqliteCode(err);
      if (code === 'SQLITE_FULL') throw new OutboxFullError(records.length, err);
      if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
        const message = 'the outbox already holds a record with that (bootId, seq)';
        throw new EdgeError(EdgeErrorCode.OUTBOX_DUPLICATE, message, { cause: err });
      }
      throw io('append', err);
    }
    this.nextId += records.length;
    this.commitTotals(result);
  }

  /** Up to `limit` entries, oldest first, with ids above `afterId` (to read past a batch still in flight). */
  peek(limit: number, afterId = 0): OutboxEntry[] {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError('peek limit must be a non-negative integer');
    if (limit === 0) return [];
    try {
      return this.sql.peek.all(afterId, limit).map((row) => ({
        id: row.id,
        bootId: row.boot_id,
        seq: row.seq,
        ts: row.ts,
        alarm: row.alarm === 1,
        payload: row.payload,
        historical: row.id <= this.replayMark,
      }));
    } catch (err) {
      throw io('peek', err);
    }
  }

  /**
   * Deletes acknowledged entries; unknown ids (already acked or evicted) are ignored. Returns how many went.
   * Not fsynced (synchronous=NORMAL): after a power cut an ack may be undone, and the record is sent again.
   */
  ack(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    let removed = 0;
    let freed = 0;
    const removeAll = () => {
      for (const id of ids) {
        const row = this.sql.remove.get(id);
        if (row === undefined) continue;
        removed += 1;
        freed += row.size;
      }
    };
    try {
      this.db.pragma('synchronous = NORMAL');
      try {
        this.db.transaction(removeAll).immediate();
      } finally {
        this.db.pragma('synchronous = FULL');
      }
    } catch (err) {
      throw io('ack', err);
    }
    this.depth -= removed;
    this.bytes -= freed;
    return removed;
  }

  /** Call on every reconnect: whatever is pending now is replayed and must go out flagged historical. */
  markReplay(): void {
    this.replayMark = this.nextId - 1;
  }

  /** Highest seq of `bootId` still pending, if any. */
  lastSeq(bootId: string): number | undefined {
    try {
      return this.sql.lastSeq.get(bootId)?.seq ?? undefined;
    } catch (err) {
      throw io('lastSeq', err);
    }
  }

  stats(): OutboxStats {
    try {
      const totals = this.budgetedTotals();
      const cutoff = this.bounds.maxAgeMs === undefined ? 0 : this.clock.now() - this.bounds.maxAgeMs;
      return {
        depth: this.depth,
        bytes: this.bytes,
        oldestTs: this.sql.head.get()?.ts ?? null,
        evicted: this.evicted,
        downsampled: this.downsampled,
        overBudgetAlarms: alarmsOverBudget(totals, this.bounds, this.store.oldest, () => {
          return this.sql.expiredAlarms.get(cutoff)?.n ?? 0;
        }),
      };
    } catch (err) {
      throw io('stats', err);
    }
  }

  /** Checkpoints the WAL into the main file and closes it. Idempotent. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Reads the totals and counters, and proves the file writable with a real write (a read-only file opens
   * without complaint and would only fail at the first append). Bounds may have changed and time passed
   * since the last run, so eviction runs here too.
   */
  private loadState(): void {
    const result = this.db
      .transaction(() => {
        this.sql.bumpMeta.run('opens', 1);
        for (const { key, value } of this.sql.meta.all()) {
          if (key === 'evicted') this.evicted = value;
          if (key === 'downsampled') this.downsampled = value;
        }
        const t = this.sql.totals.get() ?? { rows: 0, bytes: 0, maxId: 0 };
        this.nextId = t.maxId + 1;
        return this.applyBounds(t);
      })
      .immediate();
    this.replayMark = this.nextId - 1;
    this.commitTotals(result);
  }

  /** Runs inside a write transaction; the caller commits the returned totals to memory after the commit. */
  private applyBounds(totals: { rows: number; bytes: number }) {
    const result = evict(this.store, totals, this.bounds, this.clock.now(), { folding: this.fold !== undefined });
    if (result.evicted > 0) this.sql.bumpMeta.run('evicted', result.evicted);
    if (result.downsampled > 0) this.sql.bumpMeta.run('downsampled', result.downsampled);
    return result;
  }

  private removeRows(rows: readonly RowRef[]): number {
    let freed = 0;
    for (const row of rows) freed += this.sql.remove.get(row.id)?.size ?? 0;
    return freed;
  }

  /**
   * Deletes the victims and folds each into the next record of its boot that stays, inside the caller's write
   * transaction: a payload, its size and the byte total change together or not at all. Victims in a row
   * cascade (v1 into v2, that into the record kept); an alarm can take a fold. A victim with no later record
   * of its boot is the last of an older boot (the newest record is never a victim when folding): its changes
   * go with it, and as that boot sends nothing more, no later record builds on them.
   *
   * Victims and the records kept may be in flight (peeked, not yet acked), which is safe. Sends go out in id
   * order, so a victim either reached the broker before or with the record it folds into, or travels inside
   * it now. An ack of a removed id is ignored. A record kept is re-sent with its new payload only if its ack
   * never came; applied after the records before it, it gives the same state as the original, and the
   * dashboard drops it by (bootId, seq) anyway if the original got through.
   */
  private removeFolding(victims: readonly RowRef[]): number {
    const doomed = new Set(victims.map((v) => v.id));
    let freed = 0;
    let carry: FoldRow | undefined;
    for (const id of [...doomed].sort((a, b) => a - b)) {
      const taken = this.sql.take.get(id);
      if (taken === undefined) continue;
      freed += taken.size;
      // A carry always comes from the victim just before, of the same boot (checked below).
      const victim = carry ? { ...taken, payload: this.foldPair(carry, taken) } : taken;
      carry = undefined;
      const next = this.sql.next.get(id);
      if (next === undefined || next.boot_id !== taken.boot_id) continue;
      if (doomed.has(next.id)) {
        carry = victim;
        continue;
      }
      const payload = this.foldPair(victim, next);
      const size = Buffer.byteLength(payload, 'utf8');
      this.sql.setPayload.run(payload, size, next.id);
      freed -= size - next.size;
    }
    return freed;
  }

  /** The caller's fold. If it fails (a payload it cannot read), the older record goes unfolded, as without fold. */
  private foldPair(older: FoldRow, newer: FoldRow): string {
    try {
      const folded = this.fold?.(older.payload, newer.payload);
      if (typeof folded === 'string') return folded;
      throw new TypeError(`fold returned ${typeof folded}, not a string`);
    } catch (err) {
      this.log?.error(
        { err, code: EdgeErrorCode.OUTBOX_RECORD, bootId: older.boot_id, olderId: older.id, newerId: newer.id },
        'outbox fold failed: the older record is dropped without folding',
      );
      return newer.payload;
    }
  }

  /** The totals that alarms are measured against: when folding, the newest record is held beyond the bounds too. */
  private budgetedTotals(): Totals {
    const newest = this.fold ? this.store.newest() : undefined;
    if (newest === undefined || newest.alarm) return { rows: this.depth, bytes: this.bytes };
    return { rows: this.depth - 1, bytes: this.bytes - newest.size };
  }

  private commitTotals(result: ReturnType<typeof evict>): void {
    this.depth = result.rows;
    this.bytes = result.bytes;
    this.evicted += result.evicted;
    this.downsampled += result.downsampled;
    if (result.evicted > 0 || result.downsampled > 0) {
      this.log?.warn(
        { evicted: result.evicted, downsampled: result.downsampled, depth: result.rows, bytes: result.bytes },
        'outbox over its bounds: oldest records thinned or dropped',
      );
    }
  }
}
