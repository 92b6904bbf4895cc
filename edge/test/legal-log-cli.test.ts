import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ManualClock } from '@triporteur/firmware-bridge';
import { Command } from 'commander';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { addLegalLogCommands } from '../src/cli/legal-log.js';
import { describeFailure, EXIT } from '../src/cli/report.js';
import { LegalLogErrorCode } from '../src/legal-log/errors.js';
import { CSV_HEADER } from '../src/legal-log/export.js';
import { LegalLogWriter } from '../src/legal-log/store/writer.js';

// What the association's admin runs when a requisition arrives: keygen once, export a range after.

const AT = Date.UTC(2026, 2, 14, 9, 0);

async function cli(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  err.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const program = new Command().exitOverride();
  addLegalLogCommands(program, { out, err });
  let failure: unknown;
  await program.parseAsync(args, { from: 'user' }).catch((error: unknown) => {
    failure = error;
  });
  return { stdout, stderr, failure };
}

async function unitWithRecords(recipient: string) {
  const directory = await mkdtemp(join(tmpdir(), 'legal-cli-log-'));
  const writer = new LegalLogWriter({
    directory,
    recipient,
    clock: new ManualClock(AT),
    logger: pino({ level: 'silent' }),
    timeZone: 'Europe/Paris',
    retentionDays: 365,
    flushIntervalMs: 1_000,
    maxBatchRecords: 1_000,
  });
  await writer.start();
  writer.append({ kind: 'session-start', at: AT, ip: '10.42.0.17', mac: 'a2:11:22:33:44:55' });
  writer.append({
    kind: 'nat',
    event: 'new',
    at: AT + 1_500,
    proto: 'tcp',
    ip: '10.42.0.17',
    port: 40_001,
    natIp: '192.168.8.100',
    natPort: 51_716,
  });
  writer.append({
    kind: 'session-end',
    at: AT + 7_200_000,
    ip: '10.42.0.17',
    mac: 'a2:11:22:33:44:55',
    reason: 'left',
  });
  await writer.stop();
  return directory;
}

describe('triporteur-edge legal-log', () => {
  it('keygen prints the public key and writes the private one 0600; export prints the range as JSON lines', async () => {
    const keyFile = join(await mkdtemp(join(tmpdir(), 'legal-cli-key-')), 'association.key');
    const keygen = await cli(['legal-log', 'keygen', '--out', keyFile]);
    expect(keygen.failure).toBeUndefined();
    const recipient = keygen.stdout.trim();
    expect(recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const dir = await unitWithRecords(recipient);
    const exported = await cli([
      'legal-log',
      'export',
      '--from',
      '2026-03-14T10:00:00+01:00',
      '--to',
      '2026-03-14T10:59:59+01:00',
      '--identity',
      keyFile,
      '--dir',
      dir,
    ]);
    expect(exported.failure).toBeUndefined();
    expect(
      exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { kind: 'session-start', at: '2026-03-14T09:00:00.000Z', ip: '10.42.0.17', mac: 'a2:11:22:33:44:55' },
      {
        kind: 'nat',
        event: 'new',
        at: '2026-03-14T09:00:01.500Z',
        proto: 'tcp',
        ip: '10.42.0.17',
        port: 40_001,
        natIp: '192.168.8.100',
        natPort: 51_716,
      },
    ]);
    expect(exported.stderr).toContain(`with the key of ${recipient}`);
    expect(exported.stderr).toContain('2 record(s) from 1 chunk(s) in 1 file(s); 0 problem(s)');

    const csv = await cli([
      'legal-log',
      'export',
      '--from',
      '2026-03-14T00:00:00Z',
      '--to',
      '2026-03-15T00:00:00Z',
      '--identity',
      keyFile,
      '--dir',
      dir,
      '--csv',
    ]);
    expect(csv.stdout.trim().split('\n')).toEqual([
      CSV_HEADER,
      '2026-03-14T09:00:00.000Z,session-start,,a2:11:22:33:44:55,10.42.0.17,,,,,,,',
      '2026-03-14T09:00:01.500Z,nat,new,,10.42.0.17,40001,192.168.8.100,51716,tcp,,,',
      '2026-03-14T11:00:00.000Z,session-end,,a2:11:22:33:44:55,10.42.0.17,,,,,left,,',
    ]);
  });

  it('fails with a coded line and exit code 2 for a wrong key or a bad time', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'legal-cli-wrong-')), 'keys');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const owner = join(dir, 'owner.key');
    const stranger = join(dir, 'stranger.key');
    const recipient = (await cli(['legal-log', 'keygen', '--out', owner])).stdout.trim();
    await cli(['legal-log', 'keygen', '--out', stranger]);
    const logDir = await unitWithRecords(recipient);
    const range = ['--from', '2026-03-14T00:00:00Z', '--to', '2026-03-15T00:00:00Z', '--dir', logDir];
    const wrong = await cli(['legal-log', 'export', ...range, '--identity', stranger]);
    expect(describeFailure(wrong.failure)).toEqual({
      line: expect.stringMatching(new RegExp(`^error ${LegalLogErrorCode.WRONG_KEY}: `)),
      exitCode: EXIT.config,
    });
    expect(wrong.stdout).toBe('');
    const badTime = await cli(['legal-log', 'export', ...range.slice(2), '--from', '14/03/2026', '--identity', owner]);
    expect(describeFailure(badTime.failure).line).toMatch(new RegExp(`^error ${LegalLogErrorCode.EXPORT_INPUT}: `));
    const again = await cli(['legal-log', 'keygen', '--out', owner]);
    expect(describeFailure(again.failure)).toMatchObject({ exitCode: EXIT.config });
    expect(describeFailure(again.failure).line).toMatch(new RegExp(`^error ${LegalLogErrorCode.KEYGEN_WRITE}: `));
  });
});
