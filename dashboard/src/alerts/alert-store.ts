import type { SqlDb, SqlValue } from '../store/sql/types.js';
import { AlertError, AlertErrorCode } from './errors.js';
import { ALERT_KINDS, ALERT_SEVERITIES, type AlertKind, type AlertSeverity, type AlertSignal } from './types.js';

export interface Alert {
  id: number;
  unitId: string;
  kind: AlertKind;
  key: string;
  /** The worst severity this alert reached while open. */
  severity: AlertSeverity;
  firstAt: number;
  lastAt: number;
  /** Signals merged into it: the raise, then each change of severity or detail while open. */
  count: number;
  /** The latest detail. */
  detail: string;
  /** Open: the condition holds. A cleared alert stays in the history. */
  active: boolean;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  clearedAt: number | null;
}

/**
 * What a signal did: opened an alert, merged into the open one, merged and raised its severity (which
 * also asks for a new acknowledgement), or closed it.
 */
export type AlertOutcome = 'raised' | 'merged' | 'escalated' | 'cleared';

export interface AlertChange {
  outcome: AlertOutcome | 'acknowledged';
  alert: Alert;
}

/** Which alerts by their life cycle: still active, cleared, acknowledged by someone, or not yet. */
export const HISTORY_STATES = ['active', 'cleared', 'acknowledged', 'unacknowledged'] as const;
export type HistoryState = (typeof HISTORY_STATES)[number];

export interface HistoryQuery {
  unitId?: string;
  kind?: AlertKind;
  severity?: AlertSeverity;
  state?: HistoryState;
  /** Alerts first raised at or after this dashboard time, ms. */
  from?: number;
  /** Alerts first raised before this dashboard time, ms (exclusive). */
  to?: number;
  /** Page key: only alerts with a smaller id (the previous page's `nextBefore`). */
  before?: number;
  /** 1–500, default 50. */
  limit?: number;
}

export interface HistoryPage {
  alerts: Alert[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

interface AlertRow {
  id: number;
  unit_id: string;
  kind: AlertKind;
  key: string;
  severity: AlertSeverity;
  first_at: number;
  last_at: number;
  count: number;
  detail: string;
  active: number;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  cleared_at: number | null;
}

const COLUMNS =
  'id, unit_id, kind, key, severity, first_at, last_at, count, detail, active, acknowledged_by, acknowledged_at, cleared_at';
const rank = (column: string) => `(CASE ${column} WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END)`;
const ESCALATES = `${rank('excluded.severity')} > ${rank('alerts.severity')}`;

// Merging into the open alert is one statement, so two processes raising the same key end up with one
// alert counted twice, and `last_outcome` says what this very statement did. An escalation asks for a
// new acknowledgement: the old one was for a milder alert.
const UPSERT = `
  INSERT INTO alerts (unit_id, kind, key, severity, first_at, last_at, count, detail, active, last_outcome)
  VALUES ($1, $2, $3, $4, $5, $5, 1, $6, 1, 'raised')
  ON CONFLICT (key) WHERE active = 1 DO UPDATE SET
    count = alerts.count + 1,
    last_at = CASE WHEN excluded.last_at > alerts.last_at THEN excluded.last_at ELSE alerts.last_at END,
    detail = excluded.detail,
    severity = CASE WHEN ${ESCALATES} THEN excluded.severity ELSE alerts.severity END,
    acknowledged_by = CASE WHEN ${ESCALATES} THEN NULL ELSE alerts.acknowledged_by END,
    acknowledged_at = CASE WHEN ${ESCALATES} THEN NULL ELSE alerts.acknowledged_at END,
    last_outcome = CASE WHEN ${ESCALATES} THEN 'escalated' ELSE 'merged' END
  RETURNING ${COLUMNS}, last_outcome`;

const MAX_DETAIL = 1000;
const MAX_USER = 128;

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    unitId: row.unit_id,
    kind: row.kind,
    key: row.key,
    severity: row.severity,
    firstAt: row.first_at,
    lastAt: row.last_at,
    count: row.count,
    detail: row.detail,
    active: row.active === 1,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    clearedAt: row.cleared_at,
  };
}

function badInput(message: string): AlertError {
  return new AlertError(AlertErrorCode.BAD_INPUT, message);
}

const STATE_CONDITION: Record<HistoryState, string> = {
  active: 'active = 1',
  cleared: 'active = 0',
  acknowledged: 'acknowledged_by IS NOT NULL',
  unacknowledged: 'acknowledged_by IS NULL',
};

function checkId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 1) throw badInput(`alert id must be a positive integer, got ${String(id)}`);
}

function checkSignal(signal: AlertSignal): void {
  if (!ALERT_KINDS.includes(signal.kind)) throw badInput(`unknown alert kind "${String(signal.kind)}"`);
  if (!ALERT_SEVERITIES.includes(signal.severity)) throw badInput(`unknown severity "${String(signal.severity)}"`);
  if (!signal.key || !signal.unitId) throw badInput('an alert signal needs a unit id and a key');
}

/** Alerts on the SqlDb seam: the same behaviour on SQLite and PostgreSQL. */
export class AlertStore {
  constructor(private readonly db: SqlDb) {}

  /** Raises the alert for `signal.key`, or merges into the open one. `at` is the dashboard clock. */
  async record(signal: AlertSignal, at: number): Promise<AlertChange> {
    checkSignal(signal);
    const row = await this.db.get<AlertRow & { last_outcome: 'raised' | 'merged' | 'escalated' }>(UPSERT, [
      signal.unitId,
      signal.kind,
      signal.key,
      signal.severity,
      at,
      signal.detail.slice(0, MAX_DETAIL),
    ]);
    if (!row) throw new AlertError(AlertErrorCode.STORE, `alert ${signal.key} was not written`);
    return { outcome: row.last_outcome, alert: toAlert(row) };
  }

  /** Closes the open alert for `key`; undefined when none is open. */
  async clear(key: string, at: number): Promise<AlertChange | undefined> {
    const row = await this.db.get<AlertRow>(
      `UPDATE alerts SET active = 0, cleared_at = $2 WHERE key = $1 AND active = 1 RETURNING ${COLUMNS}`,
      [key, at],
    );
    return row && { outcome: 'cleared', alert: toAlert(row) };
  }

  /** Records an active signal, clears on an inactive one. */
  apply(signal: AlertSignal, at: number): Promise<AlertChange | undefined> {
    return signal.active ? this.record(signal, at) : this.clear(signal.key, at);
  }

  /**
   * Marks the alert as seen by `user`. Idempotent: acknowledging it again keeps the first who and when
   * and reports `changed: false`. Throws DSH_ALERT_UNKNOWN for an id that does not exist.
   */
  async acknowledge(id: number, user: string, at: number): Promise<{ alert: Alert; changed: boolean }> {
    checkId(id);
    const who = typeof user === 'string' ? user.trim() : '';
    if (who.length === 0 || who.length > MAX_USER)
      throw badInput(`the acknowledging user must be 1–${MAX_USER} characters`);
    const row = await this.db.get<AlertRow>(
      `UPDATE alerts SET acknowledged_by = $2, acknowledged_at = $3
       WHERE id = $1 AND acknowledged_at IS NULL RETURNING ${COLUMNS}`,
      [id, who, at],
    );
    if (row) return { alert: toAlert(row), changed: true };
    const existing = await this.get(id);
    if (!existing) throw new AlertError(AlertErrorCode.UNKNOWN, `no alert with id ${id}`);
    return { alert: existing, changed: false };
  }

  async get(id: number): Promise<Alert | undefined> {
    checkId(id);
    const row = await this.db.get<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = $1`, [id]);
    return row && toAlert(row);
  }

  /** Open alerts, the worst first, then the newest; the fleet's or one unit's. */
  async listOpen(unitId?: string): Promise<Alert[]> {
    const where = unitId === undefined ? '' : ' AND unit_id = $1';
    const rows = await this.db.all<AlertRow>(
      `SELECT ${COLUMNS} FROM alerts WHERE active = 1${where} ORDER BY ${rank('severity')} DESC, id DESC`,
      unitId === undefined ? [] : [unitId],
    );
    return rows.map(toAlert);
  }

  /** Every alert, open or cleared, newest first, a page at a time. */
  async history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const limit = query.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw badInput('limit must be an integer 1–500');
    if (query.before !== undefined) checkId(query.before);
    for (const bound of [query.from, query.to]) {
      if (bound !== undefined && (!Number.isSafeInteger(bound) || bound < 0)) {
        throw badInput(`from and to must be times in ms ≥ 0, got ${String(bound)}`);
      }
    }
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    const where = (condition: string, value: SqlValue) => {
      params.push(value);
      conditions.push(condition.replace('?', `$${params.length}`));
    };
    if (query.unitId !== undefined) where('unit_id = ?', query.unitId);
    if (query.kind !== undefined) where('kind = ?', query.kind);
    if (query.severity !== undefined) where('severity = ?', query.severity);
    if (query.state !== undefined) conditions.push(STATE_CONDITION[query.state]);
    if (query.from !== undefined) where('first_at >= ?', query.from);
    if (query.to !== undefined) where('first_at < ?', query.to);
    if (query.before !== undefined) where('id < ?', query.before);
    params.push(limit + 1);
    const rows = await this.db.all<AlertRow>(
      `SELECT ${COLUMNS} FROM alerts ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit).map(toAlert);
    const last = page[page.length - 1];
    return { alerts: page, nextBefore: rows.length > limit && last ? last.id : null };
  }
}
