import { Value } from '@sinclair/typebox/value';
import {
  type KindUpdate,
  RECORD_KINDS,
  type ReconstructedState,
  type RecordBody,
  type TelemetryRecordV2,
  TelemetryRecordV2Schema,
} from '../../src/contract/records.js';
import { foldRecord } from '../../src/records/fold.js';
import { T0 } from './outbox-fixtures.js';

/** The outbox's fold for v2 payloads (the JSON of one TelemetryRecordV2), exactly as the app wires it. */
export const foldV2 = (older: string, newer: string): string =>
  JSON.stringify(foldRecord(JSON.parse(older) as RecordBody, JSON.parse(newer) as TelemetryRecordV2));

/** What reconstruction promises: each kind's values and completeness. `updatedAt` is left out on purpose:
 * a folded record carries one ts, so a kind it took from an older record is stamped with the newer ts. */
export function comparable(state: ReconstructedState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kind of RECORD_KINDS) {
    const slot = state[kind];
    if (slot) out[kind] = { values: slot.values, complete: slot.complete };
  }
  return out;
}

/**
 * Random v2 records of three kinds, shaped like the engine's output: a few kinds per record, mostly as deltas,
 * sometimes in full (with fields missing or a quality map, so that a full update really replaces). Every
 * record is checked against the contract's schema.
 */
export function v2RecordMaker(rnd: () => number): (seq: number, ts: number, first: boolean) => TelemetryRecordV2 {
  const num = (scale: number) => Math.round(rnd() * scale * 100) / 100;
  const count = (max: number) => Math.floor(rnd() * (max + 1));
  const fix = () => (['none', '2d', '3d'] as const)[Math.floor(rnd() * 3)] ?? 'none';
  /** In a full update a field is there unless the unit does not know it; in a delta only if it moved. */
  const has = (full: boolean) => rnd() < (full ? 0.85 : 0.4);

  function system(full: boolean): KindUpdate<'system'> {
    const values = {
      ...(has(full) ? { cpuTempC: num(90) } : {}),
      ...(has(full) ? { load1: num(4) } : {}),
      ...(has(full) ? { memUsedPct: num(100) } : {}),
      ...(has(full) ? { diskUsedPct: num(100) } : {}),
    };
    if (!full) return Object.keys(values).length > 0 ? values : { load1: num(4) };
    return { ...values, full: true, ...(rnd() < 0.3 ? { q: { load1: 'stale' as const } } : {}) };
  }

  function hotspot(full: boolean): KindUpdate<'hotspot'> {
    if (full) return { sessionsNow: count(9), sessionsToday: count(99), distinctDevicesToday: count(99), full: true };
    const values = {
      ...(has(false) ? { sessionsNow: count(9) } : {}),
      ...(has(false) ? { sessionsToday: count(99) } : {}),
      ...(has(false) ? { distinctDevicesToday: count(99) } : {}),
    };
    return Object.keys(values).length > 0 ? values : { sessionsNow: count(9) };
  }

  function position(full: boolean): KindUpdate<'position'> {
    if (full) {
      const f = fix();
      const located =
        f === 'none' ? {} : { lat: num(90), lon: num(180), ...(has(true) ? { satellites: count(12) } : {}) };
      return { fix: f, ...located, full: true, ...(rnd() < 0.2 ? { q: { lat: 'inferred' as const } } : {}) };
    }
    const values = {
      ...(has(false) ? { lat: num(90) } : {}),
      ...(has(false) ? { lon: num(180) } : {}),
      ...(has(false) ? { speedKmh: num(30) } : {}),
      ...(has(false) ? { satellites: count(12) } : {}),
    };
    return Object.keys(values).length > 0 ? values : { lat: num(90) };
  }

  /**
   * A kind is absent from most records, a delta in a third, full now and then. The first record of a boot
   * carries in full every kind the unit has (a device may not be up yet); a kind's first update is full.
   */
  const sent = new Set<string>();
  const shape = (kind: string, first: boolean): boolean | undefined => {
    if (first) sent.delete(kind);
    const dice = rnd();
    const full = first ? dice < 0.85 : dice < 0.08 || (dice < 0.45 && !sent.has(kind));
    const update = full ? true : !first && dice < 0.45 ? false : undefined;
    if (update !== undefined) sent.add(kind);
    return update;
  };
  return (seq, ts, first) => {
    const record: TelemetryRecordV2 = { seq, ts };
    const [s, h, p] = [shape('system', first), shape('hotspot', first), shape('position', first)];
    if (s !== undefined) record.system = system(s);
    if (h !== undefined) record.hotspot = hotspot(h);
    if (p !== undefined) record.position = position(p);
    if (s === undefined && h === undefined && p === undefined) {
      record.system = system(!sent.has('system'));
      sent.add('system');
    }
    if (!Value.Check(TelemetryRecordV2Schema, record))
      throw new Error(`generator broke the schema: ${JSON.stringify(record)}`);
    return record;
  };
}

/** What the fold SIGKILL test's writer appends: bounds tight enough that nearly every append evicts. */
export const FOLD_CRASH_BOUNDS = { maxRows: 200, maxBytes: 30_000 } as const;
export const foldCrashTs = (seq: number) => T0 + seq * 10_000;
/** Rare, so that alarms (never dropped, never acked in that test) do not fill the bounds over 12 runs. */
export const foldCrashAlarm = (seq: number) => seq % 997 === 500;
