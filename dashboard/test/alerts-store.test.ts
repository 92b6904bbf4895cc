import { applyRecord, type ReconstructedState, type RecordBody } from '@triporteur/edge/contract';
import { describe, expect, it } from 'vitest';
import type { AlertChange, HistoryQuery } from '../src/alerts/alert-store.js';
import { AlertStore } from '../src/alerts/alert-store.js';
import { AlertEngine } from '../src/alerts/alerts.js';
import { DEFAULT_ALERTS_CONFIG } from '../src/alerts/config.js';
import { AlertErrorCode } from '../src/alerts/errors.js';
import { ALERT_MIGRATIONS } from '../src/alerts/migrations.js';
import type { AlertSignal } from '../src/alerts/types.js';
import { PostgresDb } from '../src/store/sql/postgres-db.js';
import { SqliteDb } from '../src/store/sql/sqlite-db.js';
import type { SqlDb } from '../src/store/sql/types.js';
import { captureLogger } from './helpers.js';
import { ENGINES, type Engine, openTestDb } from './support/engines.js';

const T0 = 1_750_000_000_000;

function signal(overrides: Partial<AlertSignal> = {}): AlertSignal {
  return {
    unitId: 'tri-lyon-01',
    kind: 'low-battery',
    key: 'tri-lyon-01:low-battery',
    severity: 'warning',
    active: true,
    detail: 'Batterie à 19 %',
    ...overrides,
  };
}

/** A second connection to the same database, as a second dashboard process would open. */
function secondConnection(engine: Engine, location: string): SqlDb {
  return engine === 'sqlite' ? SqliteDb.open(location) : new PostgresDb({ url: location });
}

describe.each(ENGINES)('AlertStore on %s', (engine) => {
  it('raises, merges a duplicate into the open alert, escalates, and never lowers the severity', async () => {
    const store = new AlertStore((await openTestDb(engine, ALERT_MIGRATIONS)).db);
    const raised = await store.record(signal(), T0);
    expect(raised.outcome).toBe('raised');
    expect(raised.alert).toMatchObject({
      unitId: 'tri-lyon-01',
      kind: 'low-battery',
      severity: 'warning',
      firstAt: T0,
      lastAt: T0,
      count: 1,
      active: true,
      acknowledgedBy: null,
      clearedAt: null,
    });
    const merged = await store.record(signal({ detail: 'Batterie à 18 %' }), T0 + 1000);
    expect(merged).toEqual({
      outcome: 'merged',
      alert: { ...raised.alert, count: 2, lastAt: T0 + 1000, detail: 'Batterie à 18 %' },
    });
    const escalated = await store.record(signal({ severity: 'critical', detail: 'Batterie à 9 %' }), T0 + 2000);
    expect(escalated.outcome).toBe('escalated');
    expect(escalated.alert).toMatchObject({ id: raised.alert.id, severity: 'critical', count: 3 });
    const milder = await store.record(signal({ severity: 'warning', detail: 'Batterie à 12 %' }), T0 + 3000);
    expect(milder.outcome).toBe('merged');
    expect(milder.alert).toMatchObject({ severity: 'critical', detail: 'Batterie à 12 %', count: 4 });
    expect(await store.listOpen()).toEqual([milder.alert]);
  });

  it('records who acknowledged, keeps the first acknowledgement, and asks again after an escalation', async () => {
    const store = new AlertStore((await openTestDb(engine, ALERT_MIGRATIONS)).db);
    const { alert } = await store.record(signal(), T0);
    const first = await store.acknowledge(alert.id, 'camille', T0 + 10);
    expect(first.changed).toBe(true);
    expect(first.alert).toMatchObject({ acknowledgedBy: 'camille', acknowledgedAt: T0 + 10 });
    const again = await store.acknowledge(alert.id, 'dominique', T0 + 20);
    expect(again).toEqual({ alert: first.alert, changed: false });
    // A merge at the same severity keeps the acknowledgement; a worse one clears it.
    expect((await store.record(signal({ detail: 'Batterie à 17 %' }), T0 + 30)).alert.acknowledgedBy).toBe('camille');
    const worse = await store.record(signal({ severity: 'critical', detail: 'Batterie à 8 %' }), T0 + 40);
    expect(worse.alert).toMatchObject({ acknowledgedBy: null, acknowledgedAt: null });
  });

  it('gives coded errors for an unknown id and a malformed acknowledgement', async () => {
    const store = new AlertStore((await openTestDb(engine, ALERT_MIGRATIONS)).db);
    await expect(store.acknowledge(4242, 'camille', T0)).rejects.toMatchObject({ code: AlertErrorCode.UNKNOWN });
    const { alert } = await store.record(signal(), T0);
    await expect(store.acknowledge(alert.id, '   ', T0)).rejects.toMatchObject({ code: AlertErrorCode.BAD_INPUT });
    await expect(store.acknowledge(1.5, 'camille', T0)).rejects.toMatchObject({ code: AlertErrorCode.BAD_INPUT });
    await expect(store.history({ limit: 0 })).rejects.toMatchObject({ code: AlertErrorCode.BAD_INPUT });
    await expect(store.record(signal({ kind: 'bogus' as AlertSignal['kind'] }), T0)).rejects.toMatchObject({
      code: AlertErrorCode.BAD_INPUT,
    });
    expect((await store.get(alert.id))?.acknowledgedBy).toBeNull();
  });

  it('clears the open alert, and a raise after the clear opens a new one', async () => {
    const store = new AlertStore((await openTestDb(engine, ALERT_MIGRATIONS)).db);
    const first = await store.record(signal(), T0);
    const cleared = await store.apply(signal({ active: false }), T0 + 500);
    expect(cleared).toEqual({ outcome: 'cleared', alert: { ...first.alert, active: false, clearedAt: T0 + 500 } });
    expect(await store.clear(first.alert.key, T0 + 600)).toBeUndefined();
    expect(await store.listOpen()).toEqual([]);
    const second = await store.record(signal(), T0 + 700);
    expect(second.outcome).toBe('raised');
    expect(second.alert.id).not.toBe(first.alert.id);
    expect(second.alert).toMatchObject({ count: 1, firstAt: T0 + 700 });
    expect((await store.history()).alerts.map((a) => [a.id, a.active])).toEqual([
      [second.alert.id, true],
      [first.alert.id, false],
    ]);
  });

  it('lists open alerts worst first, for the fleet or one unit, and pages through the history', async () => {
    const store = new AlertStore((await openTestDb(engine, ALERT_MIGRATIONS)).db);
    const units = ['tri-a', 'tri-b'];
    for (let i = 0; i < 7; i++) {
      const unitId = units[i % 2] ?? 'tri-a';
      const kind = i % 3 === 0 ? 'motor-fault' : 'unit-offline';
      await store.record(
        signal({ unitId, kind, key: `${unitId}:${kind}:${i}`, severity: i === 4 ? 'critical' : 'info' }),
        T0 + i,
      );
    }
    const open = await store.listOpen();
    expect(open.map((a) => a.key)[0]).toBe('tri-a:unit-offline:4');
    expect((await store.listOpen('tri-b')).map((a) => a.key)).toEqual([
      'tri-b:unit-offline:5',
      'tri-b:motor-fault:3',
      'tri-b:unit-offline:1',
    ]);
    const seen: string[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const page = await store.history({ limit: 3, ...(before === undefined ? {} : { before }) });
      seen.push(...page.alerts.map((a) => a.key.split(':')[2] ?? ''));
      before = page.nextBefore ?? undefined;
      pages++;
    } while (before !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(['6', '5', '4', '3', '2', '1', '0']);
    const motorA = await store.history({ unitId: 'tri-a', kind: 'motor-fault' });
    expect(motorA).toEqual({
      alerts: [
        expect.objectContaining({ key: 'tri-a:motor-fault:6' }),
        expect.objectContaining({ key: 'tri-a:motor-fault:0' }),
      ],
      nextBefore: null,
    });
  });

  it('filters the history by severity, acknowledgement, life cycle and time raised', async () => {
    const store = new AlertStore((await openTestDb(engine, ALERT_MIGRATIONS)).db);
    const a = await store.record(signal({ key: 'k:a', severity: 'warning' }), T0);
    const b = await store.record(signal({ key: 'k:b', severity: 'critical' }), T0 + 10);
    const c = await store.record(signal({ key: 'k:c', severity: 'warning' }), T0 + 20);
    await store.acknowledge(b.alert.id, 'coordination', T0 + 30);
    await store.clear('k:c', T0 + 40);
    const ids = async (query: HistoryQuery) => (await store.history(query)).alerts.map((x) => x.id);
    expect(await ids({ severity: 'warning' })).toEqual([c.alert.id, a.alert.id]);
    expect(await ids({ state: 'acknowledged' })).toEqual([b.alert.id]);
    expect(await ids({ state: 'unacknowledged' })).toEqual([c.alert.id, a.alert.id]);
    expect(await ids({ state: 'cleared' })).toEqual([c.alert.id]);
    expect(await ids({ state: 'active', severity: 'warning' })).toEqual([a.alert.id]);
    expect(await ids({ from: T0 + 10, to: T0 + 20 })).toEqual([b.alert.id]);
    await expect(store.history({ from: -1 })).rejects.toMatchObject({ code: AlertErrorCode.BAD_INPUT });
    await expect(store.history({ to: 1.5 })).rejects.toMatchObject({ code: AlertErrorCode.BAD_INPUT });
  });

  it('merges the same alert raised at once by two dashboard processes into one open alert', async () => {
    const { db, location } = await openTestDb(engine, ALERT_MIGRATIONS);
    const other = secondConnection(engine, location);
    try {
      const stores = [new AlertStore(db), new AlertStore(other)];
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) => stores[i % 2]?.record(signal({ detail: `n${i}` }), T0 + i)),
      );
      expect(outcomes.filter((o) => o?.outcome === 'raised')).toHaveLength(1);
      const open = await stores[0]?.listOpen();
      expect(open).toHaveLength(1);
      expect(open?.[0]?.count).toBe(12);
    } finally {
      await other.close();
    }
  });
});

/** Folds records for one unit and feeds the engine, as the ingest will. */
function feeder(engine: AlertEngine, unitId: string) {
  let state: ReconstructedState = {};
  return async (record: RecordBody) => {
    const next = applyRecord(state, record);
    const prev = state;
    state = next;
    return engine.onUnitState(unitId, prev, next);
  };
}

const battery = (socPct: number): RecordBody['battery'] => ({
  state: 'connected',
  socPct,
  voltageV: 50,
  currentA: -5,
  remainingAh: socPct / 5,
  nominalAh: 20,
  cycles: 10,
  temperaturesC: [25],
  protection: [],
  fets: { charge: true, discharge: true },
  full: true,
});

describe.each(ENGINES)('AlertEngine on %s', (engine) => {
  it('stores what the rules signal and tells listeners: raise, merge, acknowledge once, clear', async () => {
    const { db } = await openTestDb(engine, ALERT_MIGRATIONS);
    const { logger } = captureLogger();
    let clock = T0;
    const alerts = new AlertEngine({
      store: new AlertStore(db),
      config: DEFAULT_ALERTS_CONFIG,
      log: logger,
      now: () => clock,
    });
    await alerts.start();
    const events: string[] = [];
    const stop = alerts.onChange((c) => events.push(`${c.outcome}:${c.alert.kind}:${c.alert.count}`));
    const feed = feeder(alerts, 'tri-lyon-01');
    await feed({ ts: 1, battery: battery(50) });
    const [raised] = await feed({ ts: 2, battery: battery(18) });
    clock += 1000;
    await feed({ ts: 3, battery: battery(17) });
    await alerts.onPresence('tri-lyon-01', { to: 'offline', at: clock, lastSeenAt: undefined });
    const id = raised?.alert.id ?? 0;
    expect((await alerts.acknowledge(id, 'camille')).acknowledgedBy).toBe('camille');
    await alerts.acknowledge(id, 'camille');
    await feed({ ts: 4, battery: battery(40) });
    stop();
    await feed({ ts: 5, battery: battery(15) });
    expect(events).toEqual([
      'raised:low-battery:1',
      'merged:low-battery:2',
      'raised:unit-offline:1',
      'acknowledged:low-battery:2',
      'cleared:low-battery:2',
    ]);
    expect((await alerts.store.listOpen('tri-lyon-01')).map((a) => [a.kind, a.count])).toEqual([
      ['low-battery', 1],
      ['unit-offline', 1],
    ]);
    await expect(alerts.acknowledge(999_999, 'camille')).rejects.toMatchObject({ code: AlertErrorCode.UNKNOWN });
  });

  it('after a restart, knows the open alerts: one whose condition went away is cleared', async () => {
    const { db } = await openTestDb(engine, ALERT_MIGRATIONS);
    const { logger } = captureLogger();
    const config = DEFAULT_ALERTS_CONFIG;
    const before = new AlertEngine({ store: new AlertStore(db), config, log: logger });
    await before.start();
    await feeder(before, 'tri-lyon-01')({ ts: 1, battery: battery(12) });
    const after = new AlertEngine({ store: new AlertStore(db), config, log: logger });
    await after.start();
    // Inside the hysteresis band the restarted engine keeps the alert; above it, it clears.
    const feed = feeder(after, 'tri-lyon-01');
    expect(await feed({ ts: 2, battery: battery(22) })).toMatchObject([{ outcome: 'merged' }]);
    expect(await feed({ ts: 3, battery: battery(60) })).toMatchObject([{ outcome: 'cleared' }]);
  });

  it('logs a failed write with its code, never rejects, and signals the alert again at the next event', async () => {
    const { db } = await openTestDb(engine, ALERT_MIGRATIONS);
    const { logger, lines } = captureLogger();
    const alerts = new AlertEngine({ store: new AlertStore(db), config: DEFAULT_ALERTS_CONFIG, log: logger });
    await alerts.start();
    const feed = feeder(alerts, 'tri-lyon-01');
    await feed({ ts: 1, battery: battery(50) });
    // A real failure: the table is out of the way while the alert is raised.
    await db.exec('ALTER TABLE alerts RENAME TO alerts_away');
    expect(await feed({ ts: 2, battery: battery(18) })).toEqual([]);
    await db.exec('ALTER TABLE alerts_away RENAME TO alerts');
    expect(lines.filter((l) => l.code === AlertErrorCode.STORE).map((l) => l.key)).toEqual(['tri-lyon-01:low-battery']);
    const changes: AlertChange[] = await feed({ ts: 3, battery: battery(18) });
    expect(changes).toMatchObject([{ outcome: 'raised', alert: { detail: 'Batterie à 18 % (≈ 45 min restantes)' } }]);
  });
});
