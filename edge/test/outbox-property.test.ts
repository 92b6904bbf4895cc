import { afterEach, describe, expect, it } from 'vitest';
import { Outbox, type OutboxOptions, type OutboxRecord } from '../src/uplink/outbox.js';
import { manualClock, prng, T0, tempDir } from './support/outbox-fixtures.js';

const SCENARIOS = 120;
const OPS = 60;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const key = (r: { bootId: string; seq: number }) => `${r.bootId}/${r.seq}`;

/**
 * Random appends, acks, reconnects, restarts and clock moves against random bounds, checking after every step
 * what the eviction policy promises. A failure names its seed; rerun that seed alone to replay it.
 */
interface Seen {
  downsampled: boolean;
  evicted: boolean;
  overBudget: boolean;
}

function runScenario(seed: number): Seen {
  const seen: Seen = { downsampled: false, evicted: false, overBudget: false };
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const { file, remove } = tempDir();
  cleanups.push(remove);
  const clock = manualClock(T0);
  const options: OutboxOptions = {
    clock,
    ...(rnd() < 0.7 ? { maxRows: int(4, 60) } : {}),
    ...(rnd() < 0.4 ? { maxBytes: int(500, 6000) } : {}),
    ...(rnd() < 0.4 ? { maxAgeMs: int(30, 600) * 1000 } : {}),
  };
  const alarmRate = [0, 0.05, 0.3, 0.8][int(0, 3)] ?? 0;
  let outbox = new Outbox(file(), options);
  cleanups.push(() => outbox.close());

  const alive: OutboxRecord[] = []; // appended, not acked: what may still be in the store, in order
  let appended = 0;
  let acked = 0;
  let boot = 0;
  let seq = 0;
  let ts = T0;
  let freshFrom = 0; // index in `alive` from which entries must not be historical

  for (let op = 0; op < OPS; op++) {
    const dice = rnd();
    if (dice < 0.6) {
      const batch: OutboxRecord[] = [];
      for (let i = int(1, 8); i > 0; i--) {
        // Mostly 10 s steps; sometimes the clock jumps back (GPS fix after a boot on a stale clock) or ahead.
        const jump = rnd();
        ts += jump < 0.05 ? -int(1, 3600) * 1000 : jump < 0.1 ? int(1, 3600) * 1000 : 10_000;
        const payload = JSON.stringify({ seq, pad: 'p'.repeat(int(0, 200)) });
        batch.push({ bootId: `boot-${seed}-${boot}`, seq: seq++, ts, alarm: rnd() < alarmRate, payload });
      }
      outbox.append(batch);
      alive.push(...batch);
      appended += batch.length;
    } else if (dice < 0.8) {
      const peeked = outbox.peek(int(0, 20));
      const chosen = peeked.filter(() => rnd() < 0.7).map((e) => e.id);
      acked += outbox.ack(chosen);
      const gone = new Set(peeked.filter((e) => chosen.includes(e.id)).map(key));
      for (let i = alive.length - 1; i >= 0; i--) {
        const r = alive[i] as OutboxRecord;
        if (gone.has(key(r))) {
          alive.splice(i, 1);
          if (i < freshFrom) freshFrom -= 1;
        }
      }
    } else if (dice < 0.88) {
      outbox.markReplay();
      freshFrom = alive.length;
    } else if (dice < 0.94) {
      outbox.close();
      outbox = new Outbox(file(), options);
      freshFrom = alive.length;
      boot += 1;
      seq = 0;
    } else {
      clock.set(clock.now() + int(1, 900) * 1000);
    }

    const entries = outbox.peek(1_000_000);
    const stats = outbox.stats();
    const where = `seed ${seed}, op ${op}`;
    seen.downsampled ||= stats.downsampled > 0;
    seen.evicted ||= stats.evicted > 0;
    seen.overBudget ||= stats.overBudgetAlarms > 0;
    // Nothing invented, nothing reordered: the store is a subsequence of what was appended and not acked.
    const position = new Map(alive.map((r, i) => [key(r), i]));
    const positions = entries.map((e) => position.get(key(e)) ?? -1);
    expect(positions.includes(-1), where).toBe(false);
    expect(
      positions.every((p, i) => i === 0 || p > (positions[i - 1] ?? -1)),
      where,
    ).toBe(true);
    // Alarms are never dropped.
    const present = new Set(entries.map(key));
    expect(alive.filter((r) => r.alarm && !present.has(key(r))).map(key), where).toEqual([]);
    // Every record is acked, held, downsampled or evicted, and the counts add up.
    expect(appended - acked, where).toBe(stats.depth + stats.evicted + stats.downsampled);
    expect(stats.depth, where).toBe(entries.length);
    expect(stats.bytes, where).toBe(entries.reduce((n, e) => n + Buffer.byteLength(e.payload), 0));
    // Over a row or byte bound only when nothing but alarms is left; no expired non-alarm record stays.
    const overRows = options.maxRows !== undefined && stats.depth > options.maxRows;
    const overBytes = options.maxBytes !== undefined && stats.bytes > options.maxBytes;
    if (overRows || overBytes) {
      expect(
        entries.every((e) => e.alarm),
        where,
      ).toBe(true);
      expect(stats.overBudgetAlarms, where).toBeGreaterThan(0);
    }
    // Eviction runs on append and on open; right after either, no expired non-alarm record is left.
    if (options.maxAgeMs !== undefined && (dice < 0.6 || (dice >= 0.88 && dice < 0.94))) {
      const cutoff = clock.now() - options.maxAgeMs;
      expect(entries.filter((e) => !e.alarm && e.ts < cutoff).map(key), where).toEqual([]);
    }
    if (!overRows && !overBytes && options.maxAgeMs === undefined) expect(stats.overBudgetAlarms, where).toBe(0);
    // Historical: exactly what was pending at the last reconnect or restart.
    const fresh = new Set(alive.slice(freshFrom).map(key));
    expect(entries.filter((e) => e.historical === fresh.has(key(e))).map(key), where).toEqual([]);
  }
  return seen;
}

describe('Outbox eviction, property-style', () => {
  it(`holds its invariants over ${SCENARIOS} seeded random histories of ${OPS} steps`, () => {
    const tally = { downsampled: 0, evicted: 0, overBudget: 0 };
    for (let seed = 1; seed <= SCENARIOS; seed++) {
      const seen = runScenario(seed);
      for (const k of ['downsampled', 'evicted', 'overBudget'] as const) if (seen[k]) tally[k] += 1;
    }
    // Guard against a vacuous run: the random bounds must actually bite in a good share of the histories.
    expect(tally.downsampled).toBeGreaterThan(SCENARIOS / 4);
    expect(tally.evicted).toBeGreaterThan(SCENARIOS / 4);
    expect(tally.overBudget).toBeGreaterThan(SCENARIOS / 10);
    console.log(`outbox property: ${SCENARIOS} histories, bounds bit in`, tally);
  }, 120_000);
});
