import type { TelemetryRecord } from '../contract/payloads.js';

/**
 * Numbers records within one boot and groups them into batches: one MQTT message per interval
 * instead of one per sample, because per-message overhead dominates the 4G bill.
 */
export class RecordBatcher {
  private nextSeq = 0;
  private pending: TelemetryRecord[] = [];

  constructor(private readonly maxBatch = 100) {}

  add(record: Omit<TelemetryRecord, 'seq' | 'historical'>): TelemetryRecord {
    const full: TelemetryRecord = { seq: this.nextSeq++, historical: false, ...record };
    this.pending.push(full);
    return full;
  }

  get size(): number {
    return this.pending.length;
  }

  /** Takes up to maxBatch records, oldest first. */
  take(): TelemetryRecord[] {
    const batch = this.pending.slice(0, this.maxBatch);
    this.pending = this.pending.slice(batch.length);
    return batch;
  }
}
