import { type Static, Type } from '@sinclair/typebox';
import type { StatePayload, TelemetryRecord } from '@triporteur/edge/contract';

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
  /** Records without a battery part; nothing in this store holds them yet. */
  skipped: number;
}

/**
 * What the dashboard needs from its storage. Asynchronous because the PostgreSQL store will be;
 * SQLite answers synchronously inside the promise, so calls keep their order.
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
  listUnits(): Promise<UnitSummary[]>;
  getUnit(unitId: string): Promise<UnitSummary | undefined>;
  countRecords(unitId?: string): Promise<number>;
  close(): Promise<void>;
}
