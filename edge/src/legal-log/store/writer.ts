import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { LocalDay } from '../../hotspot/sessions/local-day.js';
import { LegalLogErrorCode } from '../errors.js';
import { encodeRecords, type LegalRecord } from '../records.js';
import { ChunkSealer } from '../seal.js';
import { dayFileName, purgeExpired } from './day-files.js';

export interface LegalLogWriterOptions {
  directory: string;
  /** The association's age public key (`age1…`): the only key the unit holds. */
  recipient: string;
  clock: Clock;
  logger: Logger;
  /** Whose local day names the files and whose midnight rotates them. */
  timeZone: string;
  retentionDays: number;
  /** A record waits at most this long before it is sealed and synced: what a power cut can lose. */
  flushIntervalMs: number;
  /** A batch this big is sealed at once, without waiting for the interval. */
  maxBatchRecords: number;
  /** Records kept in memory while writes fail; beyond it the oldest are dropped and a gap recorded. */
  maxPendingRecords?: number;
}

export const DEFAULT_MAX_PENDING_RECORDS = 200_000;

/**
 * Appends records to the day files as sealed chunks: batched for at most `flushIntervalMs`, gzipped,
 * sealed to the association's key, written and fsynced. A write that fails keeps its records for the
 * next attempt. Expired days are purged at start and at every local midnight.
 */
export class LegalLogWriter {
  private readonly options: LegalLogWriterOptions;
  private readonly log: Logger;
  private readonly day: LocalDay;
  private readonly sealer: ChunkSealer;
  private pending: LegalRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private purging: Promise<void> = Promise.resolve();
  private flushTimer: TimerHandle | undefined;
  private midnightTimer: TimerHandle | undefined;
  private dropped: { count: number; since: number } | undefined;
  private running = false;

  constructor(options: LegalLogWriterOptions) {
    this.options = options;
    this.log = options.logger.child({ module: 'legal-log' });
    this.day = new LocalDay(options.timeZone);
    this.sealer = new ChunkSealer(options.recipient);
  }

  async start(): Promise<void> {
    const { directory } = this.options;
    await mkdir(directory, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone; the log's must be the owner's only.
    await chmod(directory, 0o700);
    this.running = true;
    this.purging = this.purge();
    await this.purging;
    this.scheduleMidnight();
    this.log.info(
      { event: 'legal-log-started', retentionDays: this.options.retentionDays },
      'legal connection log running',
    );
  }

  /** Queues a record; never throws, never blocks the caller (sessions, conntrack). */
  append(record: LegalRecord): void {
    this.pending.push(record);
    this.capPending();
    if (this.pending.length >= this.options.maxBatchRecords) {
      void this.flush();
    } else if (this.flushTimer === undefined && this.running) {
      this.flushTimer = this.options.clock.setTimeout(() => {
        this.flushTimer = undefined;
        void this.flush();
      }, this.options.flushIntervalMs);
    }
  }

  /** Seals and syncs what is queued; resolves once it is on disk, or kept for a retry if the write failed. */
  flush(): Promise<void> {
    if (this.flushTimer !== undefined) {
      this.options.clock.clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  /** Writes what is queued and stops the timers. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.midnightTimer !== undefined) this.options.clock.clearTimeout(this.midnightTimer);
    this.midnightTimer = undefined;
    await this.flush();
  }

  /** Resolves once the writes and the purge under way are done (tests drive the clock, then wait here). */
  async settled(): Promise<void> {
    await Promise.all([this.writing, this.purging]);
  }

  /** Records still waiting for a successful write. */
  get pendingCount(): number {
    return this.pending.length;
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0);
    const byDay = new Map<string, LegalRecord[]>();
    for (const record of batch) {
      const key = this.day.key(record.at);
      const group = byDay.get(key);
      if (group === undefined) byDay.set(key, [record]);
      else group.push(record);
    }
    const days = [...byDay.keys()].sort();
    for (const [index, day] of days.entries()) {
      const records = byDay.get(day) ?? [];
      try {
        const bytes = await this.appendChunk(day, records);
        this.log.debug({ event: 'chunk-written', records: records.length, bytes }, 'legal log chunk written');
      } catch (err) {
        // This day's records and the later days' go back first in line; nothing is lost.
        const unwritten = days.slice(index).flatMap((later) => byDay.get(later) ?? []);
        this.pending.unshift(...unwritten);
        this.capPending();
        this.log.warn(
          { event: 'chunk-write-failed', code: LegalLogErrorCode.WRITE_FAILED, records: unwritten.length, err },
          'legal log chunk not written; its records are kept and retried',
        );
        this.retryLater();
        return;
      }
    }
    this.noteRecoveredDrops();
  }

  /** One sealed chunk appended and fsynced; a new file is made 0600 and its directory entry synced. */
  private async appendChunk(day: string, records: readonly LegalRecord[]): Promise<number> {
    const chunk = await this.sealer.seal(await encodeRecords(records));
    const path = join(this.options.directory, dayFileName(day));
    const handle = await open(path, 'a+', 0o600);
    let created = false;
    try {
      const { size } = await handle.stat();
      created = size === 0;
      await handle.chmod(0o600);
      // A chunk cut short by a power cut may end mid-line: the next one starts on a line of its own.
      const last = Buffer.alloc(1);
      if (size > 0) await handle.read(last, 0, 1, size - 1);
      const text = size > 0 && last[0] !== 0x0a ? `\n${chunk}` : chunk;
      await handle.write(text, null, 'latin1');
      await handle.sync();
      if (created) await syncDirectory(this.options.directory);
      return text.length;
    } finally {
      await handle.close();
    }
  }

  private capPending(): void {
    const max = this.options.maxPendingRecords ?? DEFAULT_MAX_PENDING_RECORDS;
    const excess = this.pending.length - max;
    if (excess <= 0) return;
    const lost = this.pending.splice(0, excess);
    if (this.dropped === undefined) {
      this.dropped = { count: 0, since: lost[0]?.at ?? this.options.clock.now() };
      this.log.error(
        { event: 'records-dropped', code: LegalLogErrorCode.RECORDS_DROPPED },
        'legal log writes keep failing and memory is full: dropping the oldest records',
      );
    }
    this.dropped.count += lost.length;
  }

  /** After drops, the first successful write is followed by a gap record saying how many went. */
  private noteRecoveredDrops(): void {
    if (this.dropped === undefined) return;
    const { count, since } = this.dropped;
    this.dropped = undefined;
    this.append({ kind: 'gap', reason: 'records-dropped', from: since, at: this.options.clock.now(), lost: count });
  }

  private retryLater(): void {
    if (this.flushTimer !== undefined || !this.running) return;
    this.flushTimer = this.options.clock.setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.options.flushIntervalMs);
  }

  private async purge(): Promise<void> {
    const today = this.day.key(this.options.clock.now());
    try {
      const purged = await purgeExpired(this.options.directory, today, this.options.retentionDays);
      if (purged.length > 0)
        this.log.info({ event: 'legal-log-purged', days: purged }, 'expired legal log days deleted');
    } catch (err) {
      this.log.warn({ event: 'legal-log-purge-failed', err }, 'could not purge expired legal log days');
    }
  }

  private scheduleMidnight(): void {
    const { clock } = this.options;
    const now = clock.now();
    this.midnightTimer = clock.setTimeout(() => {
      if (!this.running) return;
      this.purging = this.purge();
      this.scheduleMidnight();
    }, this.day.nextMidnight(now) - now);
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
