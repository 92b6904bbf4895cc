import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StatePayload, TelemetryRecord, TelemetryRecordV2 } from '@triporteur/edge/contract';
import Database from 'better-sqlite3';
import { DashboardError, DashboardErrorCode } from '../errors.js';
import { type BatteryReading, BatteryTable, readingOfV1 } from './battery.js';
import { DeltaRecordTable } from './delta-records.js';
import { MIGRATIONS } from './migrations.js';
import type { DeltaInsertResult, FleetStore, InsertResult, UnitDefinition, UnitState, UnitSummary } from './types.js';

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

type Db = InstanceType<typeof Database>;

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

/** Applies the numbered migrations not yet recorded, each in its own transaction. */
function migrate(db: Db, path: string): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const newest = Math.max(0, ...applied);
  const known = MIGRATIONS.length === 0 ? 0 : Math.max(...MIGRATIONS.map((m) => m.version));
  if (newest > known) {
    throw new DashboardError(
      DashboardErrorCode.STORE_SCHEMA,
      `database ${path} has schema version ${newest}, newer than this dashboard knows (${known}); upgrade the dashboard`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    })();
  }
}

function prepareStatements(db: Db) {
  const unitColumns = 'id, name, state, boot_id, last_seen, battery_ts, soc, voltage, current';
  // Each telemetry record counts once: a v2 record in telemetry_records, a v1 record in battery_records.
  // The battery_records rows rebuilt from v2 (payload_version 2) are views of v2 records, not records.
  const countRecords = (where: string) =>
    `SELECT (SELECT count(*) FROM battery_records WHERE payload_version = 1 ${where})
          + (SELECT count(*) FROM telemetry_records WHERE 1 ${where}) AS n`;
  return {
    upsertUnit: db.prepare(
      'INSERT INTO units (id, name, active) VALUES (?, ?, 1) ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = 1',
    ),
    deactivateAll: db.prepare('UPDATE units SET active = 0'),
    markAllOffline: db.prepare("UPDATE units SET state = 'offline' WHERE state = 'online'"),
    unitState: db.prepare('SELECT state, boot_id FROM units WHERE id = ?'),
    setState: db.prepare(
      'UPDATE units SET state = ?, boot_id = ?, state_ts = ?, last_seen = coalesce(?, last_seen) WHERE id = ?',
    ),
    touch: db.prepare('UPDATE units SET last_seen = max(coalesce(last_seen, 0), ?) WHERE id = ?'),
    listUnits: db.prepare(`SELECT ${unitColumns} FROM units WHERE active = 1 ORDER BY name, id`),
    getUnit: db.prepare(`SELECT ${unitColumns} FROM units WHERE id = ? AND active = 1`),
    countAll: db.prepare(countRecords('')),
    countUnit: db.prepare(countRecords('AND unit_id = @unitId')),
  };
}

export class SqliteFleetStore implements FleetStore {
  private readonly db: Db;
  private readonly stmts: ReturnType<typeof prepareStatements>;
  private readonly battery: BatteryTable;
  private readonly deltas: DeltaRecordTable;

  constructor(readonly path: string) {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
    } catch (err) {
      throw new DashboardError(
        DashboardErrorCode.STORE_OPEN,
        `cannot open database ${path}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    try {
      // WAL lets the web side read while ingest writes; NORMAL syncs at checkpoints, which WAL keeps safe.
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      migrate(this.db, path);
    } catch (err) {
      this.db.close();
      if (err instanceof DashboardError) throw err;
      throw new DashboardError(
        DashboardErrorCode.STORE_OPEN,
        `cannot use database ${path}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.stmts = prepareStatements(this.db);
    this.battery = new BatteryTable(this.db);
    this.deltas = new DeltaRecordTable(this.db, this.battery);
  }

  async upsertUnits(units: readonly UnitDefinition[]): Promise<void> {
    this.write('upsert units', () =>
      this.db.transaction(() => {
        this.stmts.deactivateAll.run();
        for (const unit of units) this.stmts.upsertUnit.run(unit.id, unit.name);
      })(),
    );
  }

  async markAllOffline(): Promise<void> {
    this.write('mark units offline', () => this.stmts.markAllOffline.run());
  }

  async applyState(unitId: string, state: StatePayload, receivedAt: number): Promise<boolean> {
    return this.write('apply state', () => {
      const row = this.stmts.unitState.get(unitId) as Pick<UnitRow, 'state' | 'boot_id'> | undefined;
      if (!row) return false;
      // Unit clocks cannot order messages across boots (a Pi has no RTC before NTP), so we don't compare
      // timestamps: an offline for another boot while online is an old boot's will arriving late.
      if (state.state === 'offline' && row.state === 'online' && row.boot_id !== state.bootId) return false;
      // A last will is the broker speaking, not the unit being seen.
      const lastSeen = state.state === 'online' ? receivedAt : null;
      this.stmts.setState.run(state.state, state.bootId, state.ts, lastSeen, unitId);
      return true;
    });
  }

  async insertRecords(
    unitId: string,
    bootId: string,
    records: readonly TelemetryRecord[],
    receivedAt: number,
  ): Promise<InsertResult> {
    return this.write('insert records', () =>
      this.db.transaction(() => {
        const result: InsertResult = { inserted: 0, duplicates: 0, skipped: 0 };
        const stored: BatteryReading[] = [];
        for (const record of records) {
          if (!record.battery) {
            result.skipped++;
            continue;
          }
          const reading = readingOfV1(record, record.battery, receivedAt);
          if (this.battery.insert(unitId, bootId, reading, 1)) {
            result.inserted++;
            stored.push(reading);
          } else {
            result.duplicates++;
          }
        }
        this.battery.promoteLatest(unitId, bootId, stored);
        this.stmts.touch.run(receivedAt, unitId);
        return result;
      })(),
    );
  }

  async insertRecordsV2(
    unitId: string,
    bootId: string,
    records: readonly TelemetryRecordV2[],
    receivedAt: number,
  ): Promise<DeltaInsertResult> {
    return this.write('insert records', () =>
      this.db.transaction(() => {
        const result = this.deltas.insert(unitId, bootId, records, receivedAt);
        this.stmts.touch.run(receivedAt, unitId);
        return result;
      })(),
    );
  }

  async getUnitState(unitId: string): Promise<UnitState | undefined> {
    return this.deltas.latest(unitId);
  }

  async listUnits(): Promise<UnitSummary[]> {
    return (this.stmts.listUnits.all() as UnitRow[]).map(toSummary);
  }

  async getUnit(unitId: string): Promise<UnitSummary | undefined> {
    const row = this.stmts.getUnit.get(unitId) as UnitRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  async countRecords(unitId?: string): Promise<number> {
    const row = (unitId === undefined ? this.stmts.countAll.get() : this.stmts.countUnit.get({ unitId })) as {
      n: number;
    };
    return row.n;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Reads a setting of this connection, for diagnostics and tests. */
  pragma(name: 'journal_mode' | 'synchronous' | 'foreign_keys'): unknown {
    return this.db.pragma(name, { simple: true });
  }

  private write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw new DashboardError(DashboardErrorCode.STORE_WRITE, `store could not ${what}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

export function openSqliteStore(path: string): SqliteFleetStore {
  return new SqliteFleetStore(path);
}
