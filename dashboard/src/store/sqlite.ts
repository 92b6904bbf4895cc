import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StatePayload, TelemetryRecord } from '@triporteur/edge/contract';
import Database from 'better-sqlite3';
import { DashboardError, DashboardErrorCode } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import type { FleetStore, InsertResult, UnitDefinition, UnitSummary } from './types.js';

interface UnitRow {
  id: string;
  name: string;
  state: 'unknown' | 'online' | 'offline';
  boot_id: string | null;
  last_seen: number | null;
  battery_boot_id: string | null;
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
  const unitColumns = 'id, name, state, boot_id, last_seen, battery_boot_id, battery_ts, soc, voltage, current';
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
    insertBattery: db.prepare(
      `INSERT OR IGNORE INTO battery_records
         (unit_id, boot_id, seq, ts, received_at, historical, device_state, soc, voltage, current, extra)
       VALUES (@unitId, @bootId, @seq, @ts, @receivedAt, @historical, @deviceState, @soc, @voltage, @current, @extra)`,
    ),
    latestBattery: db.prepare('SELECT battery_boot_id, battery_ts FROM units WHERE id = ?'),
    setLatestBattery: db.prepare(
      'UPDATE units SET battery_boot_id = ?, battery_ts = ?, soc = ?, voltage = ?, current = ? WHERE id = ?',
    ),
    listUnits: db.prepare(`SELECT ${unitColumns} FROM units WHERE active = 1 ORDER BY name, id`),
    getUnit: db.prepare(`SELECT ${unitColumns} FROM units WHERE id = ? AND active = 1`),
    countAll: db.prepare('SELECT count(*) AS n FROM battery_records'),
    countUnit: db.prepare('SELECT count(*) AS n FROM battery_records WHERE unit_id = ?'),
  };
}

export class SqliteFleetStore implements FleetStore {
  private readonly db: Db;
  private readonly stmts: ReturnType<typeof prepareStatements>;

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
        let latest: TelemetryRecord | undefined;
        for (const record of records) {
          const battery = record.battery;
          if (!battery) {
            result.skipped++;
            continue;
          }
          const { state, socPct, voltageV, currentA, ...rest } = battery;
          const info = this.stmts.insertBattery.run({
            unitId,
            bootId,
            seq: record.seq,
            ts: record.ts,
            receivedAt,
            historical: record.historical ? 1 : 0,
            deviceState: state,
            soc: socPct,
            voltage: voltageV,
            current: currentA,
            extra: JSON.stringify(rest),
          });
          if (info.changes === 0) {
            result.duplicates++;
            continue;
          }
          result.inserted++;
          if (this.isNewer(unitId, bootId, record, latest)) latest = record;
        }
        if (latest?.battery) {
          const b = latest.battery;
          this.stmts.setLatestBattery.run(bootId, latest.ts, b.socPct, b.voltageV, b.currentA, unitId);
        }
        this.stmts.touch.run(receivedAt, unitId);
        return result;
      })(),
    );
  }

  /**
   * Which record the page shows as "now". A live record beats what we hold; a replayed (historical)
   * one only fills a gap or moves forward within the same boot, so an outbox flush never rolls it back.
   */
  private isNewer(unitId: string, bootId: string, record: TelemetryRecord, current?: TelemetryRecord): boolean {
    if (current)
      return (
        (!record.historical && current.historical) ||
        (record.historical === current.historical && record.ts >= current.ts)
      );
    if (!record.historical) return true;
    const held = this.stmts.latestBattery.get(unitId) as Pick<UnitRow, 'battery_boot_id' | 'battery_ts'> | undefined;
    if (!held || held.battery_ts === null) return true;
    return held.battery_boot_id === bootId && record.ts > held.battery_ts;
  }

  async listUnits(): Promise<UnitSummary[]> {
    return (this.stmts.listUnits.all() as UnitRow[]).map(toSummary);
  }

  async getUnit(unitId: string): Promise<UnitSummary | undefined> {
    const row = this.stmts.getUnit.get(unitId) as UnitRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  async countRecords(unitId?: string): Promise<number> {
    const row = (unitId === undefined ? this.stmts.countAll.get() : this.stmts.countUnit.get(unitId)) as { n: number };
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
