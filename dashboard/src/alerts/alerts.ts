import type { ReconstructedState } from '@triporteur/edge/contract';
import type { Logger } from 'pino';
import type { Alert, AlertChange, AlertStore } from './alert-store.js';
import type { AlertsConfig } from './config.js';
import { AlertError, AlertErrorCode } from './errors.js';
import type { Notifier } from './notify.js';
import { evaluatePresence, evaluateState, evaluateZoneEvent } from './rules.js';
import {
  type AlertSignal,
  EMPTY_MEMORY,
  type Evaluation,
  type PresenceFact,
  type UnitFacts,
  type UnitMemory,
  type ZoneEventFact,
} from './types.js';

export type AlertListener = (change: AlertChange) => void;

export interface AlertEngineDeps {
  store: AlertStore;
  config: AlertsConfig;
  log: Logger;
  /** Absent: no notifications. */
  notifier?: Notifier;
  /** Dashboard clock for first_at / last_at / cleared_at. */
  now?: () => number;
}

/**
 * Ties the rules, the store and the notifier together. The rules run synchronously on each event, in
 * arrival order; the store writes for one unit run in that same order behind them. The returned
 * promises never reject: a failed write is logged (DSH_ALERT_STORE) and the condition is signalled
 * again at the unit's next event, so alerting never stops the ingest.
 */
export class AlertEngine {
  private readonly memory = new Map<string, UnitMemory>();
  private readonly writes = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<AlertListener>();
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly deps: AlertEngineDeps) {
    this.log = deps.log.child({ module: 'alerts' });
    this.now = deps.now ?? Date.now;
  }

  get store(): AlertStore {
    return this.deps.store;
  }

  /**
   * Loads the open alerts so the rules know them: after a restart, a condition that went away still
   * clears its alert, and a reading inside the hysteresis band keeps it. Call before the first event.
   */
  async start(): Promise<void> {
    for (const alert of await this.deps.store.listOpen()) {
      const memory = this.memoryOf(alert.unitId);
      const entry = { kind: alert.kind, severity: alert.severity, detail: alert.detail };
      this.memory.set(alert.unitId, { ...memory, active: { ...memory.active, [alert.key]: entry } });
    }
  }

  /** A unit's state moved from `prev` to `next` (one record, or one batch, folded in). */
  onUnitState(unitId: string, prev: ReconstructedState, next: ReconstructedState, facts?: UnitFacts) {
    const change = { unitId, prev, next, ...(facts ? { facts } : {}) };
    return this.apply(unitId, evaluateState(change, this.memoryOf(unitId), this.deps.config));
  }

  /** The fleet model's presence verdict, after its grace period. */
  onPresence(unitId: string, presence: PresenceFact) {
    return this.apply(unitId, evaluatePresence(unitId, presence, this.memoryOf(unitId)));
  }

  /** A zone crossing from the fleet model. */
  onZoneEvent(unitId: string, event: ZoneEventFact) {
    return this.apply(unitId, evaluateZoneEvent(unitId, event, this.memoryOf(unitId), this.deps.config));
  }

  /** Acknowledges for `user`; idempotent. Throws DSH_ALERT_UNKNOWN or DSH_ALERT_BAD_INPUT. */
  async acknowledge(id: number, user: string): Promise<Alert> {
    const { alert, changed } = await this.deps.store.acknowledge(id, user, this.now());
    if (changed) this.emit({ outcome: 'acknowledged', alert });
    return alert;
  }

  /** Every raise, merge, escalation, clear and acknowledgement, for the live push. */
  onChange(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every store write queued so far is done. */
  async idle(): Promise<void> {
    while (this.writes.size > 0) await Promise.all(this.writes.values());
  }

  private memoryOf(unitId: string): UnitMemory {
    return this.memory.get(unitId) ?? EMPTY_MEMORY;
  }

  private apply(unitId: string, evaluation: Evaluation): Promise<AlertChange[]> {
    this.memory.set(unitId, evaluation.memory);
    if (evaluation.signals.length === 0) return Promise.resolve([]);
    const before = this.writes.get(unitId) ?? Promise.resolve();
    const done = before.then(() => this.write(unitId, evaluation.signals));
    this.writes.set(unitId, done);
    void done.finally(() => {
      if (this.writes.get(unitId) === done) this.writes.delete(unitId);
    });
    return done;
  }

  private async write(unitId: string, signals: readonly AlertSignal[]): Promise<AlertChange[]> {
    const changes: AlertChange[] = [];
    for (const signal of signals) {
      let change: AlertChange | undefined;
      try {
        change = await this.deps.store.apply(signal, this.now());
      } catch (cause) {
        const err = new AlertError(AlertErrorCode.STORE, `alert ${signal.key} not stored`, { cause });
        this.log.error(
          { code: err.code, unitId, key: signal.key, err },
          'alert not stored; it will be signalled again',
        );
        this.resignal(unitId, signal);
        continue;
      }
      if (!change) continue;
      changes.push(change);
      this.emit(change);
      try {
        this.deps.notifier?.notify(change);
      } catch (err) {
        this.log.error({ unitId, key: signal.key, err }, 'notification not queued');
      }
    }
    return changes;
  }

  /**
   * After a failed write, leaves the key active with a detail no rule produces, so the unit's next
   * evaluation signals it again: a raise or a merge if the condition holds, a clear if it went away.
   * A later evaluation that already changed the key has its own write queued and is left alone.
   */
  private resignal(unitId: string, signal: AlertSignal): void {
    const memory = this.memoryOf(unitId);
    const current = memory.active[signal.key];
    const untouched = signal.active
      ? current?.severity === signal.severity && current.detail === signal.detail
      : current === undefined;
    if (!untouched) return;
    const entry = { kind: signal.kind, severity: signal.severity, detail: '' };
    this.memory.set(unitId, { ...memory, active: { ...memory.active, [signal.key]: entry } });
  }

  private emit(change: AlertChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.log.error({ err, alertId: change.alert.id }, 'alert listener failed');
      }
    }
  }
}
