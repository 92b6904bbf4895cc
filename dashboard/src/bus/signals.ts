import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const UnitId = Type.String({ minLength: 1, maxLength: 64 });
const BootId = Type.String({ minLength: 1, maxLength: 64 });
const Ms = Type.Integer({ minimum: 0 });
/** Inclusive seq ranges: what one batch newly stored is nearly always one run, so the signal stays small. */
const SeqRuns = Type.Array(Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]), {
  minItems: 1,
  maxItems: 200,
});

/**
 * What one dashboard process tells every other (and itself) after a write: small, serialisable facts that
 * point at rows in the store, never the rows themselves. PostgreSQL's NOTIFY carries them between
 * processes (8,000 bytes at most), an in-process queue on one machine (bus.ts).
 */
export const FleetSignalSchema = Type.Union([
  /** What the store holds for the unit changed: the live page reloads its row. */
  Type.Object({ kind: Type.Literal('unit'), unitId: UnitId }, { additionalProperties: false }),
  /** The unit's retained state message was applied. */
  Type.Object(
    {
      kind: Type.Literal('state'),
      unitId: UnitId,
      state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
      bootId: BootId,
      receivedAt: Ms,
    },
    { additionalProperties: false },
  ),
  /** Telemetry records newly stored (not the duplicates): the fleet model reads them back from the store. */
  Type.Object(
    { kind: Type.Literal('records'), unitId: UnitId, bootId: BootId, seqs: SeqRuns, receivedAt: Ms },
    { additionalProperties: false },
  ),
  /** An alert was raised, merged, escalated, cleared or acknowledged. */
  Type.Object(
    { kind: Type.Literal('alert'), alertId: Type.Integer({ minimum: 1 }), unitId: UnitId },
    { additionalProperties: false },
  ),
]);

export type FleetSignal = Static<typeof FleetSignalSchema>;
export type SeqRun = [from: number, to: number];

/** A signal from a peer, or undefined when the text is not one (another program on the channel). */
export function parseSignal(text: string): FleetSignal | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Value.Check(FleetSignalSchema, value) ? value : undefined;
}

/** Sorted seqs as inclusive runs: [3, 4, 5, 9] → [[3, 5], [9, 9]]. */
export function seqRuns(seqs: readonly number[]): SeqRun[] {
  const runs: SeqRun[] = [];
  for (const seq of [...seqs].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && seq <= last[1] + 1) last[1] = Math.max(last[1], seq);
    else runs.push([seq, seq]);
  }
  return runs;
}

export function inRuns(runs: readonly (readonly [number, number])[], seq: number): boolean {
  return runs.some(([from, to]) => seq >= from && seq <= to);
}
