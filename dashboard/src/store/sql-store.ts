import type {
  BirthPayload,
  EventPayload,
  StatePayload,
  TelemetryRecord,
  TelemetryRecordV2,
} from '@triporteur/edge/contract';
import { DashboardError, DashboardErrorCode } from '../errors.js';
import { type BatteryReading, BatteryTable, readingOfV1 } from './battery.js';
import { type ClockPolicy, DEFAULT_CLOCK_POLICY, trustedTime } from './clock.js';
import { DeltaRecordTable } from './delta-records.js';
import type { SqlDb, SqlExecutor } from './sql/types.js';
import type {
  BootRecord,
  DeltaInsertResult,
  EventInsertResult,
  FleetStore,
  InsertResult,
  PositionPoint,
  RecordHistorySource,
  StoredEvent,
  StoredRecordSource,
  UnitDefinition,
  UnitState,
  UnitSummary,
} from './types.js';

interface UnitRow {
  id: string;
  name: string;
  state: 'unknown' | 'online' | 'offline';
  boot_id: string | null;
  last_seen: number | null;
  battery_ts: number | null;
  soc: number | null;
  voltage: number | null;
  current: number | null;
}

function toSummary(row: UnitRow): UnitSummary {
  const hasBattery = row.battery_ts !== null && row.soc !== null && row.voltage !== null && row.current !== null;
  return {
    id: row.id,
    name: row.name,
    online: row.state === 'online',
    bootId: row.boot_id,
    lastSeen: row.last_seen,
    battery: hasBattery
      ? { ts: row.battery_ts ?? 0, socPct: row.soc ?? 0, voltageV: row.voltage ?? 0, currentA: row.current ?? 0 }
      : null,
  };
}

const UNIT_COLUMNS = 'id, name, state, boot_id, last_seen, battery_ts, soc, voltage, current';
// Each telemetry record counts once: a v2 record in telemetry_records, a v1 record in battery_records.
// The battery_records rows rebuilt from v2 (payload_version 2) are views of v2 records, not records.
const countRecords = (where: string) =>
  `SELECT (SELECT count(*) FROM battery_records WHERE payload_version = 1 ${where})
        + (SELECT count(*) FROM telemetry_records WHERE TRUE ${where}) AS n`;

const SQL = {
  upsertUnit: `INSERT INTO units (id, name, active) VALUES ($1, $2, 1)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = 1`,
  deactivateAll: 'UPDATE units SET active = 0',
  markAllOffline: "UPDATE units SET state = 'offline' WHERE state = 'online'",
  unitState: 'SELECT state, boot_id FROM units WHERE id = $1',
  setState:
    'UPDATE units SET state = $1, boot_id = $2, state_ts = $3, last_seen = coalesce($4, last_seen) WHERE id = $5',
  touch: `UPDATE units SET last_seen = CASE WHEN coalesce(last_seen, 0) > $1 THEN last_seen ELSE $1 END
     WHERE id = $2`,
  setBirth: 'UPDATE units SET birth = $1, birth_at = $2 WHERE id = $3',
  birth: 'SELECT birth, birth_at FROM units WHERE id = $1',
  listUnits: `SELECT ${UNIT_COLUMNS} FROM units WHERE active = 1 ORDER BY name, id`,
  getUnit: `SELECT ${UNIT_COLUMNS} FROM units WHERE id = $1 AND active = 1`,
  countAll: countRecords(''),
  countUnit: countRecords('AND unit_id = $1'),
  insertEvent: `INSERT INTO unit_events (unit_id, boot_id, seq, ts, received_at, kind, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id, boot_id, seq) DO NOTHING`,
  eventsOf: `SELECT boot_id, seq, ts, received_at, kind, body FROM unit_events
     WHERE unit_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, seq LIMIT $4`,
  positionsOf: `SELECT ts, body FROM positions WHERE unit_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, seq LIMIT $4`,
  // The body never holds the position (it lives in positions), so nothing here says where the unit was.
  recordsInRange: `SELECT boot_id, seq, ts, historical, body FROM telemetry_records
     WHERE unit_id = $1 AND ts >= $2 AND ts < $3 ORDER BY boot_id, seq`,
};

export interface SqlFleetStoreOptions {
  clock?: ClockPolicy;
  /** Where the database is, for messages. */
  where: string;
}

/**
 * The fleet store over the SqlDb seam: the same queries on SQLite and PostgreSQL. Every write of one
 * message is one transaction, so a crash or a refused commit leaves nothing half-stored and the message,
 * not yet acknowledged to the broker, comes again.
 */
export class SqlFleetStore implements FleetStore, StoredRecordSource, RecordHistorySource {
  private readonly clock: ClockPolicy;

  constructor(
    readonly db: SqlDb,
    private readonly options: SqlFleetStoreOptions,
  ) {
    this.clock = options.clock ?? DEFAULT_CLOCK_POLICY;
  }

  get where(): string {
    return this.options.where;
  }

  async upsertUnits(units: readonly UnitDefinition[]): Promise<void> {
    await this.write('upsert units', async (tx) => {
      await tx.run(SQL.deactivateAll);
      for (const unit of units) await tx.run(SQL.upsertUnit, [unit.id, unit.name]);
    });
  }

  async markAllOffline(): Promise<void> {
    await this.write('mark units offline', (tx) => tx.run(SQL.markAllOffline));
  }

  async applyState(unitId: string, state: StatePayload, receivedAt: number): Promise<boolean> {
    return this.write('apply state', async (tx) => {
      const row = await tx.get<Pick<UnitRow, 'state' | 'boot_id'>>(SQL.unitState, [unitId]);
      if (!row) return false;
      // Unit clocks cannot order messages across boots (a Pi has no RTC before NTP), so we don't compare
      // timestamps: an offline for another boot while online is an old boot's will arriving late.
      if (state.state === 'offline' && row.state === 'online' && row.boot_id !== state.bootId) return false;
      // A last will is the broker speaking, not the unit being seen.
      const lastSeen = state.state === 'online' ? receivedAt : null;
      await tx.run(SQL.setState, [state.state, state.bootId, state.ts, lastSeen, unitId]);
      return true;
    });
  }

  async applyBirth(unitId: string, birth: BirthPayload, receivedAt: number): Promise<void> {
    await this.write('store birth', (tx) => tx.run(SQL.setBirth, [JSON.stringify(birth), receivedAt, unitId]));
  }

  async getBirth(unitId: string): Promise<{ birth: BirthPayload; receivedAt: number } | undefined> {
    const row = await this.db.get<{ birth: string | null; birth_at: number | null }>(SQL.birth, [unitId]);
    if (!row?.birth || row.birth_at === null) return undefined;
    return { birth: JSON.parse(row.birth) as BirthPayload, receivedAt: row.birth_at };
  }

  async insertRecords(
    unitId: string,
    bootId: string,
    records: readonly TelemetryRecord[],
    receivedAt: number,
  ): Promise<InsertResult> {
    return this.write('insert records', async (tx) => {
      const battery = new BatteryTable(tx);
      const result: InsertResult = { inserted: 0, duplicates: 0, skipped: 0 };
      const stored: BatteryReading[] = [];
      for (const record of records) {
        if (!record.battery) {
          result.skipped++;
          continue;
        }
        const ts = trustedTime(record.ts, receivedAt, this.clock);
        const reading = readingOfV1({ ...record, ts }, record.battery, receivedAt);
        if (await battery.insert(unitId, bootId, reading, 1)) {
          result.inserted++;
          stored.push(reading);
        } else {
          result.duplicates++;
        }
      }
      await battery.promoteLatest(unitId, bootId, stored);
      await tx.run(SQL.touch, [receivedAt, unitId]);
      return result;
    });
  }

  async insertRecordsV2(
    unitId: string,
    bootId: string,
    records: readonly TelemetryRecordV2[],
    receivedAt: number,
  ): Promise<DeltaInsertResult> {
    const unitTs = new Map<number, number>();
    const trusted = records.map((record) => {
      const ts = trustedTime(record.ts, receivedAt, this.clock);
      if (ts === record.ts) return record;
      unitTs.set(record.seq, record.ts);
      return { ...record, ts };
    });
    const result = await this.write('insert records', async (tx) => {
      const deltas = new DeltaRecordTable(tx, new BatteryTable(tx));
      const outcome = await deltas.insert(unitId, bootId, trusted, receivedAt, unitTs);
      await tx.run(SQL.touch, [receivedAt, unitId]);
      return outcome;
    });
    return unitTs.size === 0 ? result : { ...result, clockSuspect: unitTs.size };
  }

  async insertEvents(unitId: string, events: readonly EventPayload[], receivedAt: number): Promise<EventInsertResult> {
    return this.write('insert events', async (tx) => {
      let inserted = 0;
      for (const event of events) {
        const ts = trustedTime(event.ts, receivedAt, this.clock);
        const info = await tx.run(SQL.insertEvent, [
          unitId,
          event.bootId,
          event.seq,
          ts,
          receivedAt,
          event.kind,
          JSON.stringify(event),
        ]);
        inserted += info.changes;
      }
      await tx.run(SQL.touch, [receivedAt, unitId]);
      return { inserted, duplicates: events.length - inserted };
    });
  }

  async eventsOf(unitId: string, from: number, to: number, limit = 1000): Promise<StoredEvent[]> {
    const rows = await this.db.all<{ boot_id: string; seq: number; ts: number; received_at: number; body: string }>(
      SQL.eventsOf,
      [unitId, from, to, limit],
    );
    return rows.map((row) => ({
      ts: row.ts,
      receivedAt: row.received_at,
      event: JSON.parse(row.body) as EventPayload,
    }));
  }

  async positionsOf(unitId: string, from: number, to: number, limit = 10_000): Promise<PositionPoint[]> {
    const rows = await this.db.all<{ ts: number; body: string }>(SQL.positionsOf, [unitId, from, to, limit]);
    return rows.map((row) => ({ ts: row.ts, position: JSON.parse(row.body) as PositionPoint['position'] }));
  }

  async getUnitState(unitId: string): Promise<UnitState | undefined> {
    return new DeltaRecordTable(this.db, new BatteryTable(this.db)).latest(unitId);
  }

  async storedRecords(unitId: string, bootId: string, fromSeq?: number, toSeq?: number) {
    return new DeltaRecordTable(this.db, new BatteryTable(this.db)).stored(unitId, bootId, fromSeq, toSeq);
  }

  async bootsSince(unitId: string, ts: number): Promise<string[]> {
    return new DeltaRecordTable(this.db, new BatteryTable(this.db)).bootsSince(unitId, ts);
  }

  async recordsInRange(unitId: string, from: number, to: number): Promise<BootRecord[]> {
    const rows = await this.db.all<{ boot_id: string; seq: number; ts: number; historical: number; body: string }>(
      SQL.recordsInRange,
      [unitId, from, to],
    );
    return rows.map((row) => ({
      bootId: row.boot_id,
      record: {
        ...(JSON.parse(row.body) as Omit<TelemetryRecordV2, 'seq' | 'ts'>),
        seq: row.seq,
        ts: row.ts,
        ...(row.historical === 1 ? { historical: true } : {}),
      },
    }));
  }

  async listUnits(): Promise<UnitSummary[]> {
    return (await this.db.all<UnitRow>(SQL.listUnits)).map(toSummary);
  }

  async getUnit(unitId: string): Promise<UnitSummary | undefined> {
    const row = await this.db.get<UnitRow>(SQL.getUnit, [unitId]);
    return row ? toSummary(row) : undefined;
  }

  async countRecords(unitId?: string): Promise<number> {
    const row =
      unitId === undefined
        ? await this.db.get<{ n: number }>(SQL.countAll)
        : await this.db.get<{ n: number }>(SQL.countUnit, [unitId]);
    return row?.n ?? 0;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private async write<T>(what: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (err) {
      if (err instanceof DashboardError) throw err;
      throw new DashboardError(DashboardErrorCode.STORE_WRITE, `store could not ${what}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}
