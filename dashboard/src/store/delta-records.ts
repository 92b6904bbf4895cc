import {
  applyRecord,
  RECORD_KINDS,
  type ReconstructedState,
  type RecordBody,
  type TelemetryRecordV2,
} from '@triporteur/edge/contract';
import type { BatteryReading, BatteryTable } from './battery.js';
import { positionToStore, stateToStore } from './privacy.js';
import type { Dialect, SqlExecutor } from './sql/types.js';
import type { DeltaInsertResult, UnitState } from './types.js';

interface BootRow {
  boot_id: string;
  last_seq: number;
  state: string;
  updated_at: number;
}

interface RecordRow {
  seq: number;
  ts: number;
  received_at: number;
  historical: number;
  body: string;
  position: string | null;
}

const SQL = {
  insert: `INSERT INTO telemetry_records (unit_id, boot_id, seq, ts, received_at, historical, body, unit_ts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (unit_id, boot_id, seq) DO NOTHING`,
  // Positions live apart, so they can be kept for less time than the rest (retention.ts).
  insertPosition: `INSERT INTO positions (unit_id, boot_id, seq, ts, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (unit_id, boot_id, seq) DO NOTHING`,
  boot: 'SELECT boot_id, last_seq, state, updated_at FROM boot_states WHERE unit_id = $1 AND boot_id = $2',
  saveBoot: `INSERT INTO boot_states (unit_id, boot_id, last_seq, state, first_received_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (unit_id, boot_id) DO UPDATE
       SET last_seq = excluded.last_seq, state = excluded.state, updated_at = excluded.updated_at`,
  recordsOfBoot: `SELECT r.seq, r.ts, r.received_at, r.historical, r.body, p.body AS position
     FROM telemetry_records r
     LEFT JOIN positions p ON p.unit_id = r.unit_id AND p.boot_id = r.boot_id AND p.seq = r.seq
     WHERE r.unit_id = $1 AND r.boot_id = $2 ORDER BY r.seq`,
  recordsBetween: `SELECT r.seq, r.ts, r.received_at, r.historical, r.body, p.body AS position
     FROM telemetry_records r
     LEFT JOIN positions p ON p.unit_id = r.unit_id AND p.boot_id = r.boot_id AND p.seq = r.seq
     WHERE r.unit_id = $1 AND r.boot_id = $2 AND r.seq >= $3 AND r.seq <= $4 ORDER BY r.seq`,
  bootsSince: `SELECT boot_id FROM telemetry_records WHERE unit_id = $1 AND ts >= $2
     GROUP BY boot_id ORDER BY min(ts)`,
  // The boot the unit last announced on its state topic, else the one whose records began arriving last:
  // unit clocks cannot order boots (no RTC before NTP), and an outbox may replay an old boot after a new one.
  // Ties on arrival time go to the boot stored last: SQLite's rowid, PostgreSQL's arrival serial.
  latestBoot: (dialect: Dialect) => `SELECT b.boot_id, b.last_seq, b.state, b.updated_at
     FROM boot_states b JOIN units u ON u.id = b.unit_id
     WHERE b.unit_id = $1 AND u.active = 1
     ORDER BY CASE WHEN b.boot_id = u.boot_id THEN 1 ELSE 0 END DESC, b.first_received_at DESC,
       ${dialect === 'sqlite' ? 'b.rowid' : 'b.arrival'} DESC
     LIMIT 1`,
};

/** The kinds of a record without its envelope: what telemetry_records.body holds. */
function kindsOf(record: TelemetryRecordV2): Omit<RecordBody, 'ts'> {
  const kinds: Record<string, unknown> = {};
  for (const kind of RECORD_KINDS) if (record[kind] !== undefined && kind !== 'position') kinds[kind] = record[kind];
  return kinds as Omit<RecordBody, 'ts'>;
}

/** The battery values after a record that carried battery, once the boot has had a full battery update. */
function batteryAfter(
  record: { seq: number; ts: number; historical: boolean; touchesBattery: boolean },
  state: ReconstructedState,
  receivedAt: number,
): BatteryReading | undefined {
  const battery = state.battery;
  if (!record.touchesBattery || !battery?.complete) return undefined;
  const { state: deviceState, socPct, voltageV, currentA, ...rest } = battery.values;
  if (deviceState === undefined || socPct === undefined || voltageV === undefined || currentA === undefined) {
    return undefined;
  }
  const { seq, ts, historical } = record;
  return { seq, ts, historical, receivedAt, deviceState, socPct, voltageV, currentA, extra: JSON.stringify(rest) };
}

/**
 * Payload-v2 records (telemetry_records) and each boot's fold of them (boot_states).
 *
 * Records of a boot normally arrive in seq order, and each batch is folded onto the stored state. A record
 * older than the last one applied (a late redelivery filling a gap) makes the boot fold again from its
 * stored records, so the state ends as if everything had arrived in order. Every record that carries
 * battery also writes the rebuilt battery values to battery_records, which feeds the existing battery
 * history and the unit's summary.
 */
export class DeltaRecordTable {
  constructor(
    private readonly db: SqlExecutor,
    private readonly battery: BatteryTable,
  ) {}

  /**
   * Call inside a transaction. `ts` of each record is already the trusted time (clock.ts); the unit's own
   * clock reading, when it was not trusted, comes in `unitTs` by seq.
   */
  async insert(
    unitId: string,
    bootId: string,
    records: readonly TelemetryRecordV2[],
    receivedAt: number,
    unitTs: ReadonlyMap<number, number> = new Map(),
  ): Promise<DeltaInsertResult> {
    const fresh: TelemetryRecordV2[] = [];
    let duplicates = 0;
    for (const original of [...records].sort((a, b) => a.seq - b.seq)) {
      const record = withStorablePosition(original);
      const info = await this.db.run(SQL.insert, [
        unitId,
        bootId,
        record.seq,
        record.ts,
        receivedAt,
        record.historical ? 1 : 0,
        JSON.stringify(kindsOf(record)),
        unitTs.get(record.seq) ?? null,
      ]);
      if (info.changes === 0) {
        duplicates++;
        continue;
      }
      if (record.position) {
        await this.db.run(SQL.insertPosition, [unitId, bootId, record.seq, record.ts, JSON.stringify(record.position)]);
      }
      fresh.push(record);
    }
    const first = fresh[0];
    const last = fresh.at(-1);
    if (!first || !last) return { inserted: 0, duplicates, rebuilt: false, insertedSeqs: [] };

    const held = await this.db.get<BootRow>(SQL.boot, [unitId, bootId]);
    const rebuilt = held !== undefined && first.seq < held.last_seq;
    const folded = rebuilt
      ? await this.refold(unitId, bootId, first.seq)
      : await this.foldOnto(
          unitId,
          bootId,
          held ? (JSON.parse(held.state) as ReconstructedState) : {},
          fresh,
          receivedAt,
        );
    const state = stateToStore(folded);
    const lastSeq = Math.max(held?.last_seq ?? -1, last.seq);
    await this.db.run(SQL.saveBoot, [unitId, bootId, lastSeq, JSON.stringify(state), receivedAt]);
    return { inserted: fresh.length, duplicates, rebuilt, insertedSeqs: fresh.map((r) => r.seq) };
  }

  /** The boot's stored records with `fromSeq` ≤ seq ≤ `toSeq`, in seq order, positions as stored. */
  async stored(unitId: string, bootId: string, fromSeq = 0, toSeq = Number.MAX_SAFE_INTEGER) {
    const rows = await this.db.all<RecordRow>(SQL.recordsBetween, [unitId, bootId, fromSeq, toSeq]);
    return rows.map(recordOf);
  }

  /** The unit's boots with a record at or after `ts`, the earliest-starting first. */
  async bootsSince(unitId: string, ts: number): Promise<string[]> {
    const rows = await this.db.all<{ boot_id: string }>(SQL.bootsSince, [unitId, ts]);
    return rows.map((r) => r.boot_id);
  }

  /** The latest fold of the unit's most recent boot. */
  async latest(unitId: string): Promise<UnitState | undefined> {
    const row = await this.db.get<BootRow>(SQL.latestBoot(this.db.dialect), [unitId]);
    if (!row) return undefined;
    return {
      bootId: row.boot_id,
      lastSeq: row.last_seq,
      receivedAt: row.updated_at,
      state: JSON.parse(row.state) as ReconstructedState,
    };
  }

  /** In-order arrival: applies the new records onto the stored fold. */
  private async foldOnto(
    unitId: string,
    bootId: string,
    start: ReconstructedState,
    fresh: readonly TelemetryRecordV2[],
    receivedAt: number,
  ): Promise<ReconstructedState> {
    let state = start;
    const stored: BatteryReading[] = [];
    for (const record of fresh) {
      state = applyRecord(state, record);
      const { seq, ts, historical = false } = record;
      const reading = batteryAfter(
        { seq, ts, historical, touchesBattery: record.battery !== undefined },
        state,
        receivedAt,
      );
      if (reading && (await this.battery.insert(unitId, bootId, reading, 2))) stored.push(reading);
    }
    await this.battery.promoteLatest(unitId, bootId, stored);
    return state;
  }

  /**
   * A late record: folds the whole boot again in seq order. Battery rows from `fromSeq` on are written
   * again, since the late record may change what every later one rebuilds to.
   */
  private async refold(unitId: string, bootId: string, fromSeq: number): Promise<ReconstructedState> {
    let state: ReconstructedState = {};
    const stored: BatteryReading[] = [];
    for (const row of await this.db.all<RecordRow>(SQL.recordsOfBoot, [unitId, bootId])) {
      const record = recordOf(row);
      state = applyRecord(state, record);
      if (row.seq < fromSeq) continue;
      const meta = {
        seq: row.seq,
        ts: row.ts,
        historical: row.historical === 1,
        touchesBattery: record.battery !== undefined,
      };
      const reading = batteryAfter(meta, state, row.received_at);
      if (!reading) continue;
      if (await this.battery.insert(unitId, bootId, reading, 2)) stored.push(reading);
      else await this.battery.rewrite(unitId, bootId, reading);
    }
    await this.battery.refreshLatest(unitId, bootId);
    await this.battery.promoteLatest(unitId, bootId, stored);
    return state;
  }
}

/** A stored row as the record it came from (position as stored, unit clock reading dropped). */
function recordOf(row: RecordRow): TelemetryRecordV2 {
  const kinds = JSON.parse(row.body) as Omit<RecordBody, 'ts'>;
  const position = row.position === null ? {} : { position: JSON.parse(row.position) as RecordBody['position'] };
  const historical = row.historical === 1 ? { historical: true } : {};
  return { seq: row.seq, ts: row.ts, ...kinds, ...position, ...historical };
}

/** The record with its position as it may be stored: nothing of where the tricycle is while paused. */
function withStorablePosition(record: TelemetryRecordV2): TelemetryRecordV2 {
  if (!record.position) return record;
  const paused = record.aux?.pauseLocation === true;
  return { ...record, position: positionToStore(record.position, paused) };
}
