import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@triporteur/firmware-bridge';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LegalRecord } from '../src/legal-log/records.js';
import { generateKeyPair } from '../src/legal-log/seal.js';
import { purgeExpired } from '../src/legal-log/store/day-files.js';
import { readRange } from '../src/legal-log/store/reader.js';
import { testWriter } from './support/legal-log-writer.js';

// One file per local day (Europe/Paris), rotated at the venue's midnight; a day file is purged once
// every record in it is older than the retention, at start and at every midnight.

let keys: { identity: string; recipient: string };

beforeAll(async () => {
  keys = await generateKeyPair();
});

async function rig(start: number, retentionDays = 365) {
  const directory = await mkdtemp(join(tmpdir(), 'legal-days-'));
  const clock = new ManualClock(start);
  const writer = testWriter({ directory, recipient: keys.recipient, clock, retentionDays });
  await writer.start();
  return { directory, clock, writer };
}

const session = (at: number, ip: string): LegalRecord => ({ kind: 'session-start', at, ip, mac: 'a2:11:22:33:44:55' });
const days = async (directory: string) => (await readdir(directory)).sort();

describe('legal log day files', () => {
  it('starts a new file at local midnight, not UTC midnight, even within one batch', async () => {
    // 23:59:59.500 in Paris on 14 March 2026 (UTC+1) is 22:59:59.500 UTC.
    const beforeMidnight = Date.UTC(2026, 2, 14, 22, 59, 59, 500);
    const { directory, clock, writer } = await rig(beforeMidnight);
    writer.append(session(clock.now(), '10.42.0.17'));
    clock.advance(600);
    writer.append(session(clock.now(), '10.42.0.18'));
    await writer.flush();
    expect(await days(directory)).toEqual(['legal-log-2026-03-14.ages', 'legal-log-2026-03-15.ages']);
    const all = await readRange({
      directory,
      identity: keys.identity,
      from: beforeMidnight - 1,
      to: beforeMidnight + 1_000,
    });
    expect(all.records.map((record) => record.kind !== 'gap' && record.ip)).toEqual(['10.42.0.17', '10.42.0.18']);
    expect(all.filesRead).toBe(2);
    await writer.stop();
  });

  it('flushes on its own after the interval, so records reach the disk without a caller', async () => {
    const start = Date.UTC(2026, 6, 1, 10, 0);
    const { directory, clock, writer } = await rig(start);
    writer.append(session(start, '10.42.0.19'));
    expect(await days(directory)).toEqual([]);
    clock.advance(1_000);
    await writer.flush();
    expect(await days(directory)).toEqual(['legal-log-2026-07-01.ages']);
    await writer.stop();
  });

  it('purges at start the days older than the retention, and nothing else', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'legal-purge-'));
    for (const name of [
      'legal-log-2025-03-13.ages', // 366 days before: every record is over a year old
      'legal-log-2025-03-14.ages', // 365 days before: its last hour is not yet a year old
      'legal-log-2026-03-20.ages', // in the future (a clock that was behind): kept
      'notes.txt',
      'legal-log-2025-02-30.ages', // not a date: not ours to judge
    ]) {
      await writeFile(join(directory, name), '', { mode: 0o600 });
    }
    const writer = testWriter({
      directory,
      recipient: keys.recipient,
      clock: new ManualClock(Date.UTC(2026, 2, 14, 12, 0)),
    });
    await writer.start();
    expect(await days(directory)).toEqual([
      'legal-log-2025-02-30.ages',
      'legal-log-2025-03-14.ages',
      'legal-log-2026-03-20.ages',
      'notes.txt',
    ]);
    await writer.stop();
  });

  it('purges again at each local midnight while it runs', async () => {
    const start = Date.UTC(2026, 2, 14, 12, 0);
    const { directory, clock, writer } = await rig(start, 365);
    await writeFile(join(directory, 'legal-log-2025-03-14.ages'), '', { mode: 0o600 });
    await writeFile(join(directory, 'legal-log-2025-03-15.ages'), '', { mode: 0o600 });
    // To 00:00:01 on 15 March, Paris: 2025-03-14 is now more than 365 days old.
    clock.advance(11 * 3_600_000 + 1_000);
    await writer.settled();
    expect(await days(directory)).toEqual(['legal-log-2025-03-15.ages']);
    clock.advance(24 * 3_600_000);
    await writer.settled();
    expect(await days(directory)).toEqual([]);
    await writer.stop();
  });

  it('counts retention in calendar days across a leap day', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'legal-leap-'));
    await writeFile(join(directory, 'legal-log-2024-02-29.ages'), '');
    await writeFile(join(directory, 'legal-log-2024-03-01.ages'), '');
    expect(await purgeExpired(directory, '2025-03-01', 365)).toEqual(['2024-02-29']);
    expect(await days(directory)).toEqual(['legal-log-2024-03-01.ages']);
  });
});
