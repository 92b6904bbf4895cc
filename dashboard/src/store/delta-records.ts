import {
  applyRecord,
  RECORD_KINDS,
  type ReconstructedState,
  type RecordBody,
  type TelemetryRecordV2,
} from '@triporteur/edge/contract';
import type Database from 'better-sqlite3';
import type { BatteryReading, BatteryTable } from './battery.js';
import type { DeltaInsertResult, UnitState } from './types.js';

type Db = InstanceType<typeof Database>;

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
}

function prepare(db: Db) {
  return {
    insert: db.prepare(
      `INSERT OR IGNORE INTO telemetry_records (unit_id, boot_id, seq, ts, received_at, historical, body)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    boot: db.prepare('SELECT boot_id, last_seq, state, updated_at FROM boot_states WHERE unit_id = ? AND boot_id = ?'),
    saveBoot: db.prepare(
      `INSERT INTO boot_states (unit_id, boot_id, last_seq, state, first_received_at, updated_at)
       VALUES (@unitId, @bootId, @lastSeq, @state, @receivedAt, @receivedAt)
       ON CONFLICT (unit_id, boot_id) DO UPDATE
         SET last_seq = excluded.last_seq, state = excluded.state, updated_at = excluded.updated_at`,
    ),
    recordsOfBoot: db.prepare(
      'SELECT seq, ts, received_at, historical, body FROM telemetry_records WHERE unit_id = ? AND boot_id = ? ORDER BY seq',
    ),
    // The boot the unit last announced on its state topic, else the one whose records began arriving last:
    // unit clocks cannot order boots (no RTC before NTP), and an outbox may replay an old boot after a new one.
    latestBoot: db.prepare(
      `SELECT b.boot_id, b.last_seq, b.state, b.updated_at
       FROM boot_states b JOIN units u ON u.id = b.unit_id
       WHERE b.unit_id = ? AND u.active = 1
       ORDER BY b.boot_id IS u.boot_id DESC, b.first_received_at DESC, b.rowid DESC
       LIMIT 1`,
    ),
  };
}

/** The kinds of a record without its envelope: what telemetry_records.body holds. */
function kindsOf(record: TelemetryRecordV2): Omit<RecordBody, 'ts'> {
  const kinds: Record<string, unknown> = {};
  for (const kind of RECORD_KINDS) if (record[kind] !== undefined) kinds[kind] = record[kind];
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
  private readonly stmts: ReturnType<typeof prepare>;

  constructor(
    db: Db,
    private readonly battery: BatteryTable,
  ) {
    this.stmts = prepare(db);
  }

  /** Call inside a transaction. */
  insert(unitId: string, bootId: string, records: readonly TelemetryRecordV2[], receivedAt: number): DeltaInsertResult {
    const fresh: TelemetryRecordV2[] = [];
    let duplicates = 0;
    for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
      const info = this.stmts.insert.run(
        unitId,
        bootId,
        record.seq,
        record.ts,
        receivedAt,
        record.historical ? 1 : 0,
        JSON.stringify(kindsOf(record)),
      );
      if (info.changes > 0) fresh.push(record);
      else duplicates++;
    }
    const first = fresh[0];
    const last = fresh.at(-1);
    if (!first || !last) return { inserted: 0, duplicates, rebuilt: false };

    const held = this.stmts.boot.get(unitId, bootId) as BootRow | undefined;
    const rebuilt = held !== undefined && first.seq < held.last_seq;
    const state = rebuilt
      ? this.refold(unitId, bootId, first.seq)
      : this.foldOnto(unitId, bootId, held ? (JSON.parse(held.state) as ReconstructedState) : {}, fresh, receivedAt);
    const lastSeq = Math.max(held?.last_seq ?? -1, last.seq);
    this.stmts.saveBoot.run({ unitId, bootId, lastSeq, state: JSON.stringify(state), receivedAt });
    return { inserted: fresh.length, duplicates, rebuilt };
  }

  /** The latest fold of the unit's most recent boot. */
  latest(unitId: string): UnitState | undefined {
    const row = this.stmts.latestBoot.get(unitId) as BootRow | undefined;
    if (!row) return undefined;
    return {
      bootId: row.boot_id,
      lastSeq: row.last_seq,
      receivedAt: row.updated_at,
      state: JSON.parse(row.state) as ReconstructedState,
    };
  }

  /** In-order arrival: applies the new records onto the stored fold. */
  private foldOnto(
    unitId: string,
    bootId: string,
    start: ReconstructedState,
    fresh: readonly TelemetryRecordV2[],
    receivedAt: number,
  ): ReconstructedState {
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
      if (reading && this.battery.insert(unitId, bootId, reading, 2)) stored.push(reading);
    }
    this.battery.promoteLatest(unitId, bootId, stored);
    return state;
  }

  /**
   * A late record: folds the whole boot again in seq order. Battery rows from `fromSeq` on are written
   * again, since the late record may change what every later one rebuilds to.
   */
  private refold(unitId: string, bootId: string, fromSeq: number): ReconstructedState {
    let state: ReconstructedState = {};
    const stored: BatteryReading[] = [];
    // .all(), not .iterate(): the connection must stay free for the battery writes inside the loop.
    for (const row of this.stmts.recordsOfBoot.all(unitId, bootId) as RecordRow[]) {
      const kinds = JSON.parse(row.body) as Omit<RecordBody, 'ts'>;
      state = applyRecord(state, { ts: row.ts, ...kinds });
      if (row.seq < fromSeq) continue;
      const meta = {
        seq: row.seq,
        ts: row.ts,
        historical: row.historical === 1,
        touchesBattery: kinds.battery !== undefined,
      };
      const reading = batteryAfter(meta, state, row.received_at);
      if (!reading) continue;
      if (this.battery.insert(unitId, bootId, reading, 2)) stored.push(reading);
      else this.battery.rewrite(unitId, bootId, reading);
    }
    this.battery.refreshLatest(unitId, bootId);
    this.battery.promoteLatest(unitId, bootId, stored);
    return state;
  }
}
