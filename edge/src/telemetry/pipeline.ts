import type { Logger } from 'pino';
import { encodeBatch } from '../contract/encoding.js';
import type { TelemetryPayload, TelemetryRecord } from '../contract/payloads.js';
import type { TelemetryBatchV2, TelemetryRecordV2 } from '../contract/records.js';
import { EdgeErrorCode, isEdgeError } from '../errors.js';
import type { RecordsConfig } from '../records/config.js';
import { foldRecord } from '../records/fold.js';
import { ReportByException } from '../records/rbe.js';
import type { DeviceKind, DeviceState, RecordSource } from '../records/sources.js';
import type { Outbox, OutboxEntry } from '../uplink/outbox.js';

/** The settings a command may change while running (config-set on telemetry.*). */
export interface LiveTelemetrySettings {
  sampleIntervalMs: number;
  batchIntervalMs: number;
  maxBatch: number;
}

export interface PipelineOptions {
  bootId: string;
  records: Readonly<RecordsConfig>;
  live: Readonly<LiveTelemetrySettings>;
  outbox(): Outbox | undefined;
  /** True while the broker session is up. */
  online(): boolean;
  /** Publishes one encoded batch; resolves on the broker's acknowledgement. */
  publish(bytes: Uint8Array): Promise<void>;
  /** The data budget's multiplier for intervals and deadbands (1 = as configured). */
  stretch(): number;
  clock: { now(): number };
  logger: Logger;
}

export interface PipelineStats {
  /** Records made this boot. */
  recorded: number;
  /** Records held in memory because the outbox could not store them (disk full); retried every tick. */
  held: number;
  /** Records the broker acknowledged this boot (including replays of earlier boots). */
  published: number;
  /** Held records folded into the next one because the disk stayed full past MAX_HELD_RECORDS, this boot. */
  folded: number;
  batches: number;
  /** Bytes of the encoded batches acknowledged (payloads only; the session counts the wire). */
  payloadBytes: number;
}

/** A contract batch carries one bootId and one payload version: the leading run of entries that share both. */
function leadingRun(entries: OutboxEntry[]): { version: 1 | 2; entries: OutboxEntry[]; parsed: unknown[] } {
  const parsed = entries.map((e) => JSON.parse(e.payload) as Record<string, unknown>);
  // v1 records (written before the v2 switch) carry `historical`; v2 bodies never store it.
  const versionOf = (p: Record<string, unknown>) => ('historical' in p ? 1 : 2);
  const first = entries[0];
  const firstParsed = parsed[0];
  if (!first || !firstParsed) return { version: 2, entries: [], parsed: [] };
  const version = versionOf(firstParsed);
  let end = entries.findIndex((e, i) => e.bootId !== first.bootId || versionOf(parsed[i] ?? {}) !== version);
  if (end === -1) end = entries.length;
  return { version, entries: entries.slice(0, end), parsed: parsed.slice(0, end) };
}

/** Records kept in RAM while the disk is full: 2000 ticks of 10 s is five and a half hours. */
export const MAX_HELD_RECORDS = 2000;

interface Held {
  record: TelemetryRecordV2;
  alarm: boolean;
}

/**
 * Samples → report-by-exception records → durable outbox → batches → MQTT.
 *
 * Every `tick()` (telemetry.sampleIntervalMs) turns what changed past its deadband into one record and
 * appends it to the outbox before anything is sent. A batch goes out when its oldest record has waited
 * telemetry.batchIntervalMs (times the budget's stretch), at once when a record holds an alarm, or when a
 * batch is full. Batch timing counts ticks rather than reading the wall clock, so a clock that GPS sets
 * hours forward or back neither floods nor stalls the uplink. Records leave the outbox only once acked.
 */
export class TelemetryPipeline {
  private readonly rbe: ReportByException;
  private readonly log: Logger;
  private nextSeq = 0;
  /** Ticks since the oldest record not yet sent was made; undefined when nothing waits. */
  private waitingTicks: number | undefined;
  private urgent = false;
  private flushing: Promise<void> = Promise.resolve();
  /** Made but not yet in the outbox (disk full), oldest first; they go in before any newer record. */
  private held: Held[] = [];
  private readonly counters: PipelineStats = {
    recorded: 0,
    held: 0,
    published: 0,
    folded: 0,
    batches: 0,
    payloadBytes: 0,
  };

  constructor(private readonly options: PipelineOptions) {
    this.rbe = new ReportByException(options.records);
    this.log = options.logger;
  }

  observe(source: RecordSource): void {
    this.rbe.observe(source);
  }

  linkState(kind: DeviceKind, state: DeviceState): void {
    this.rbe.linkState(kind, state);
  }

  /** The unit's location privacy decides, rather than the aux board's own flag (see ReportByException). */
  locationPaused(paused: boolean): void {
    this.rbe.locationPaused = paused;
  }

  stats(): PipelineStats {
    return { ...this.counters, held: this.held.length };
  }

  /** One report-by-exception step: maybe a record, maybe a batch. */
  tick(): void {
    const stretch = this.options.stretch();
    this.rbe.stretch = stretch;
    const evaluation = this.rbe.evaluate(this.options.clock.now());
    if (evaluation) this.held.push({ record: { seq: this.nextSeq++, ...evaluation.body }, alarm: evaluation.urgent });
    this.persist();
    if (this.waitingTicks !== undefined) this.waitingTicks += 1;
    const depth = this.options.outbox()?.stats().depth ?? 0;
    const waitedMs = (this.waitingTicks ?? 0) * this.options.live.sampleIntervalMs;
    const due =
      this.urgent ||
      depth >= this.options.live.maxBatch ||
      (this.waitingTicks !== undefined && waitedMs >= this.options.live.batchIntervalMs * stretch);
    if (due) void this.flush();
  }

  /** Sends the whole backlog, oldest first, one acknowledged batch at a time, while the link is up. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.drain());
    return this.flushing;
  }

  /**
   * Moves the held records into the outbox in one transaction, oldest first. On a full disk
   * (EDG_OUTBOX_FULL) they stay in memory and the next tick tries again, so a short spell loses
   * nothing; past MAX_HELD_RECORDS the oldest routine records are folded into their successors.
   */
  private persist(): void {
    const outbox = this.options.outbox();
    if (!outbox || this.held.length === 0) return;
    const { bootId } = this.options;
    try {
      outbox.append(
        this.held.map(({ record, alarm }) => ({
          bootId,
          seq: record.seq,
          ts: record.ts,
          alarm,
          payload: JSON.stringify(record),
        })),
      );
    } catch (err) {
      const code = isEdgeError(err) ? err.code : EdgeErrorCode.OUTBOX_IO;
      if (this.held.length === 1 || this.held.length % 100 === 0) {
        this.log.error({ err, code, held: this.held.length }, 'records not stored; held in memory until space frees');
      }
      this.shed();
      return;
    }
    const stored = this.held;
    this.held = [];
    this.counters.recorded += stored.length;
    this.waitingTicks ??= 0;
    this.urgent ||= stored.some((h) => h.alarm);
    if (stored.length > 1) this.log.info({ stored: stored.length }, 'held records stored');
  }

  /** Over the limit, the oldest routine record is folded into the next one: resolution goes, no change is lost. */
  private shed(): void {
    if (this.held.length <= MAX_HELD_RECORDS) return;
    const index = this.held.findIndex((h, i) => !h.alarm && i + 1 < this.held.length);
    const next = this.held[index + 1];
    if (index === -1 || !next) return;
    const [older] = this.held.splice(index, 1);
    if (older) next.record = foldRecord(older.record, next.record);
    this.counters.folded += 1;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const outbox = this.options.outbox();
      if (!outbox || !this.options.online()) return;
      const run = leadingRun(outbox.peek(this.options.live.maxBatch));
      const first = run.entries[0];
      if (!first) {
        this.waitingTicks = undefined;
        this.urgent = false;
        return;
      }
      const bytes = encodeBatch(this.batch(run.version, first.bootId, run.entries, run.parsed), {
        encoding: this.options.records.encoding,
      });
      try {
        await this.options.publish(bytes);
      } catch (err) {
        // Still in the outbox: sent again after the next reconnect, marked historical.
        this.log.warn(
          { err, code: EdgeErrorCode.MQTT_PUBLISH, pending: run.entries.length },
          'telemetry batch not acknowledged',
        );
        return;
      }
      outbox.ack(run.entries.map((e) => e.id));
      this.counters.published += run.entries.length;
      this.counters.batches += 1;
      this.counters.payloadBytes += bytes.byteLength;
    }
  }

  private batch(
    version: 1 | 2,
    bootId: string,
    entries: OutboxEntry[],
    parsed: unknown[],
  ): TelemetryPayload | TelemetryBatchV2 {
    if (version === 1) {
      const records = parsed.map((p, i) => ({ ...(p as TelemetryRecord), historical: entries[i]?.historical ?? true }));
      return { v: 1, bootId, records };
    }
    // `historical` only when true: a live record says nothing, which is the common case and costs nothing.
    const records = parsed.map((p, i) =>
      entries[i]?.historical ? { ...(p as TelemetryRecordV2), historical: true } : (p as TelemetryRecordV2),
    );
    return { v: 2, bootId, records };
  }
}
