import { type Static, Type } from '@sinclair/typebox';
import type {
  BirthPayload,
  EventPayload,
  ReconstructedState,
  StatePayload,
  TelemetryRecord,
  TelemetryRecordV2,
} from '@triporteur/edge/contract';

/** Latest battery values of a unit, as the API and the live page show them. */
export const BatterySummarySchema = Type.Object({
  ts: Type.Integer({ description: 'Unit clock of the record, ms since epoch' }),
  socPct: Type.Number(),
  voltageV: Type.Number(),
  currentA: Type.Number(),
});

export const UnitSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  online: Type.Boolean(),
  bootId: Type.Union([Type.String(), Type.Null()]),
  lastSeen: Type.Union([Type.Integer(), Type.Null()], { description: 'Dashboard clock, ms since epoch' }),
  battery: Type.Union([BatterySummarySchema, Type.Null()]),
});

export type BatterySummary = Static<typeof BatterySummarySchema>;
export type UnitSummary = Static<typeof UnitSummarySchema>;

export interface UnitDefinition {
  readonly id: string;
  readonly name: string;
}

export interface InsertResult {
  /** Records newly stored. */
  inserted: number;
  /** Records already stored under the same (unit, bootId, seq): a redelivery or an outbox replay. */
  duplicates: number;
  /** v1 records without a battery part; a v1 record holds nothing else, so they are not stored. */
  skipped: number;
}

export interface DeltaInsertResult {
  /** Records newly stored. */
  inserted: number;
  /** Records already stored under the same (unit, bootId, seq): a redelivery or an outbox replay. */
  duplicates: number;
  /** True when a record older than the boot's last applied one arrived and the boot was folded again. */
  rebuilt: boolean;
  /** The seqs newly stored, ascending (`inserted` of them). */
  insertedSeqs: number[];
  /** Records whose unit clock was not believable, filed under their arrival time instead (clock.ts). */
  clockSuspect?: number;
}

export interface EventInsertResult {
  inserted: number;
  /** Already stored under the same (unit, bootId, seq). */
  duplicates: number;
}

export interface StoredEvent {
  /** Trusted time (clock.ts). */
  ts: number;
  receivedAt: number;
  event: EventPayload;
}

export interface PositionPoint {
  ts: number;
  /** As stored: without coordinates while the unit's location was paused. */
  position: NonNullable<TelemetryRecordV2['position']>;
}

/** What the dashboard rebuilt of a unit from its payload-v2 records. */
export interface UnitState {
  bootId: string;
  /** Last seq folded into `state`; the boot's records up to it may still have gaps. */
  lastSeq: number;
  /** Dashboard clock when the last batch that changed it arrived, ms since epoch. */
  receivedAt: number;
  /** The fold of the boot's records in seq order (applyRecord from the contract). */
  state: ReconstructedState;
}

/**
 * What the dashboard needs from its storage, the same on SQLite and PostgreSQL (sql-store.ts).
 * Record times are the unit's clock when believable, else the arrival time (clock.ts).
 */
export interface FleetStore {
  /** Makes the configured units the active set; units left out stay in history but are not listed. */
  upsertUnits(units: readonly UnitDefinition[]): Promise<void>;
  /** Marks every unit offline, e.g. when an embedded broker starts and nobody can be connected yet. */
  markAllOffline(): Promise<void>;
  /** Returns false when the payload was ignored as stale (an old boot's last will arriving late). */
  applyState(unitId: string, state: StatePayload, receivedAt: number): Promise<boolean>;
  insertRecords(
    unitId: string,
    bootId: string,
    records: readonly TelemetryRecord[],
    receivedAt: number,
  ): Promise<InsertResult>;
  /**
   * Stores payload-v2 records, folds them into their boot's state, and writes the rebuilt battery values of
   * each record that carries battery to the battery history and summary, as v1 records do.
   */
  insertRecordsV2(
    unitId: string,
    bootId: string,
    records: readonly TelemetryRecordV2[],
    receivedAt: number,
  ): Promise<DeltaInsertResult>;
  /** Keeps the unit's retained birth message (versions, config hash). */
  applyBirth(unitId: string, birth: BirthPayload, receivedAt: number): Promise<void>;
  getBirth(unitId: string): Promise<{ birth: BirthPayload; receivedAt: number } | undefined>;
  /** Stores events, dropping any (unit, bootId, seq) already stored. */
  insertEvents(unitId: string, events: readonly EventPayload[], receivedAt: number): Promise<EventInsertResult>;
  eventsOf(unitId: string, from: number, to: number, limit?: number): Promise<StoredEvent[]>;
  /** The unit's stored positions in [from, to), oldest first. */
  positionsOf(unitId: string, from: number, to: number, limit?: number): Promise<PositionPoint[]>;
  /** The latest fold of the unit's most recent boot; undefined for an unknown unit or before any v2 record. */
  getUnitState(unitId: string): Promise<UnitState | undefined>;
  listUnits(): Promise<UnitSummary[]>;
  getUnit(unitId: string): Promise<UnitSummary | undefined>;
  /** Telemetry records stored, both payload versions, each counted once. */
  countRecords(unitId?: string): Promise<number>;
  close(): Promise<void>;
}

/** Stored v2 records read back, for the fleet model (pipeline/). */
export interface StoredRecordSource {
  /** The boot's stored records with `fromSeq` ≤ seq ≤ `toSeq` (default: all), in seq order. */
  storedRecords(unitId: string, bootId: string, fromSeq?: number, toSeq?: number): Promise<TelemetryRecordV2[]>;
  /** The unit's boots with a record at or after `ts`. */
  bootsSince(unitId: string, ts: number): Promise<string[]>;
}

/** One stored v2 record of a unit with its boot, positions left out (charts never show where). */
export interface BootRecord {
  bootId: string;
  record: TelemetryRecordV2;
}

/** Stored v2 records read by time, for the unit's history charts (reports/history.ts). */
export interface RecordHistorySource {
  /** The unit's records with `from` ≤ ts < `to`, without positions, grouped by boot, each boot in seq order. */
  recordsInRange(unitId: string, from: number, to: number): Promise<BootRecord[]>;
}
