import type { BatteryRecord } from '@triporteur/edge/contract';
import type { SqlExecutor } from './sql/types.js';

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

const SQL = {
  insert: `INSERT INTO battery_records
       (unit_id, boot_id, seq, ts, received_at, historical, device_state, soc, voltage, current, extra, payload_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (unit_id, boot_id, seq) DO NOTHING`,
  // Only rows rebuilt from v2 may change; a v1 row is what the unit said and stays as it is.
  rewrite: `UPDATE battery_records SET device_state = $4, soc = $5, voltage = $6, current = $7, extra = $8
     WHERE unit_id = $1 AND boot_id = $2 AND seq = $3 AND payload_version = 2`,
  row: 'SELECT ts, soc, voltage, current FROM battery_records WHERE unit_id = $1 AND boot_id = $2 AND seq = $3',
  held: 'SELECT battery_boot_id, battery_ts, battery_seq FROM units WHERE id = $1',
  setLatest: `UPDATE units SET battery_boot_id = $1, battery_ts = $2, battery_seq = $3, soc = $4, voltage = $5, current = $6
     WHERE id = $7`,
};

/** battery_records and the unit's latest battery summary (units.soc, voltage, current). */
export class BatteryTable {
  constructor(private readonly db: SqlExecutor) {}

  /** True when the row is new; false when (unit, boot, seq) is already stored. */
  async insert(unitId: string, bootId: string, reading: BatteryReading, source: BatterySource): Promise<boolean> {
    const { seq, ts, receivedAt, historical, deviceState, socPct, voltageV, currentA, extra } = reading;
    const info = await this.db.run(SQL.insert, [
      unitId,
      bootId,
      seq,
      ts,
      receivedAt,
      historical ? 1 : 0,
      deviceState,
      socPct,
      voltageV,
      currentA,
      extra,
      source,
    ]);
    return info.changes > 0;
  }

  /** Replaces the values of a row rebuilt from v2, after a late record changed the fold before it. */
  async rewrite(unitId: string, bootId: string, reading: BatteryReading): Promise<void> {
    const { deviceState, socPct, voltageV, currentA, extra, seq } = reading;
    await this.db.run(SQL.rewrite, [unitId, bootId, seq, deviceState, socPct, voltageV, currentA, extra]);
  }

  /** Moves the unit's summary to the last of the rows just stored (all of `bootId`) if it is newer. */
  async promoteLatest(unitId: string, bootId: string, stored: readonly BatteryReading[]): Promise<void> {
    let latest: BatteryReading | undefined;
    for (const reading of stored) if (!latest || reading.seq > latest.seq) latest = reading;
    if (!latest || !(await this.isNewer(unitId, bootId, latest))) return;
    const { ts, seq, socPct, voltageV, currentA } = latest;
    await this.db.run(SQL.setLatest, [bootId, ts, seq, socPct, voltageV, currentA, unitId]);
  }

  /** Re-reads the summary from its row when that row belongs to `bootId` (whose rows were just rewritten). */
  async refreshLatest(unitId: string, bootId: string): Promise<void> {
    const held = await this.db.get<HeldSummary>(SQL.held, [unitId]);
    if (!held || held.battery_boot_id !== bootId || held.battery_seq === null) return;
    const row = await this.db.get<{ ts: number; soc: number; voltage: number; current: number }>(SQL.row, [
      unitId,
      bootId,
      held.battery_seq,
    ]);
    if (!row) return;
    await this.db.run(SQL.setLatest, [bootId, row.ts, held.battery_seq, row.soc, row.voltage, row.current, unitId]);
  }

  /**
   * Which record the page shows as "now". Within the boot it holds, seq orders records exactly (the unit
   * clock may step), so a redelivery or an outbox flush never rolls it back. Across boots, a live record
   * wins and a replayed (historical) one never does: unit clocks cannot order boots.
   */
  private async isNewer(unitId: string, bootId: string, record: BatteryReading): Promise<boolean> {
    const held = await this.db.get<HeldSummary>(SQL.held, [unitId]);
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
