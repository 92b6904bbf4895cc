import type { ActiveEntry, AlertKind, AlertSeverity, AlertSignal, UnitMemory } from './types.js';

/**
 * One condition's current truth: raised (with severity and detail), cleared, or unknown
 * (no usable reading: the alert keeps whatever state it has).
 */
export type Verdict =
  | { key: string; kind: AlertKind; status: 'raised'; severity: AlertSeverity; detail: string }
  | { key: string; kind: AlertKind; status: 'cleared' }
  | { key: string; kind: AlertKind; status: 'unknown' };

export const raised = (key: string, kind: AlertKind, severity: AlertSeverity, detail: string): Verdict => ({
  key,
  kind,
  status: 'raised',
  severity,
  detail,
});
export const cleared = (key: string, kind: AlertKind): Verdict => ({ key, kind, status: 'cleared' });
export const unknown = (key: string, kind: AlertKind): Verdict => ({ key, kind, status: 'unknown' });

/**
 * Turns verdicts into signals, sending only what changed since the memory's last word on each key:
 * a raise, a new severity or detail (a merge), or a clear. A steady condition sends nothing.
 */
export function settle(
  unitId: string,
  verdicts: readonly Verdict[],
  active: Readonly<Record<string, ActiveEntry>>,
): { signals: AlertSignal[]; active: Record<string, ActiveEntry> } {
  const next: Record<string, ActiveEntry> = { ...active };
  const signals: AlertSignal[] = [];
  for (const verdict of verdicts) {
    const before = next[verdict.key];
    if (verdict.status === 'raised') {
      if (before && before.severity === verdict.severity && before.detail === verdict.detail) continue;
      next[verdict.key] = { kind: verdict.kind, severity: verdict.severity, detail: verdict.detail };
      signals.push({
        unitId,
        kind: verdict.kind,
        key: verdict.key,
        severity: verdict.severity,
        detail: verdict.detail,
        active: true,
      });
    } else if (verdict.status === 'cleared' && before) {
      delete next[verdict.key];
      signals.push({
        unitId,
        kind: verdict.kind,
        key: verdict.key,
        severity: before.severity,
        detail: before.detail,
        active: false,
      });
    }
  }
  return { signals, active: next };
}

/** A reading the unit vouches for: present, numeric, and not flagged stale or out of range. */
export function reading(values: { q?: Record<string, string> } & object, field: string): number | undefined {
  const value = (values as Record<string, unknown>)[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const quality = values.q?.[field];
  return quality === 'stale' || quality === 'out-of-range' ? undefined : value;
}

/** Whether the memory holds `key` as active: the hysteresis side to judge a reading from. */
export function isActive(memory: UnitMemory, key: string): boolean {
  return memory.active[key] !== undefined;
}
