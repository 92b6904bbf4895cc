import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRecord, type ReconstructedState, type RecordBody } from '../src/contract/records.js';
import { Outbox } from '../src/uplink/outbox.js';
import { prng, tempDir } from './support/outbox-fixtures.js';
import { runAndKill } from './support/outbox-kill.js';
import {
  comparable,
  FOLD_CRASH_BOUNDS,
  foldCrashAlarm,
  foldCrashTs,
  foldV2,
  v2RecordMaker,
} from './support/outbox-v2.js';

const WRITER = join(import.meta.dirname, '..', 'dist', 'test', 'support', 'outbox-fold-writer.js');
const KILLS = 12;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

interface Row {
  id: number;
  boot_id: string;
  seq: number;
  alarm: number;
  size: number;
  payload: string;
}

/** The state after each seq of a writer's boot, rebuilt from its seed: the records are a function of it. */
function truthOf(seed: number, lastSeq: number): Record<string, unknown>[] {
  const make = v2RecordMaker(prng(seed));
  const states: Record<string, unknown>[] = [];
  let state: ReconstructedState = {};
  for (let seq = 0; seq <= lastSeq; seq++) {
    state = applyRecord(state, make(seq, foldCrashTs(seq), seq === 0));
    states.push(comparable(state));
  }
  return states;
}

describe('Outbox folding under SIGKILL', () => {
  it(`keeps payloads, sizes and reconstruction exact over ${KILLS} kills while it folds`, async () => {
    expect(existsSync(WRITER), `${WRITER} missing: run "npx tsc -b edge" first`).toBe(true);
    const { file, remove } = tempDir();
    cleanups.push(remove);
    const rnd = prng(20250602);
    const boots: { bootId: string; seed: number; durable: number; attempted: number }[] = [];
    const truths = new Map<string, Record<string, unknown>[]>();
    let checkedRecords = 0;
    const interrupted = { committed: 0, not: 0 };
    let foldedSeen = 0;

    for (let kill = 0; kill < KILLS; kill++) {
      const boot = { bootId: `boot-${String(kill).padStart(4, '0')}`, seed: 5000 + kill, durable: -1, attempted: -1 };
      boots.push(boot);
      const run = await runAndKill(WRITER, [file(), boot.bootId, String(boot.seed)], 20 + Math.floor(rnd() * 250));
      for (const line of run.lines) {
        const [tag, first, last] = line.split(' ');
        if (tag === 'a') boot.attempted = Number(last);
        if (tag === 'A') boot.durable = Number(first);
      }
      const where = `kill ${kill}`;
      truths.set(boot.bootId, truthOf(boot.seed, boot.attempted));

      const raw = new Database(file());
      expect(raw.pragma('integrity_check', { simple: true }), where).toBe('ok');
      const rows = raw.prepare('SELECT id, boot_id, seq, alarm, size, payload FROM outbox ORDER BY id').all() as Row[];
      raw.close();

      // Every payload's size is its own: a fold and its size were written together.
      expect(
        rows.filter((r) => r.size !== Buffer.byteLength(r.payload)).map((r) => r.id),
        where,
      ).toEqual([]);
      // The newest record is never evicted, and the append the kill interrupted happened whole or not at all.
      const newest = rows.at(-1);
      if (boot.attempted >= 0) {
        expect(newest?.boot_id, where).toBe(boot.bootId);
        expect([boot.durable, boot.attempted], where).toContain(newest?.seq);
        if (boot.attempted > boot.durable) interrupted[newest?.seq === boot.attempted ? 'committed' : 'not'] += 1;
      }
      // No alarm lost (nothing is acked in this test).
      const present = new Set(rows.map((r) => `${r.boot_id}/${r.seq}`));
      for (const b of boots) {
        const last = newest?.boot_id === b.bootId ? (newest?.seq ?? -1) : b.durable;
        for (let seq = 0; seq <= last; seq++) {
          if (foldCrashAlarm(seq)) expect(present.has(`${b.bootId}/${seq}`), `${where}: alarm ${seq}`).toBe(true);
        }
      }
      // Applying what is left, boot by boot, gives the true state at every record left.
      for (const b of boots) {
        const own = rows.filter((r) => r.boot_id === b.bootId);
        const truth = truths.get(b.bootId) ?? [];
        let state: ReconstructedState = {};
        for (const row of own) {
          const record = JSON.parse(row.payload) as RecordBody & { seq: number };
          expect(record.seq, where).toBe(row.seq);
          state = applyRecord(state, record);
          expect(comparable(state), `${where}, ${b.bootId}/${row.seq}`).toEqual(truth[row.seq]);
          checkedRecords += 1;
        }
        foldedSeen += own.filter((r, i) => i > 0 && r.seq - (own[i - 1]?.seq ?? 0) > 1).length;
      }

      // The outbox opens on it, and its byte total is the file's.
      const outbox = new Outbox(file(), { ...FOLD_CRASH_BOUNDS, fold: foldV2 });
      const bytes = rows.reduce((n, r) => n + r.size, 0);
      expect(outbox.stats(), where).toMatchObject({ depth: rows.length, bytes });
      outbox.close();
    }

    const appended = boots.reduce((n, b) => n + b.durable + 1, 0);
    expect(appended).toBeGreaterThan(KILLS * FOLD_CRASH_BOUNDS.maxRows);
    expect(foldedSeen).toBeGreaterThan(KILLS);
    console.log(
      `outbox fold SIGKILL: ${KILLS} kills, ${appended} v2 records appended under`,
      FOLD_CRASH_BOUNDS,
      `; ${checkedRecords} kept records checked against the truth, ${foldedSeen} of them had absorbed a gap;`,
      'kills inside an append (committed / not):',
      interrupted,
    );
  }, 120_000);
});
