import type { BatteryRecord } from '@triporteur/edge/contract';
import type Database from 'better-sqlite3';

type Db = InstanceType<typeof Database>;

/** One battery reading of a boot, sent as such (payload v1) or rebuilt from v2 deltas. */
export interface BatteryReading {
  seq: number;
  ts: number;
  historical: boolean;
  receivedAt: number;
  deviceState: BatteryRecord['state'];
  socPct: number;
  voltageV: number;
  currentA: number;
  /** Every other battery field as JSON (cells, temperatures, flags… and, from v2, the quality map). */
  extra: string;
}

/** Which payload version a battery_records row came from; see migration 2. */
export type BatterySource = 1 | 2;

interface HeldSummary {
  battery_boot_id: string | null;
  battery_ts: number | null;
  battery_seq: number | null;
}

function prepare(db: Db) {
  return {
    insert: db.prepare(
      `INSERT OR IGNORE INTO battery_records
       (unit_id, boot_id, seq, ts, received_at, historical, device_state, soc, voltage, current, extra, payload_version)
     VALUES (@unitId, @bootId, @seq, @ts, @receivedAt, @historical, @deviceState, @socPct, @voltageV, @currentA,
             @extra, @source)`,
    ),
    // Only rows rebuilt from v2 may change; a v1 row is what the unit said and stays as it is.
    rewrite: db.prepare(
      `UPDATE battery_records SET device_state = @deviceState, soc = @socPct, voltage = @voltageV,
       current = @currentA, extra = @extra
     WHERE unit_id = @unitId AND boot_id = @bootId AND seq = @seq AND payload_version = 2`,
    ),
    row: db.prepare(
      'SELECT ts, soc, voltage, current FROM battery_records WHERE unit_id = ? AND boot_id = ? AND seq = ?',
    ),
    held: db.prepare('SELECT battery_boot_id, battery_ts, battery_seq FROM units WHERE id = ?'),
    setLatest: db.prepare(
      `UPDATE units SET battery_boot_id = ?, battery_ts = ?, battery_seq = ?, soc = ?, voltage = ?, current = ?
     WHERE id = ?`,
    ),
  };
}

/** battery_records and the unit's latest battery summary (units.soc, voltage, current). */
export class BatteryTable {
  private readonly stmts: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.stmts = prepare(db);
  }

  /** True when the row is new; false when (unit, boot, seq) is already stored. */
  insert(unitId: string, bootId: string, reading: BatteryReading, source: BatterySource): boolean {
    const info = this.stmts.insert.run({
      ...reading,
      unitId,
      bootId,
      historical: reading.historical ? 1 : 0,
      source,
    });
    return info.changes > 0;
  }

  /** Replaces the values of a row rebuilt from v2, after a late record changed the fold before it. */
  rewrite(unitId: string, bootId: string, reading: BatteryReading): void {
    const { deviceState, socPct, voltageV, currentA, extra, seq } = reading;
    this.stmts.rewrite.run({ unitId, bootId, seq, deviceState, socPct, voltageV, currentA, extra });
  }

  /** Moves the unit's summary to the last of the rows just stored (all of `bootId`) if it is newer. */
  promoteLatest(unitId: string, bootId: string, stored: readonly BatteryReading[]): void {
    let latest: BatteryReading | undefined;
    for (const reading of stored) if (!latest || reading.seq > latest.seq) latest = reading;
    if (!latest || !this.isNewer(unitId, bootId, latest)) return;
    const { ts, seq, socPct, voltageV, currentA } = latest;
    this.stmts.setLatest.run(bootId, ts, seq, socPct, voltageV, currentA, unitId);
  }

  /** Re-reads the summary from its row when that row belongs to `bootId` (whose rows were just rewritten). */
  refreshLatest(unitId: string, bootId: string): void {
    const held = this.stmts.held.get(unitId) as HeldSummary | undefined;
    if (!held || held.battery_boot_id !== bootId || held.battery_seq === null) return;
    const row = this.stmts.row.get(unitId, bootId, held.battery_seq) as
      | { ts: number; soc: number; voltage: number; current: number }
      | undefined;
    if (!row) return;
    this.stmts.setLatest.run(bootId, row.ts, held.battery_seq, row.soc, row.voltage, row.current, unitId);
  }

  /**
   * Which record the page shows as "now". Within the boot it holds, seq orders records exactly (the unit
   * clock may step), so a redelivery or an outbox flush never rolls it back. Across boots, a live record
   * wins and a replayed (historical) one never does: unit clocks cannot order boots.
   */
  private isNewer(unitId: string, bootId: string, record: BatteryReading): boolean {
    const held = this.stmts.held.get(unitId) as HeldSummary | undefined;
    if (!held || held.battery_ts === null) return true;
    if (held.battery_boot_id === bootId && held.battery_seq !== null) return record.seq > held.battery_seq;
    if (!record.historical) return true;
    // A summary written before migration 2 has no seq; within its boot, fall back to the unit clock.
    return held.battery_boot_id === bootId && record.ts > held.battery_ts;
  }
}

/** A v1 record's battery part as a reading. */
export function readingOfV1(
  record: { seq: number; ts: number; historical: boolean },
  battery: BatteryRecord,
  receivedAt: number,
): BatteryReading {
  const { state, socPct, voltageV, currentA, ...rest } = battery;
  return {
    seq: record.seq,
    ts: record.ts,
    historical: record.historical,
    receivedAt,
    deviceState: state,
    socPct,
    voltageV,
    currentA,
    extra: JSON.stringify(rest),
  };
}
