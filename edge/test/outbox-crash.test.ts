import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../src/uplink/outbox.js';
import { prng, tempDir } from './support/outbox-fixtures.js';
import { runAndKill } from './support/outbox-kill.js';

const WRITER = join(import.meta.dirname, '..', 'dist', 'test', 'support', 'outbox-crash-writer.js');
const KILLS = 20;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** What the parent knows from the child's reports: durable keys, and the all-or-nothing steps in flight. */
class Model {
  readonly durable = new Set<string>();
  inflightAppend: string[] = [];
  inflightAck: string[] = [];
  appended = 0;
  acked = 0;

  replay(bootId: string, lines: readonly string[]): void {
    for (const line of lines) {
      const [tag, a, b] = line.split(' ');
      if (tag === 'a') {
        this.inflightAppend = [];
        for (let s = Number(a); s <= Number(b); s++) this.inflightAppend.push(`${bootId}/${s}`);
      } else if (tag === 'A') {
        for (const k of this.inflightAppend) this.durable.add(k);
        this.appended += this.inflightAppend.length;
        this.inflightAppend = [];
      } else if (tag === 'k') {
        for (const s of (b ?? '').split(',')) this.inflightAck.push(`${a}/${s}`);
      } else if (tag === 'K') {
        for (const k of this.inflightAck) this.durable.delete(k);
        this.acked += this.inflightAck.length;
        this.inflightAck = [];
      }
    }
  }

  /** After checking the file, fold in whatever the kill interrupted, as found on disk. */
  settle(found: ReadonlySet<string>): void {
    for (const k of this.inflightAppend) if (found.has(k)) this.durable.add(k);
    for (const k of this.inflightAck) if (!found.has(k)) this.durable.delete(k);
    this.inflightAppend = [];
    this.inflightAck = [];
  }
}

describe('Outbox under SIGKILL', () => {
  it(`loses and duplicates nothing over ${KILLS} kills at random moments`, async () => {
    expect(existsSync(WRITER), `${WRITER} missing: run "npx tsc -b edge" first`).toBe(true);
    const { file, remove } = tempDir();
    cleanups.push(remove);
    const rnd = prng(20250601);
    const model = new Model();
    const bootOrder: string[] = [];
    const timings: number[] = [];
    const interrupted = { appendCommitted: 0, appendNot: 0, ackCommitted: 0, ackNot: 0 };
    const reopenMs: number[] = [];

    for (let kill = 0; kill < KILLS; kill++) {
      const bootId = `boot-${String(kill).padStart(4, '0')}`;
      bootOrder.push(bootId);
      const run = await runAndKill(WRITER, [file(), bootId, String(kill + 1)], 20 + Math.floor(rnd() * 300));
      timings.push(run.aliveMs);
      model.replay(bootId, run.lines);

      // The file as the next boot finds it: intact, no key twice.
      const raw = new Database(file());
      expect(raw.pragma('integrity_check', { simple: true }), `kill ${kill}`).toBe('ok');
      const twice = raw.prepare('SELECT boot_id, seq FROM outbox GROUP BY boot_id, seq HAVING count(*) > 1').all();
      expect(twice, `kill ${kill}`).toEqual([]);
      raw.close();

      const started = performance.now();
      const outbox = new Outbox(file());
      reopenMs.push(performance.now() - started);
      const entries = outbox.peek(10_000_000);
      outbox.close();
      const found = new Set(entries.map((e) => `${e.bootId}/${e.seq}`));
      expect(found.size, `kill ${kill}: duplicate entries`).toBe(entries.length);
      // A step the kill interrupted happened entirely or not at all.
      const appendedPart = model.inflightAppend.filter((k) => found.has(k)).length;
      expect([0, model.inflightAppend.length], `kill ${kill}: torn append`).toContain(appendedPart);
      const ackedPart = model.inflightAck.filter((k) => !found.has(k)).length;
      expect([0, model.inflightAck.length], `kill ${kill}: torn ack`).toContain(ackedPart);
      if (model.inflightAppend.length > 0) interrupted[appendedPart > 0 ? 'appendCommitted' : 'appendNot'] += 1;
      if (model.inflightAck.length > 0) interrupted[ackedPart > 0 ? 'ackCommitted' : 'ackNot'] += 1;
      model.settle(found);
      // Exactly the durable set: no gap, nothing resurrected.
      expect(
        [...model.durable].filter((k) => !found.has(k)),
        `kill ${kill}: lost`,
      ).toEqual([]);
      expect(
        [...found].filter((k) => !model.durable.has(k)),
        `kill ${kill}: unexpected`,
      ).toEqual([]);
      // Insertion order: boots in the order they ran, seqs rising within a boot, all historical now.
      const order = entries.map((e) => [bootOrder.indexOf(e.bootId), e.seq] as const);
      const sorted = [...order].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      expect(order, `kill ${kill}: order`).toEqual(sorted);
      expect(entries.every((e) => e.historical)).toBe(true);
    }

    expect(model.appended).toBeGreaterThan(KILLS * 10);
    console.log(
      `outbox SIGKILL: ${KILLS} kills, ${model.appended} records appended and reported, ${model.acked} acked,`,
      `${model.durable.size} pending at the end; child alive ${Math.min(...timings)}–${Math.max(...timings)} ms`,
      `after ready; reopen (recovery + quick_check) ${Math.round(Math.max(...reopenMs))} ms at most;`,
      'kills between announcing and confirming a step (committed / not):',
      interrupted,
    );
  }, 120_000);
});
