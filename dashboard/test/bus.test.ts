import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FleetBus } from '../src/bus/bus.js';
import { signalsOf } from '../src/bus/from-ingest.js';
import { LocalBus } from '../src/bus/local-bus.js';
import { BUS_CHANNEL, PostgresBus } from '../src/bus/postgres-bus.js';
import { type FleetSignal, parseSignal, seqRuns } from '../src/bus/signals.js';
import { PostgresDb } from '../src/store/sql/postgres-db.js';
import { captureLogger } from './helpers.js';
import { testPostgres } from './support/engines.js';

const unit = (unitId: string): FleetSignal => ({ kind: 'unit', unitId });

function collect(bus: FleetBus): FleetSignal[] {
  const heard: FleetSignal[] = [];
  bus.subscribe((s) => heard.push(s));
  return heard;
}

describe('fleet signals', () => {
  it('packs stored seqs into inclusive runs and splits a ragged batch over several signals', () => {
    expect(seqRuns([9, 3, 4, 5, 5])).toEqual([
      [3, 5],
      [9, 9],
    ]);
    const notice = { kind: 'records', unitId: 'tri-a', bootId: 'b1', records: [], receivedAt: 1 } as const;
    const ragged = Array.from({ length: 450 }, (_, i) => i * 2);
    const signals = signalsOf({ ...notice, seqs: ragged });
    expect(signals.map((s) => (s.kind === 'records' ? s.seqs.length : 0))).toEqual([200, 200, 50]);
    for (const s of signals) expect(JSON.stringify(s).length).toBeLessThan(8000);
    expect(signalsOf({ ...notice, seqs: [] })).toEqual([]);
  });

  it('refuses text that is not a signal', () => {
    expect(parseSignal('{"kind":"unit","unitId":"tri-a"}')).toEqual(unit('tri-a'));
    for (const bad of ['', 'null', '{', '{"kind":"unit"}', '{"kind":"records","unitId":"a","bootId":"b","seqs":[]}']) {
      expect(parseSignal(bad)).toBeUndefined();
    }
  });
});

describe('the local bus', () => {
  it('delivers to every listener in publish order, after the publisher’s step, and always leads', async () => {
    const bus = new LocalBus(captureLogger().logger);
    const heard = collect(bus);
    bus.subscribe(() => {
      throw new Error('a broken listener');
    });
    await bus.publish(unit('tri-a'));
    await bus.publish(unit('tri-b'));
    expect(heard).toEqual([]);
    await vi.waitFor(() => expect(heard).toEqual([unit('tri-a'), unit('tri-b')]));
    const leading: boolean[] = [];
    bus.onLeadership((l) => leading.push(l));
    expect([bus.leading, leading]).toEqual([true, [true]]);
  });
});

describe('the PostgreSQL bus between dashboard processes', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
  });

  async function processOn(url: string, logger = captureLogger().logger) {
    const db = new PostgresDb({ url });
    open.push(db);
    const bus = await PostgresBus.start({ url, db, logger, retryMs: 100 });
    open.push(bus);
    return { db, bus };
  }

  it('tells every process, the publisher too, each signal once and in order', async () => {
    const url = await (await testPostgres()).createDatabase();
    const a = await processOn(url);
    const b = await processOn(url);
    const [heardA, heardB] = [collect(a.bus), collect(b.bus)];
    const sent = Array.from({ length: 50 }, (_, i) => unit(`tri-${i % 2 ? 'a' : 'b'}-${i}`));
    for (const [i, signal] of sent.entries()) await (i % 2 ? a : b).bus.publish(signal);
    await vi.waitFor(() => expect([heardA.length, heardB.length]).toEqual([50, 50]));
    expect(heardA).toEqual(sent);
    expect(heardB).toEqual(sent);
  });

  it('ignores a notification on its channel that is not a signal, and goes on', async () => {
    const url = await (await testPostgres()).createDatabase();
    const { logger, lines } = captureLogger();
    const a = await processOn(url, logger);
    const heard = collect(a.bus);
    await a.db.get('SELECT pg_notify($1, $2)', [BUS_CHANNEL, '{"kind":"drop table"}']);
    await a.bus.publish(unit('tri-a'));
    await vi.waitFor(() => expect(heard).toEqual([unit('tri-a')]));
    expect(lines.some((l) => l.msg === 'ignored a notification that is not a fleet signal')).toBe(true);
  });

  it('lets exactly one process lead, and hands the lead over when the leader stops', async () => {
    const url = await (await testPostgres()).createDatabase();
    const a = await processOn(url);
    const b = await processOn(url);
    expect([a.bus.leading, b.bus.leading]).toEqual([true, false]);
    const seen: boolean[] = [];
    b.bus.onLeadership((l) => seen.push(l));
    await a.bus.close();
    await vi.waitFor(() => expect(b.bus.leading).toBe(true));
    expect(seen).toEqual([false, true]);
  });

  it('releases the lead when its connection is cut, and takes it back once it reconnects', async () => {
    const url = await (await testPostgres()).createDatabase();
    const a = await processOn(url);
    expect(a.bus.leading).toBe(true);
    const heard = collect(a.bus);
    // What a failover or a network cut does: the server ends the listening session.
    await a.db.get(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    await vi.waitFor(() => expect(a.bus.leading).toBe(false));
    await vi.waitFor(() => expect(a.bus.leading).toBe(true), { timeout: 5000 });
    await a.bus.publish(unit('tri-a'));
    await vi.waitFor(() => expect(heard).toEqual([unit('tri-a')]));
  });

  it('fails with a coded error when PostgreSQL cannot be reached', async () => {
    const url = 'postgres://nobody@127.0.0.1:1/none';
    const db = new PostgresDb({ url, connectTimeoutMs: 500 });
    open.push(db);
    await expect(PostgresBus.start({ url, db, logger: captureLogger().logger })).rejects.toMatchObject({
      code: 'DSH_BUS_CONNECT',
    });
  });
});
