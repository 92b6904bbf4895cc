import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRecord, type ReconstructedState, type RecordBody } from '../src/contract/records.js';
import { Outbox, type OutboxEntry, type OutboxOptions, type OutboxRecord } from '../src/uplink/outbox.js';
import { manualClock, prng, T0, tempDir } from './support/outbox-fixtures.js';
import { comparable, foldV2, v2RecordMaker } from './support/outbox-v2.js';

const SCENARIOS = 100;
const OPS = 80;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const key = (r: { bootId: string; seq: number }) => `${r.bootId}/${r.seq}`;

/** The leading run of one boot, as the app sends it (a batch carries a single bootId). */
function sameBoot(entries: OutboxEntry[]): OutboxEntry[] {
  const end = entries.findIndex((e) => e.bootId !== entries[0]?.bootId);
  return end === -1 ? entries : entries.slice(0, end);
}

/**
 * The dashboard: applies what it receives with the contract's applyRecord, drops a (bootId, seq) it already
 * has, and checks after every new record that its state equals the truth at that seq: the state of applying
 * every record ever appended to the outbox for that boot, up to that seq.
 */
class Dashboard {
  private readonly boots = new Map<string, { state: ReconstructedState; lastSeq: number; seqs: Set<number> }>();

  constructor(private readonly truth: Map<string, Record<string, unknown>[]>) {}

  receive(entries: readonly OutboxEntry[], where: string): void {
    for (const e of entries) {
      const boot = this.boots.get(e.bootId) ?? { state: {}, lastSeq: -1, seqs: new Set() };
      this.boots.set(e.bootId, boot);
      if (boot.seqs.has(e.seq)) continue;
      // Sends go out in id order, so a record not seen yet is always newer than every one seen.
      expect(e.seq, `${where}, ${key(e)} arrived after a newer record`).toBeGreaterThan(boot.lastSeq);
      boot.seqs.add(e.seq);
      const record = JSON.parse(e.payload) as RecordBody & { seq: number };
      expect(record.seq, where).toBe(e.seq);
      boot.state = applyRecord(boot.state, record);
      boot.lastSeq = e.seq;
      expect(comparable(boot.state), `${where}, ${key(e)}`).toEqual(this.truth.get(e.bootId)?.[e.seq]);
    }
  }

  lastSeq(bootId: string): number {
    return this.boots.get(bootId)?.lastSeq ?? -1;
  }
}

interface Seen {
  folded: boolean;
  alarmFolded: boolean;
  downsampled: boolean;
  evicted: boolean;
  aged: boolean;
  inFlightTouched: boolean;
  bootsTogether: boolean;
  bootsExact: number;
  /** Older boots whose last records were evicted: some arrived, all exact, the end is missing. */
  bootsCut: number;
  /** Older boots evicted whole before anything was sent. */
  bootsGone: number;
}

/**
 * Random v2 delta records appended under tight bounds, with sends that succeed, lose their ack or are lost
 * (and eviction running while a batch is in flight), restarts (a new boot) and clock moves. A quarter of the
 * histories send nothing until the end, so the records kept must rebuild every state alone.
 */
function runScenario(seed: number): Seen {
  const seen: Seen = {
    folded: false,
    alarmFolded: false,
    downsampled: false,
    evicted: false,
    aged: false,
    inFlightTouched: false,
    bootsTogether: false,
    bootsExact: 0,
    bootsCut: 0,
    bootsGone: 0,
  };
  const rnd = prng(seed * 7919);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const makeRecord = v2RecordMaker(rnd);
  const { file, remove } = tempDir();
  cleanups.push(remove);
  const clock = manualClock(T0);
  const bounds = {
    ...(rnd() < 0.7 ? { maxRows: int(3, 40) } : {}),
    ...(rnd() < 0.5 ? { maxBytes: int(600, 6000) } : {}),
    ...(rnd() < 0.4 ? { maxAgeMs: int(30, 400) * 1000 } : {}),
  };
  const options: OutboxOptions = {
    clock,
    fold: foldV2,
    ...bounds,
    ...(Object.keys(bounds).length ? {} : { maxRows: 8 }),
  };
  const alarmRate = [0, 0.05, 0.3][int(0, 2)] ?? 0;
  const sends = rnd() < 0.75;
  let outbox = new Outbox(file(), options);
  cleanups.push(() => outbox.close());
  const raw = new Database(file(), { readonly: true });
  cleanups.push(() => raw.close());
  const fileTotals = raw.prepare('SELECT count(*) AS rows, coalesce(sum(size), 0) AS bytes FROM outbox');
  const badSizes = raw.prepare('SELECT count(*) AS n FROM outbox WHERE size != length(CAST(payload AS BLOB))');

  const appended: OutboxRecord[] = [];
  const truth = new Map<string, Record<string, unknown>[]>();
  const dashboard = new Dashboard(truth);
  const acked = new Set<string>();
  let inFlight: OutboxEntry[] | undefined;
  let boot = 0;
  let bootId = `boot-${seed}-0`;
  let seq = 0;
  let ts = T0;
  let state: ReconstructedState = {};
  let ackedCount = 0;

  const append = () => {
    const batch: OutboxRecord[] = [];
    for (let i = int(1, 6); i > 0; i--) {
      const jump = rnd();
      ts += jump < 0.04 ? -int(1, 600) * 1000 : jump < 0.08 ? int(1, 600) * 1000 : 10_000;
      const payload = JSON.stringify(makeRecord(seq, ts, seq === 0));
      state = applyRecord(state, JSON.parse(payload) as RecordBody);
      truth.set(bootId, [...(truth.get(bootId) ?? []), comparable(state)]);
      batch.push({ bootId, seq: seq++, ts, alarm: rnd() < alarmRate, payload });
    }
    outbox.append(batch);
    appended.push(...batch);
  };

  const ack = (entries: readonly OutboxEntry[]) => {
    const present = new Set(outbox.peek(1_000_000).map((e) => e.id));
    for (const e of entries) if (present.has(e.id)) acked.add(key(e));
    ackedCount += outbox.ack(entries.map((e) => e.id));
  };

  /** A send ends: delivered and acked, delivered with the ack lost, or lost. */
  const finishSend = (where: string) => {
    if (!inFlight) return;
    const now = new Map(outbox.peek(1_000_000).map((e) => [e.id, e.payload]));
    seen.inFlightTouched ||= inFlight.some((e) => now.get(e.id) !== e.payload);
    const outcome = rnd();
    if (outcome < 0.8) dashboard.receive(inFlight, where);
    if (outcome < 0.6) ack(inFlight);
    inFlight = undefined;
  };

  const check = (where: string, afterEviction: boolean) => {
    const entries = outbox.peek(1_000_000);
    const stats = outbox.stats();
    // Byte totals: memory, the file's sizes and the payloads themselves agree.
    expect(fileTotals.get(), where).toEqual({ rows: stats.depth, bytes: stats.bytes });
    expect(badSizes.get(), where).toEqual({ n: 0 });
    expect(stats.bytes, where).toBe(entries.reduce((n, e) => n + Buffer.byteLength(e.payload), 0));
    // Nothing invented or reordered, and a fold never changes a record's envelope.
    const order = new Map(appended.map((r, i) => [key(r), i]));
    const positions = entries.map((e) => order.get(key(e)) ?? -1);
    expect(positions.includes(-1), where).toBe(false);
    expect(
      positions.every((p, i) => i === 0 || p > (positions[i - 1] ?? -1)),
      where,
    ).toBe(true);
    for (const e of entries) expect(JSON.parse(e.payload), where).toMatchObject({ seq: e.seq, ts: e.ts });
    // Alarms are never dropped; the newest record is never dropped.
    const present = new Set(entries.map(key));
    expect(appended.filter((r) => r.alarm && !acked.has(key(r)) && !present.has(key(r))).map(key), where).toEqual([]);
    const newest = appended.at(-1);
    if (newest && !acked.has(key(newest))) expect(present.has(key(newest)), where).toBe(true);
    // Every record is acked, held, or counted as thinned or dropped.
    expect(appended.length - ackedCount, where).toBe(stats.depth + stats.evicted + stats.downsampled);
    // Over a bound only with alarms and the newest record left.
    const over =
      (options.maxRows !== undefined && stats.depth > options.maxRows) ||
      (options.maxBytes !== undefined && stats.bytes > options.maxBytes);
    if (over)
      expect(
        entries.slice(0, -1).every((e) => e.alarm),
        where,
      ).toBe(true);
    if (afterEviction && options.maxAgeMs !== undefined) {
      const cutoff = clock.now() - options.maxAgeMs;
      const expired = entries.slice(0, -1).filter((e) => !e.alarm && e.ts < cutoff);
      expect(expired.map(key), where).toEqual([]);
      seen.aged ||= appended.some((r) => r.ts < cutoff && !acked.has(key(r)) && !present.has(key(r)));
    }
    const originals = new Map(appended.map((r) => [key(r), r.payload]));
    const folded = entries.filter((e) => originals.get(key(e)) !== e.payload);
    seen.folded ||= folded.length > 0;
    seen.alarmFolded ||= folded.some((e) => e.alarm);
    seen.downsampled ||= stats.downsampled > 0;
    seen.evicted ||= stats.evicted > 0;
    seen.bootsTogether ||= new Set(entries.map((e) => e.bootId)).size > 1;
  };

  for (let op = 0; op < OPS; op++) {
    const where = `seed ${seed}, op ${op}`;
    const dice = rnd();
    if (dice < 0.5 || (!sends && dice < 0.8)) {
      append();
      check(where, true);
    } else if (dice < 0.65) {
      if (!inFlight) inFlight = sameBoot(outbox.peek(int(1, 12)));
      check(where, false);
    } else if (dice < 0.8) {
      finishSend(where);
      check(where, false);
    } else if (dice < 0.88) {
      finishSend(where);
      outbox.close();
      outbox = new Outbox(file(), options);
      boot += 1;
      bootId = `boot-${seed}-${boot}`;
      seq = 0;
      state = {};
      check(where, true);
    } else {
      clock.set(clock.now() + int(1, 300) * 1000);
      check(where, false);
    }
  }

  // The link comes back for good: everything left goes out, oldest first.
  finishSend(`seed ${seed}, last send`);
  for (let batch = sameBoot(outbox.peek(50)); batch.length > 0; batch = sameBoot(outbox.peek(50))) {
    dashboard.receive(batch, `seed ${seed}, drain`);
    ack(batch);
  }
  // Every record the dashboard got rebuilt the exact state (checked in receive). A boot whose last record
  // arrived ends in exactly the state of all its records; only an older boot can lose its last records.
  for (const [id, states] of truth) {
    const last = states.length - 1;
    if (dashboard.lastSeq(id) === last) seen.bootsExact += 1;
    else {
      expect(id, `seed ${seed}: the current boot lost its last record`).not.toBe(bootId);
      if (dashboard.lastSeq(id) === -1) seen.bootsGone += 1;
      else seen.bootsCut += 1;
    }
  }
  return seen;
}

describe('Outbox folding v2 deltas, property-style', () => {
  it(`rebuilds the exact state at every record delivered, over ${SCENARIOS} random histories`, () => {
    const tally = {
      folded: 0,
      alarmFolded: 0,
      downsampled: 0,
      evicted: 0,
      aged: 0,
      inFlightTouched: 0,
      bootsTogether: 0,
      bootsExact: 0,
      bootsCut: 0,
      bootsGone: 0,
    };
    for (let seed = 1; seed <= SCENARIOS; seed++) {
      const seen = runScenario(seed);
      for (const k of Object.keys(tally) as (keyof Seen)[]) tally[k] += Number(seen[k]);
    }
    // Guard against a vacuous run: the bounds must bite, folds must happen, in flight and across boots too.
    expect(tally.folded).toBeGreaterThan(SCENARIOS / 2);
    expect(tally.alarmFolded).toBeGreaterThan(SCENARIOS / 10);
    expect(tally.downsampled).toBeGreaterThan(SCENARIOS / 4);
    expect(tally.evicted).toBeGreaterThan(SCENARIOS / 4);
    expect(tally.aged).toBeGreaterThan(SCENARIOS / 20);
    expect(tally.inFlightTouched).toBeGreaterThan(SCENARIOS / 10);
    expect(tally.bootsTogether).toBeGreaterThan(SCENARIOS / 10);
    expect(tally.bootsExact).toBeGreaterThan(SCENARIOS * 2);
    console.log(`outbox fold property: ${SCENARIOS} histories of ${OPS} steps`, tally);
  }, 120_000);
});
