import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { BudgetState } from '../records/budget.js';

/**
 * The data budget's month so far, kept next to the outbox so a reboot does not forget what was
 * already spent. Written at each acknowledged flush and at stop: a power cut loses at most the
 * bytes of one batch interval, which only makes the budget slightly generous.
 */

const BudgetStateSchema = Type.Object({
  periodStart: Type.Number(),
  sentBytes: Type.Number({ minimum: 0 }),
  receivedBytes: Type.Number({ minimum: 0 }),
  hours: Type.Array(Type.Object({ hour: Type.Number(), bytes: Type.Number(), natural: Type.Number() }), {
    maxItems: 1000,
  }),
  stretch: Type.Number({ minimum: 1 }),
});

/** The saved state, or undefined when there is none or it is unreadable (a new month starts from zero). */
export function loadBudgetState(path: string): BudgetState | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return Value.Check(BudgetStateSchema, parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Atomic replace: a power cut leaves the old file or the new one, never half of one. */
export function saveBudgetState(path: string, state: BudgetState): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, path);
}
