import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConntrackSource } from '../src/legal-log/conntrack/source.js';
import { LegalLogErrorCode } from '../src/legal-log/errors.js';
import type { GapRecord, NatRecord } from '../src/legal-log/records.js';
import { until } from './support/until.js';

// The conntrack stream's life: a stand-in `conntrack` (a shell script, so real process, real pipes)
// prints lines captured from conntrack v1.4.7 on this machine (see legal-log-conntrack-parse.test.ts),
// one malformed line, conntrack's own ENOBUFS warning (its text from the conntrack binary), then exits.

const NEW_LINE =
  '[1795401393.679568]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.42.0.50 dst=203.0.113.10 sport=40005 dport=80 [UNREPLIED] src=203.0.113.10 dst=192.168.8.100 sport=80 dport=51716';
const DESTROY_LINE =
  '[1795401394.257957]\t[DESTROY] ipv4     2 tcp      6 119 TIME_WAIT src=10.42.0.50 dst=203.0.113.10 sport=40005 dport=80 src=203.0.113.10 dst=192.168.8.100 sport=80 dport=51716 [ASSURED]';
const MALFORMED = '[1795401394.3]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.42.0.50 dst=203.0.113.10';
const ENOBUFS = 'WARNING: We have hit ENOBUFS! We are losing events.';

const START = Date.UTC(2026, 2, 14, 9, 0);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A stand-in conntrack: it appends its argv to a file, then plays `script` (sh). The run number is
 * in $RUN, so a script can behave differently after a restart.
 */
async function standIn(script: string) {
  const dir = await mkdtemp(join(tmpdir(), 'legal-conntrack-'));
  const path = join(dir, 'conntrack');
  const argvFile = join(dir, 'argv');
  await writeFile(path, `#!/bin/sh\necho "$*" >> '${argvFile}'\nRUN=$(wc -l < '${argvFile}')\n${script}\n`);
  await chmod(path, 0o755);
  return { path, argvFile };
}

function rig(conntrackPath: string) {
  const clock = new ManualClock(START);
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  const records: Array<NatRecord | GapRecord> = [];
  const source = new ConntrackSource({
    subnet: '10.42.0.0/24',
    clock,
    logger,
    onRecord: (record) => records.push(record),
    conntrackPath,
    restartDelayMs: 1_000,
    maxRestartDelayMs: 4_000,
    stableAfterMs: 30_000,
  });
  cleanups.push(() => source.stop());
  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { clock, source, records, lines, logs };
}

describe('the conntrack source', () => {
  it('records each event, warns with a code on a malformed line and on lost events, and goes on', async () => {
    const conntrack = await standIn(
      `printf '%s\\n' '${NEW_LINE}' '${MALFORMED}' '${DESTROY_LINE}'\necho '${ENOBUFS}' >&2\nexec sleep 30`,
    );
    const { source, records, lines, logs } = rig(conntrack.path);
    source.start();
    await until(() => records.length === 3, 'three records');
    // stdout and stderr are two pipes: the gap may arrive before or after the events.
    expect(records.filter((record) => record.kind === 'nat')).toEqual([
      expect.objectContaining({ event: 'new', port: 40_005, natPort: 51_716 }),
      expect.objectContaining({ event: 'destroy', port: 40_005, natPort: 51_716 }),
    ]);
    expect(records).toContainEqual({ kind: 'gap', reason: 'events-lost', from: START, at: START });
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: 40, code: LegalLogErrorCode.CONNTRACK_LINE, length: MALFORMED.length }),
    );
    expect(logs()).toContainEqual(expect.objectContaining({ level: 40, code: LegalLogErrorCode.CONNTRACK_LOST }));
    // The skipped line names a resident and a destination: neither reaches the log.
    expect(lines.join('\n')).not.toMatch(/10\.42\.0\.50|203\.0\.113\.10/);
    expect((await readFile(conntrack.argvFile, 'utf8')).trim()).toBe(
      '-E -e NEW,DESTROY -o timestamp,extended --src-nat --orig-src 10.42.0.0/24 --buffer-size 4194304',
    );
  });

  it('restarts conntrack when it exits, with a doubling backoff, and records the gap', async () => {
    // Runs 1 to 3 exit at once; the fourth stays.
    const conntrack = await standIn(`[ "$RUN" -ge 4 ] && exec sleep 30\nexit 3`);
    const { clock, source, records, logs } = rig(conntrack.path);
    source.start();
    const exits = () => logs().filter((entry) => entry.code === LegalLogErrorCode.CONNTRACK_EXIT);
    for (const [index, delay] of [1_000, 2_000, 4_000].entries()) {
      await until(() => exits().length === index + 1, `exit ${index + 1}`);
      expect(exits()[index]).toMatchObject({ level: 40, exitCode: 3, restartInMs: delay });
      clock.advance(delay - 1);
      expect(source.restarts).toBe(index);
      clock.advance(1);
      expect(source.restarts).toBe(index + 1);
    }
    // Each restart records the time conntrack was down: a reader knows what the log cannot say.
    expect(records).toEqual([
      { kind: 'gap', reason: 'conntrack-down', from: START, at: START + 1_000 },
      { kind: 'gap', reason: 'conntrack-down', from: START + 1_000, at: START + 3_000 },
      { kind: 'gap', reason: 'conntrack-down', from: START + 3_000, at: START + 7_000 },
    ]);
  });

  it('says EDG_LEGAL_CONNTRACK_START when conntrack is not installed, and keeps trying', async () => {
    const { clock, source, logs } = rig('/nonexistent/conntrack');
    source.start();
    const failures = () => logs().filter((entry) => entry.code === LegalLogErrorCode.CONNTRACK_START);
    await until(() => failures().length === 1, 'the start failure');
    expect(failures()[0]).toMatchObject({ level: 50, restartInMs: 1_000 });
    clock.advance(1_000);
    await until(() => failures().length === 2, 'the second attempt');
  });

  it('stops for good: the process ends and no restart follows', async () => {
    const conntrack = await standIn('exec sleep 30');
    const { clock, source, logs } = rig(conntrack.path);
    source.start();
    await source.stop();
    clock.advance(120_000);
    expect(source.restarts).toBe(0);
    expect(logs().filter((entry) => entry.code === LegalLogErrorCode.CONNTRACK_EXIT)).toEqual([]);
  });
});
