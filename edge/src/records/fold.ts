import { RECORD_KINDS, type RecordBody } from '../contract/records.js';

/**
 * Folds an older record into the one that follows it, so an outbox can drop the older one (thinning,
 * age limit) without breaking the chain of deltas: a delta only means something on top of everything
 * sent before it. The result keeps the newer record's seq, ts and flags; its kinds are what the
 * dashboard would hold after applying both, so reconstruction after it is unchanged.
 */
export function foldRecord<T extends RecordBody>(older: RecordBody, newer: T): T {
  const out: Record<string, unknown> = { ...newer };
  for (const kind of RECORD_KINDS) {
    const before = older[kind];
    const after = newer[kind];
    if (before === undefined || (after !== undefined && 'full' in after)) continue;
    // A quality change always forces a full update, so an older full update's `q` still holds here.
    out[kind] = after === undefined ? before : { ...before, ...after };
  }
  return out as T;
}
