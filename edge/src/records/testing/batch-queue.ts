import type { RecordBody, TelemetryRecordV2 } from '../../contract/records.js';

export interface BatchQueueOptions {
  /** telemetry.batchIntervalMs: the oldest pending record waits at most this long (times the stretch). */
  intervalMs: number;
  /** The contract's limit per batch. */
  maxRecords?: number;
}

/**
 * The batching rule as a pure model, for the bytes and reconstruction tests (the edge itself batches
 * from the outbox: telemetry/pipeline.ts applies the same rule, counting ticks).
 * Numbers records within a boot and says when a batch is due: when the oldest pending record has
 * waited a batch interval, when an alarm is pending, or when a batch is full. Per-message overhead
 * (MQTT, TLS, TCP/IP and the PUBACK) outweighs a whole batch of deltas, so fewer, fuller messages are
 * the main saving. Pure: the caller owns the timer and passes `now`.
 */
export class BatchQueue {
  private nextSeq = 0;
  private pending: TelemetryRecordV2[] = [];
  private urgent = false;
  private readonly maxRecords: number;

  constructor(private readonly options: BatchQueueOptions) {
    this.maxRecords = options.maxRecords ?? 500;
  }

  push(body: RecordBody, urgent = false): TelemetryRecordV2 {
    const record: TelemetryRecordV2 = { seq: this.nextSeq++, ...body };
    this.pending.push(record);
    this.urgent ||= urgent;
    return record;
  }

  get size(): number {
    return this.pending.length;
  }

  /** Alarms are never stretched: an urgent record makes the batch due whatever the stretch. */
  due(now: number, stretch = 1): boolean {
    const oldest = this.pending[0];
    if (oldest === undefined) return false;
    if (this.urgent || this.pending.length >= this.maxRecords) return true;
    // A clock set back (GPS time on a Pi without RTC) must not hold records until it catches up.
    return now < oldest.ts || now - oldest.ts >= this.options.intervalMs * Math.max(1, stretch);
  }

  /** Takes up to maxRecords records, oldest first. */
  take(): TelemetryRecordV2[] {
    const batch = this.pending.slice(0, this.maxRecords);
    this.pending = this.pending.slice(batch.length);
    if (this.pending.length === 0) this.urgent = false;
    return batch;
  }
}
