import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxRecord } from '../../src/uplink/outbox.js';

/** A fresh directory per test, on the real disk so fsync and WAL behave as on the unit. */
export function tempDir(): { dir: string; file: (name?: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  return { dir, file: (name = 'outbox.db') => join(dir, name), remove: () => rmSync(dir, { recursive: true }) };
}

export const T0 = Date.UTC(2025, 5, 1, 8, 0, 0);

/** A record shaped like the contract's (the outbox does not look inside the payload). */
export function record(
  seq: number,
  options: { bootId?: string; ts?: number; alarm?: boolean; pad?: number } = {},
): OutboxRecord {
  const ts = options.ts ?? T0 + seq * 10_000;
  const payload = JSON.stringify({ seq, ts, historical: false, pad: 'x'.repeat(options.pad ?? 0) });
  return { bootId: options.bootId ?? 'boot-aaaaaaaa', seq, ts, alarm: options.alarm ?? false, payload };
}

export function records(from: number, count: number, options: Parameters<typeof record>[1] = {}): OutboxRecord[] {
  return Array.from({ length: count }, (_, i) => record(from + i, options));
}

/** A small seeded PRNG, so a failing random case can be replayed from its seed. */
export { mulberry32 as prng } from '@triporteur/firmware-bridge';

/** A clock the test moves by hand. */
export function manualClock(start = T0): { now: () => number; set: (ms: number) => void } {
  let now = start;
  return { now: () => now, set: (ms) => (now = ms) };
}
