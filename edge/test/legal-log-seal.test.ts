import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isEdgeError } from '../src/errors.js';
import { validateLegalLogSection } from '../src/legal-log/config.js';
import { isLegalLogError, LegalLogErrorCode } from '../src/legal-log/errors.js';
import { readIdentityFile, writeKeyPair } from '../src/legal-log/keys.js';
import { startLegalLog } from '../src/legal-log/legal-log.js';
import type { LegalRecord } from '../src/legal-log/records.js';
import { ChunkSealer, generateKeyPair, parseIdentityFile } from '../src/legal-log/seal.js';
import { readRange } from '../src/legal-log/store/reader.js';
import { testWriter } from './support/legal-log-writer.js';

// Sealing: records go in as age chunks to the association's public key, and only its private key
// gets them out. A thief holding the unit's disk sees neither a MAC nor an address.

const START = Date.UTC(2026, 2, 14, 9, 0);
const MAC = 'a2:11:22:33:44:55';
const IP = '10.42.0.17';
const quiet = pino({ level: 'silent' });

const sample = (at: number): LegalRecord[] => [
  { kind: 'session-start', at, ip: IP, mac: MAC },
  {
    kind: 'nat',
    event: 'new',
    at: at + 10,
    proto: 'tcp',
    ip: IP,
    port: 40_001,
    natIp: '192.168.8.100',
    natPort: 40_001,
  },
  {
    kind: 'nat',
    event: 'destroy',
    at: at + 20,
    proto: 'udp',
    ip: IP,
    port: 40_002,
    natIp: '192.168.8.100',
    natPort: 51_716,
  },
  { kind: 'nat', event: 'new', at: at + 30, proto: 'icmp', ip: IP, natIp: '192.168.8.100' },
  { kind: 'session-end', at: at + 40, ip: IP, mac: MAC, reason: 'left' },
  { kind: 'gap', at: at + 50, from: at + 45, reason: 'conntrack-down' },
];

async function writtenLog(records: readonly LegalRecord[]) {
  const keys = await generateKeyPair();
  const directory = join(await mkdtemp(join(tmpdir(), 'legal-seal-')), 'log');
  const clock = new ManualClock(START);
  const writer = testWriter({ directory, recipient: keys.recipient, clock });
  await writer.start();
  for (const record of records) writer.append(record);
  await writer.stop();
  return { keys, directory };
}

describe('legal log sealing', () => {
  it('gives back exactly the records written, in time order, to the right key only', async () => {
    const records = sample(START);
    const { keys, directory } = await writtenLog([...records].reverse());
    const result = await readRange({ directory, identity: keys.identity, from: START, to: START + 60_000 });
    expect(result.records).toEqual(records);
    expect(result.problems).toEqual([]);
    expect(result.chunksRead).toBe(1);
  });

  it('returns only the records inside the range, bounds included', async () => {
    const { keys, directory } = await writtenLog(sample(START));
    const result = await readRange({ directory, identity: keys.identity, from: START + 10, to: START + 30 });
    expect(result.records.map((record) => record.at)).toEqual([START + 10, START + 20, START + 30]);
  });

  it('refuses another key with EDG_LEGAL_WRONG_KEY', async () => {
    const { directory } = await writtenLog(sample(START));
    const stranger = await generateKeyPair();
    const reading = readRange({ directory, identity: stranger.identity, from: START, to: START + 60_000 });
    await expect(reading).rejects.toSatisfy((err) => isLegalLogError(err, LegalLogErrorCode.WRONG_KEY));
  });

  it('leaves no MAC, address or port in clear on disk; directory 0700, files 0600', async () => {
    const { directory } = await writtenLog(sample(START));
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    const names = await readdir(directory);
    expect(names).toEqual(['legal-log-2026-03-14.ages']);
    const path = join(directory, names[0] ?? '');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const bytes = await readFile(path, 'latin1');
    expect(bytes.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    for (const secret of [MAC, MAC.replaceAll(':', ''), IP, '192.168.8.100', '40001', 'session']) {
      expect(bytes).not.toContain(secret);
    }
  });

  it('tightens a directory and files that an earlier hand made too open', async () => {
    const keys = await generateKeyPair();
    const directory = await mkdtemp(join(tmpdir(), 'legal-open-'));
    const { chmod } = await import('node:fs/promises');
    await chmod(directory, 0o755);
    await writeFile(join(directory, 'legal-log-2026-03-14.ages'), '', { mode: 0o644 });
    const writer = testWriter({ directory, recipient: keys.recipient, clock: new ManualClock(START) });
    await writer.start();
    writer.append({ kind: 'session-start', at: START, ip: IP, mac: MAC });
    await writer.stop();
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(join(directory, 'legal-log-2026-03-14.ages'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a public key that is not an age X25519 recipient', async () => {
    const { recipient } = await generateKeyPair();
    // One character changed: bech32's checksum catches it.
    const typo = `${recipient.slice(0, 10)}${recipient[10] === 'q' ? 'p' : 'q'}${recipient.slice(11)}`;
    for (const bad of [typo, 'AGE-SECRET-KEY-1ABC', 'age1pq1xyz', '']) {
      expect(() => new ChunkSealer(bad), bad).toThrow(
        expect.objectContaining({ code: LegalLogErrorCode.RECIPIENT_INVALID }),
      );
    }
  });
});

describe('legal log start', () => {
  it('refuses to start on a directory it cannot make, with EDG_LEGAL_WRITE naming it', async () => {
    const { recipient } = await generateKeyPair();
    const blocker = join(await mkdtemp(join(tmpdir(), 'legal-block-')), 'a-file');
    await writeFile(blocker, '');
    const section = validateLegalLogSection({ publicKey: recipient, directory: join(blocker, 'log') });
    const starting = startLegalLog(section, {
      residentsSubnet: '10.42.0.0/24',
      clock: new ManualClock(START),
      logger: quiet,
    });
    await expect(starting).rejects.toSatisfy(
      (err) => isLegalLogError(err, LegalLogErrorCode.WRITE_FAILED) && (err as Error).message.includes(blocker),
    );
  });
});

describe('legal log keys', () => {
  it('keygen writes the private key 0600 in age-keygen format and never overwrites it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'legal-keys-')), 'association.key');
    const { recipient } = await writeKeyPair(path, new Date(START));
    expect(recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).toMatch(/^# created: 2026-03-14T09:00:00.000Z\n# public key: age1\S+\nAGE-SECRET-KEY-1[0-9A-Z]+\n$/);
    expect((await readIdentityFile(path)).recipient).toBe(recipient);
    await expect(writeKeyPair(path)).rejects.toSatisfy((err) => isLegalLogError(err, LegalLogErrorCode.KEYGEN_WRITE));
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('says EDG_LEGAL_IDENTITY for a missing file, a public key, or a damaged secret key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'legal-identity-'));
    await expect(readIdentityFile(join(dir, 'absent'))).rejects.toSatisfy((err) =>
      isLegalLogError(err, LegalLogErrorCode.IDENTITY_INVALID),
    );
    const { identity, recipient } = await generateKeyPair();
    const damaged = `${identity.slice(0, -1)}${identity.endsWith('Q') ? 'P' : 'Q'}`;
    for (const text of [`# public key: ${recipient}\n${recipient}\n`, `${damaged}\n`, '']) {
      await expect(parseIdentityFile(text)).rejects.toSatisfy((err) =>
        isLegalLogError(err, LegalLogErrorCode.IDENTITY_INVALID),
      );
    }
  });
});

describe('legal log config section', () => {
  it('fills the defaults around the public key', async () => {
    const { recipient } = await generateKeyPair();
    expect(validateLegalLogSection({ publicKey: recipient })).toEqual({
      enabled: true,
      directory: '/var/lib/triporteur/legal-log',
      publicKey: recipient,
      retentionDays: 365,
      flushIntervalMs: 5_000,
      maxBatchRecords: 1_000,
      timeZone: 'Europe/Paris',
    });
  });

  it('names the field it refuses', async () => {
    const { recipient } = await generateKeyPair();
    const cases: Array<[unknown, string]> = [
      [{}, 'legalLog/publicKey'],
      [{ publicKey: `${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}` }, 'legalLog/publicKey'],
      [{ publicKey: recipient, retentionDays: 30 }, 'legalLog/retentionDays'],
      [{ publicKey: recipient, directory: 'relative/dir' }, 'legalLog/directory'],
      [{ publicKey: recipient, timeZone: 'Mars/Olympus' }, 'legalLog/timeZone'],
      [{ publicKey: recipient, extra: 1 }, 'legalLog'],
    ];
    for (const [input, field] of cases) {
      let caught: unknown;
      try {
        validateLegalLogSection(input);
      } catch (err) {
        caught = err;
      }
      expect(isEdgeError(caught), field).toBe(true);
      expect((caught as Error).message, field).toContain(`"${field}`);
    }
  });
});
