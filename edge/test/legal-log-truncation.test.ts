import { appendFile, copyFile, mkdtemp, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@triporteur/firmware-bridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { LegalLogErrorCode } from '../src/legal-log/errors.js';
import type { LegalRecord } from '../src/legal-log/records.js';
import { generateKeyPair } from '../src/legal-log/seal.js';
import { CHUNK_BEGIN, splitChunks } from '../src/legal-log/store/framing.js';
import { readRange } from '../src/legal-log/store/reader.js';
import { testWriter } from './support/legal-log-writer.js';

// A power cut mid-write leaves the day file's last chunk cut short. The reader must say so with a code
// and still give every whole chunk before it; the writer, started again, must go on after it.

const START = Date.UTC(2026, 2, 14, 9, 0);
const FILE = 'legal-log-2026-03-14.ages';
const CHUNKS = 4;

const batch = (index: number): LegalRecord[] =>
  Array.from({ length: 3 }, (_, n) => ({
    kind: 'nat' as const,
    event: 'new' as const,
    at: START + index * 10_000 + n,
    proto: 'tcp',
    ip: '10.42.0.17',
    port: 40_000 + index * 10 + n,
    natIp: '192.168.8.100',
    natPort: 50_000 + index * 10 + n,
  }));

let keys: { identity: string; recipient: string };
let directory: string;
let full: string;

function writerFor(dir: string, clock = new ManualClock(START)) {
  return testWriter({ directory: dir, recipient: keys.recipient, clock });
}

const read = (dir: string) =>
  readRange({ directory: dir, identity: keys.identity, from: START, to: START + 3_600_000 });

beforeAll(async () => {
  keys = await generateKeyPair();
  directory = await mkdtemp(join(tmpdir(), 'legal-trunc-'));
  const writer = writerFor(directory);
  await writer.start();
  for (let index = 0; index < CHUNKS; index += 1) {
    for (const record of batch(index)) writer.append(record);
    await writer.flush();
  }
  await writer.stop();
  full = await readFile(join(directory, FILE), 'latin1');
});

describe('a day file cut short', () => {
  it('holds one chunk per flush, each framed by the armor lines', () => {
    const { chunks, discarded } = splitChunks(full);
    expect(chunks).toHaveLength(CHUNKS);
    expect(discarded).toEqual([]);
  });

  it('at every byte of its last chunk: every earlier chunk is read, the cut one is reported', async () => {
    const lastStart = full.lastIndexOf(CHUNK_BEGIN);
    const earlier = [0, 1, 2].flatMap(batch);
    const dir = await mkdtemp(join(tmpdir(), 'legal-cut-'));
    const path = join(dir, FILE);
    await copyFile(join(directory, FILE), path);
    let reported = 0;
    // Shortened in place, from the whole file down to the last chunk's first byte, as a power cut would.
    for (let length = full.length; length >= lastStart; length -= 1) {
      await truncate(path, length);
      const result = await read(dir);
      // Only the trailing newline may go: the END line is still whole, so the chunk still is.
      const whole = length >= full.length - 1;
      const cut = !whole && length > lastStart;
      expect(result.records, `length ${length}`).toEqual(whole ? [...earlier, ...batch(3)] : earlier);
      expect(
        result.problems.map((problem) => problem.code),
        `length ${length}`,
      ).toEqual(cut ? [LegalLogErrorCode.CHUNK_TRUNCATED] : []);
      if (cut) {
        expect(result.problems[0]?.offset).toBe(lastStart);
        reported += 1;
      }
    }
    expect(reported).toBe(full.length - 1 - lastStart - 1);
  });

  it('goes on after a cut: the writer started again starts a fresh line, both sides are read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'legal-resume-'));
    const path = join(dir, FILE);
    const lastStart = full.lastIndexOf(CHUNK_BEGIN);
    // Cut mid-line inside the last chunk's base64 (its lines are 64 characters and a newline).
    await writeFile(path, full.slice(0, lastStart + 120), { encoding: 'latin1', mode: 0o600 });
    const writer = writerFor(dir, new ManualClock(START + 60_000));
    await writer.start();
    const later: LegalRecord = { kind: 'session-end', at: START + 60_000, ip: '10.42.0.17', mac: null, reason: 'idle' };
    writer.append(later);
    await writer.stop();
    const text = await readFile(path, 'latin1');
    expect(text.slice(lastStart + 120, lastStart + 121)).toBe('\n');
    const result = await read(dir);
    expect(result.records).toEqual([...[0, 1, 2].flatMap(batch), later]);
    expect(result.problems).toMatchObject([{ code: LegalLogErrorCode.CHUNK_TRUNCATED, offset: lastStart }]);
  });

  it('steps over a damaged chunk and stray bytes with EDG_LEGAL_CHUNK_CORRUPT, reading all the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'legal-corrupt-'));
    const { chunks } = splitChunks(full);
    const second = chunks[1];
    if (second === undefined) throw new Error('no second chunk');
    // One base64 character changed in the second chunk's body: age's authentication refuses it.
    const at = second.offset + CHUNK_BEGIN.length + 200;
    const flipped = full[at] === 'A' ? 'B' : 'A';
    await writeFile(join(dir, FILE), `${full.slice(0, at)}${flipped}${full.slice(at + 1)}`, 'latin1');
    await appendFile(join(dir, FILE), 'not a chunk\n', 'latin1');
    const result = await read(dir);
    expect(result.records).toEqual([0, 2, 3].flatMap(batch));
    expect(result.problems.map((problem) => [problem.code, problem.offset])).toEqual([
      [LegalLogErrorCode.CHUNK_CORRUPT, full.length],
      [LegalLogErrorCode.CHUNK_CORRUPT, second.offset],
    ]);
  });

  it('keeps records that could not be written, and writes them once the disk is back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'legal-unwritable-'));
    const clock = new ManualClock(START);
    const writer = writerFor(dir, clock);
    await writer.start();
    // A directory where the day file should be: every append fails (EISDIR), as a broken card would.
    const { mkdir, rm } = await import('node:fs/promises');
    await mkdir(join(dir, FILE));
    for (const record of batch(0)) writer.append(record);
    await writer.flush();
    expect(writer.pendingCount).toBe(3);
    await rm(join(dir, FILE), { recursive: true });
    clock.advance(1_000);
    await writer.flush();
    expect(writer.pendingCount).toBe(0);
    expect((await read(dir)).records).toEqual(batch(0));
    expect((await stat(join(dir, FILE))).isFile()).toBe(true);
    await writer.stop();
  });

  it('drops the oldest beyond its memory while writes fail, then records the gap with the count', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'legal-full-'));
    const clock = new ManualClock(START);
    const writer = testWriter({ directory: dir, recipient: keys.recipient, clock, maxPendingRecords: 4 });
    await writer.start();
    const { mkdir, rm } = await import('node:fs/promises');
    await mkdir(join(dir, FILE));
    for (const record of [...batch(0), ...batch(1)]) writer.append(record);
    await writer.flush();
    await rm(join(dir, FILE), { recursive: true });
    clock.advance(1_000);
    await writer.flush();
    await writer.stop();
    const { records } = await read(dir);
    expect(records.filter((record) => record.kind === 'nat')).toEqual([...batch(0), ...batch(1)].slice(2));
    expect(records.find((record) => record.kind === 'gap')).toEqual({
      kind: 'gap',
      reason: 'records-dropped',
      from: START,
      at: START + 1_000,
      lost: 2,
    });
  });
});
