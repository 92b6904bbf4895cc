import {
  applyRecord,
  decodeBatch,
  encodeBatch,
  isValidUnitId,
  parseState,
  type ReconstructedState,
} from '@triporteur/edge/contract';
import { describe, expect, it } from 'vitest';
import {
  backlogBatches,
  benchUnitIds,
  newTrack,
  nextRecord,
  onlineState,
  RECORD_INTERVAL_MS,
} from '../bench/ingest/fleet-gen.js';
import { LatencyTracker, slotAt } from '../bench/ingest/latency.js';
import { percentile, summarize } from '../bench/ingest/percentiles.js';
import {
  type BenchFigures,
  bestRelay,
  type IngestFigures,
  latencyTable,
  problems,
  targets,
  throughputTable,
} from '../bench/ingest/report.js';
import { SseParser, unitReading } from '../bench/ingest/sse.js';
import { emptyIngestStats, type IngestStats } from '../src/ingest/ingest.js';

/**
 * The pure parts of the dashboard ingest bench (dashboard/bench/ingest): payload generation, the live
 * stream's parsing, latency matching, percentiles, targets and the checks that fail the bench. No timing
 * is asserted here; the bench itself runs under `npm run bench`.
 */

describe('the simulated fleet', () => {
  it('names units with valid, distinct ids in fleet order', () => {
    const ids = benchUnitIds(1000);
    expect(ids).toHaveLength(1000);
    expect(ids[0]).toBe('bench-0001');
    expect(ids.at(-1)).toBe('bench-1000');
    expect(ids.every(isValidUnitId)).toBe(true);
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
  });

  it('builds a backlog of contract-valid v2 batches, seq without gaps, one record every 10 s, before the end', () => {
    const track = newTrack('bench-0001', 0, 7);
    const end = Date.UTC(2026, 0, 1);
    const batches = backlogBatches(track, 5, 30, end);
    expect(batches).toHaveLength(5);
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(records.every((r, i) => i === 0 || r.ts - (records[i - 1]?.ts ?? 0) === RECORD_INTERVAL_MS)).toBe(true);
    expect(records.at(-1)?.ts).toBeLessThan(end);
    for (const batch of batches) {
      expect(batch.bootId).toBe(track.bootId);
      const decoded = decodeBatch(encodeBatch(batch));
      expect(decoded).toEqual({ ok: true, value: batch });
    }
  });

  it('opens the boot with every kind in full, then sends battery and position deltas the fold completes', () => {
    const track = newTrack('bench-0002', 1, 7);
    const [first, ...rest] = backlogBatches(track, 1, 30, Date.UTC(2026, 0, 1))[0]?.records ?? [];
    expect(first?.battery).toMatchObject({ full: true });
    expect(first?.position).toMatchObject({ full: true });
    expect(rest.every((r) => r.battery && !('full' in r.battery) && r.position && !('full' in r.position))).toBe(true);
    let state: ReconstructedState = {};
    for (const record of [first, ...rest]) if (record) state = applyRecord(state, record);
    expect(state.battery?.complete).toBe(true);
    expect(state.position?.values.lat).toBe(rest.at(-1)?.position?.lat);
  });

  it('sends the same bytes for the same seed and unit, different ones for another unit', () => {
    const bytes = (unit: string, index: number) =>
      backlogBatches(newTrack(unit, index, 99), 2, 30, 1_800_000_000_000).map((b) => encodeBatch(b));
    expect(bytes('bench-0001', 0)).toEqual(bytes('bench-0001', 0));
    expect(bytes('bench-0002', 1)).not.toEqual(bytes('bench-0001', 0));
  });

  it('continues the boot after the backlog, and says online in a state the contract accepts', () => {
    const track = newTrack('bench-0003', 2, 7);
    backlogBatches(track, 2, 30, 1_800_000_000_000);
    const record = nextRecord(track, 1_800_000_100_000);
    expect(record.seq).toBe(60);
    expect(record.battery?.voltageV).toBeTypeOf('number');
    const state = parseState(new TextEncoder().encode(JSON.stringify(onlineState(track, 1_800_000_000_000))));
    expect(state).toMatchObject({ ok: true, value: { state: 'online', bootId: track.bootId } });
  });
});

describe('pacing', () => {
  it('spreads 1,000 units reporting every 10 s into a message every 10 ms, each unit once a period', () => {
    expect(slotAt(0, 1000, 10_000)).toEqual({ unitIndex: 0, atMs: 0 });
    expect(slotAt(1, 1000, 10_000)).toEqual({ unitIndex: 1, atMs: 10 });
    expect(slotAt(1000, 1000, 10_000)).toEqual({ unitIndex: 0, atMs: 10_000 });
    const firstSecond = Array.from({ length: 1000 }, (_, n) => slotAt(n, 1000, 10_000)).filter((s) => s.atMs < 1000);
    expect(firstSecond).toHaveLength(100);
  });
});

describe('the live stream', () => {
  const stream =
    'retry: 5000\n\nevent: snapshot\ndata: {"units":[]}\n\n: ping\n\n' +
    'event: unit\ndata: {"id":"bench-0001","battery":{"ts":1700000000000}}\n\n' +
    'event: unit\r\ndata: {"id":"bench-0002",\r\ndata: "battery":null}\r\n\r\n';

  it('gives the same events however the text is cut', () => {
    const whole = new SseParser().push(stream);
    expect(whole.map((e) => e.event)).toEqual(['snapshot', 'unit', 'unit']);
    expect(whole[2]?.data).toBe('{"id":"bench-0002",\n"battery":null}');
    for (let cut = 0; cut <= stream.length; cut++) {
      const parser = new SseParser();
      expect([...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut))]).toEqual(whole);
    }
  });

  it('reads the unit and its battery reading time from a unit event, and nothing from anything else', () => {
    expect(unitReading('{"id":"bench-0001","battery":{"ts":1700000000000}}')).toEqual({
      unitId: 'bench-0001',
      batteryTs: 1_700_000_000_000,
    });
    expect(unitReading('{"id":"bench-0002","battery":null}')).toBeUndefined();
    expect(unitReading('{"units":[]}')).toBeUndefined();
    expect(unitReading('not json')).toBeUndefined();
  });
});

describe('latency matching', () => {
  it('times each measured record from its publish to its event, and counts warm-up, missing and strays', () => {
    const tracker = new LatencyTracker();
    tracker.published('a', 1000, 5, false);
    tracker.published('a', 2000, 10, true);
    tracker.published('b', 2000, 12, true);
    tracker.published('c', 3000, 20, true);
    tracker.received('a', 1000, 7);
    tracker.received('a', 2000, 25);
    tracker.received('b', 2000, 13.5);
    tracker.received('a', 2000, 30); // the same reading again: not a second sample
    tracker.received('d', 1, 31);
    expect(tracker.outstanding).toBe(1);
    expect(tracker.outcome()).toEqual({
      latenciesMs: [15, 1.5],
      publishedWarmup: 1,
      publishedMeasured: 3,
      missing: 1,
      unmatchedEvents: 2,
    });
  });
});

describe('percentiles', () => {
  it('takes the nearest rank, always a measured value', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted latencies to a tenth of a millisecond', () => {
    expect(summarize([3.04, 1, 250.06, 2])).toEqual({ samples: 4, p50Ms: 2, p99Ms: 250.1, maxMs: 250.1, meanMs: 64 });
    expect(summarize([]).samples).toBe(0);
  });
});

function stats(inserted: number, extra: Partial<IngestStats> = {}): IngestStats {
  return { ...emptyIngestStats(), connected: true, recordsInserted: inserted, ...extra };
}

function ingestRun(engine: IngestFigures['engine'], elapsedMs: number, extra: Partial<IngestFigures> = {}) {
  return {
    engine,
    messages: 100,
    records: 3000,
    elapsedMs,
    publishMs: 5,
    failedPublishes: 0,
    storedRecords: 3000,
    unitsWithAll: 10,
    unitsExpected: 10,
    stats: stats(3000),
    ...extra,
  };
}

/** A clean run: relay 30,000 records/s at best, SQLite 15,000 (0.5 ×), PostgreSQL 6,000, p99 250 ms. */
function figures(change: (f: BenchFigures) => void = () => {}): BenchFigures {
  const f: BenchFigures = {
    relayRuns: [
      { messages: 100, records: 3000, elapsedMs: 150, publishMs: 5, failedPublishes: 0 },
      { messages: 100, records: 3000, elapsedMs: 100, publishMs: 5, failedPublishes: 0 },
    ],
    ingest: [ingestRun('postgres', 500), ingestRun('sqlite', 200)],
    latency: {
      units: 1000,
      periodMs: 10_000,
      measureMs: 40_000,
      summary: { samples: 4000, p50Ms: 3, p99Ms: 250, maxMs: 400, meanMs: 5 },
      publishedMeasured: 4000,
      missing: 0,
      unmatchedEvents: 0,
      failedPublishes: 0,
      maxScheduleLagMs: 2,
    },
  };
  change(f);
  return f;
}

describe('targets and checks', () => {
  it('takes the fastest relay run as the ceiling and meets both targets at their limits', () => {
    expect(bestRelay(figures().relayRuns)?.elapsedMs).toBe(100);
    expect(targets(figures()).map((t) => [t.value, t.pass])).toEqual([
      [0.5, true],
      [250, true],
    ]);
    expect(problems(figures())).toEqual([]);
  });

  it('misses the ingest target below half the relay rate, and the latency target above 250 ms or with no samples', () => {
    const slow = targets(figures((f) => Object.assign(f.ingest[1] ?? {}, { elapsedMs: 201 })));
    expect(slow[0]).toMatchObject({ value: 0.498, pass: false });
    const late = targets(figures((f) => Object.assign(f.latency.summary, { p99Ms: 250.1 })));
    expect(late[1]?.pass).toBe(false);
    const none = targets(figures((f) => Object.assign(f.latency.summary, { samples: 0, p99Ms: Number.NaN })));
    expect(none[1]?.pass).toBe(false);
  });

  it('fails when a count does not add up: lost, duplicated or dropped records, a missing engine, missing events', () => {
    const cases: [(f: BenchFigures) => void, RegExp][] = [
      [(f) => Object.assign(f.ingest[1] ?? {}, { storedRecords: 2999 }), /sqlite: the database holds 2999 records/],
      [(f) => Object.assign(f.ingest[0] ?? {}, { unitsWithAll: 9 }), /postgres: 1 units do not hold/],
      [(f) => Object.assign(f.ingest[1] ?? {}, { stats: stats(3000, { recordsDuplicate: 2 }) }), /2 duplicate/],
      [(f) => Object.assign(f.ingest[1] ?? {}, { stats: stats(2990) }), /ingest counted 2990/],
      [
        (f) =>
          Object.assign(f.ingest[0] ?? {}, { stats: { ...stats(3000), dropped: { ...stats(0).dropped, schema: 3 } } }),
        /postgres: 3 messages dropped/,
      ],
      [(f) => f.ingest.pop(), /sqlite: no ingest run/],
      [(f) => Object.assign(f.relayRuns[0] ?? {}, { failedPublishes: 1 }), /relay run 1: 1 publishes failed/],
      [(f) => Object.assign(f.latency, { missing: 3, publishedMeasured: 4003 }), /3 records never showed/],
      [(f) => Object.assign(f.latency, { publishedMeasured: 4001 }), /4000 samples \+ 0 missing ≠ 4001/],
      [(f) => Object.assign(f.latency, { unmatchedEvents: 1 }), /matched no publish/],
    ];
    for (const [change, expected] of cases) {
      const found = problems(figures(change));
      expect(
        found.some((p) => expected.test(p)),
        `${expected} in ${JSON.stringify(found)}`,
      ).toBe(true);
    }
  });

  it('prints each engine against the relay, and the latency percentiles', () => {
    const table = throughputTable(figures()).split('\n');
    expect(table[2]).toMatch(/^\(baseline\) Mosquitto relay.*30,000 +1\.000$/);
    expect(table.find((l) => l.startsWith('dashboard ingest → SQLite'))).toMatch(/15,000 +0\.500$/);
    expect(table.find((l) => l.startsWith('dashboard ingest → PostgreSQL'))).toMatch(/6,000 +0\.200$/);
    expect(latencyTable(figures())).toMatch(/1,000 units every 10 s \(100 msgs\/s\).*4,000 +3\.0 +250\.0 +400\.0/);
  });
});
