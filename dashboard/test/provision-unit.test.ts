import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLEET_FILTERS, unitTopic } from '@triporteur/edge/contract';
import { freePort } from '@triporteur/edge/testing';
import { Command } from 'commander';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySecret } from '../src/auth/secrets.js';
import { MosquittoErrorCode } from '../src/broker/mosquitto-errors.js';
import { setMosquittoPasswords } from '../src/broker/mosquitto-passwords.js';
import { type MosquittoProcess, runMosquitto } from '../src/broker/mosquitto-process.js';
import { registerBrokerCommands } from '../src/cli-broker.js';
import { loadDashboardConfig } from '../src/config.js';
import { connectClient, connectUnit, UNITS, unitAccounts, waitFor } from './helpers.js';

const [A] = UNITS;
const INGEST = { username: 'dashboard-ingest', password: 'ingest-secret-for-tests' };
const NEW_ID = 'tri-test-03';

/** Runs the broker commands as the CLI would, with stdout and stderr captured. */
async function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('triporteur-dashboard')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerBrokerCommands(program);
  await program.parseAsync(args, { from: 'user' });
  return { stdout: out.join(''), stderr: err.join('') };
}

const printedSecret = (stdout: string) => /^ {2}password: (\S+)$/m.exec(stdout)?.[1] ?? '';

describe('provision-unit', () => {
  let dir: string;
  let configPath: string;
  let original: string;
  let broker: MosquittoProcess | undefined;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-provision-'));
    await chmod(dir, 0o755);
    configPath = join(dir, 'dashboard.json');
    const [unitA] = await unitAccounts();
    const config = {
      configVersion: 1,
      broker: { mode: 'external', url: 'mqtt://127.0.0.1:1883', ...INGEST },
      // Relative on purpose: the command must keep the file as written, not the loaded (resolved) form.
      store: { path: 'fleet.db' },
      units: [unitA],
    };
    original = `${JSON.stringify(config, null, 2)}\n`;
    await writeFile(configPath, original, { mode: 0o600 });
    await chmod(configPath, 0o600);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker?.stop();
    broker = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('adds the unit with the hash of a fresh secret, and prints that secret once', async () => {
    const { stdout, stderr } = await cli([
      'provision-unit',
      '--config',
      configPath,
      '--id',
      NEW_ID,
      '--name',
      'Triporteur 03',
    ]);
    const secret = printedSecret(stdout);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stdout.split(secret)).toHaveLength(2);
    expect(stderr).toBe('');
    expect(stdout).toContain(`username: ${NEW_ID}`);
    expect(stdout).toContain('url:      mqtt://127.0.0.1:1883');

    const text = await readFile(configPath, 'utf8');
    expect(text).not.toContain(secret);
    const written = JSON.parse(text) as { store: { path: string }; units: { id: string; secretHash: string }[] };
    expect(text).toBe(`${JSON.stringify(written, null, 2)}\n`);
    expect(written.store.path).toBe('fleet.db');
    expect(written.units.map((u) => u.id)).toEqual([A.id, NEW_ID]);
    expect(await verifySecret(secret, written.units[1]?.secretHash ?? '')).toBe(true);
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    expect((await loadDashboardConfig(configPath)).units.map((u) => u.name)).toEqual([
      'Triporteur 01',
      'Triporteur 03',
    ]);

    // Two runs, two different secrets.
    await cli(['provision-unit', '--config', configPath, '--id', 'tri-test-04', '--name', 'Triporteur 04']).then(
      ({ stdout: again }) => expect(printedSecret(again)).not.toBe(secret),
    );
  });

  it('refuses an id the config already has, or a bad one, and leaves the file untouched', async () => {
    const provision = (id: string) => cli(['provision-unit', '--config', configPath, '--id', id, '--name', 'X']);
    await expect(provision(A.id)).rejects.toMatchObject({ code: MosquittoErrorCode.DUPLICATE_UNIT });
    await expect(provision(INGEST.username)).rejects.toMatchObject({ code: MosquittoErrorCode.DUPLICATE_UNIT });
    await expect(provision('Tri_03')).rejects.toMatchObject({ code: MosquittoErrorCode.UNIT_ID });
    expect(await readFile(configPath, 'utf8')).toBe(original);
  });

  it('with --mosquitto-dir, gives the unit a password and ACL block that work on a real Mosquitto', async () => {
    const mosquittoDir = join(dir, 'mosquitto');
    await mkdir(join(mosquittoDir, 'data'), { recursive: true });
    await chmod(mosquittoDir, 0o755);
    await chmod(join(mosquittoDir, 'data'), 0o777);
    const secretsFile = join(dir, 'secrets.json');
    await writeFile(secretsFile, JSON.stringify({ [A.id]: A.secret }));
    const port = await freePort();
    const setup = await cli([
      'mosquitto-config',
      '--config',
      configPath,
      '--out-dir',
      mosquittoDir,
      '--port',
      String(port),
      '--persistence-dir',
      join(mosquittoDir, 'data'),
      '--secrets',
      secretsFile,
    ]);
    expect(setup.stdout).toContain(`for: ${INGEST.username}, ${A.id}`);
    await chmod(join(mosquittoDir, 'passwd'), 0o644);
    broker = await runMosquitto(join(mosquittoDir, 'mosquitto.conf'), port);
    const url = `mqtt://127.0.0.1:${port}`;

    const { stdout } = await cli([
      'provision-unit',
      '--config',
      configPath,
      '--id',
      NEW_ID,
      '--name',
      'Triporteur 03',
      '--mosquitto-dir',
      mosquittoDir,
      '--mqtt-url',
      'mqtts://fleet.example.org:8883',
    ]);
    expect(stdout).toContain('url:      mqtts://fleet.example.org:8883');
    const secret = printedSecret(stdout);
    expect(await readFile(join(mosquittoDir, 'acl'), 'utf8')).toContain(`user ${NEW_ID}\n`);
    broker.reload();

    const ingest = await connectClient(url, { clientId: 'dashboard-ingest:t', ...INGEST });
    clients.push(ingest);
    const seen: string[] = [];
    ingest.on('message', (topic) => seen.push(topic));
    await ingest.subscribeAsync(FLEET_FILTERS.telemetry, { qos: 1 });
    let fresh: MqttClient | undefined;
    await waitFor('Mosquitto to reload its password file', async () => {
      fresh = await connectUnit(url, NEW_ID, secret).catch(() => undefined);
      return fresh !== undefined;
    });
    if (fresh) clients.push(fresh);
    await fresh?.publishAsync(unitTopic(NEW_ID, 'telemetry'), '{}', { qos: 1 });
    // The unit provisioned earlier keeps its password: the file was updated, not recreated.
    const old = await connectUnit(url, A.id, A.secret);
    clients.push(old);
    await old.publishAsync(unitTopic(A.id, 'telemetry'), '{}', { qos: 1 });
    await waitFor('both units’ telemetry', () => seen.length >= 2);
    expect(seen.sort()).toEqual([unitTopic(A.id, 'telemetry'), unitTopic(NEW_ID, 'telemetry')].sort());
    await expect(connectUnit(url, NEW_ID, A.secret)).rejects.toMatchObject({ code: 5 });
  });

  it('keeps the config as it was when mosquitto_passwd fails, and never shows the secret in the error', async () => {
    const missing = join(dir, 'no-such-dir');
    const run = cli([
      'provision-unit',
      '--config',
      configPath,
      '--id',
      NEW_ID,
      '--name',
      'X',
      '--mosquitto-dir',
      missing,
    ]);
    await expect(run).rejects.toMatchObject({ code: MosquittoErrorCode.PASSWD_FAILED });
    expect(await readFile(configPath, 'utf8')).toBe(original);

    const secret = 'a-known-secret-for-this-test';
    const failure = await setMosquittoPasswords(join(missing, 'passwd'), [
      { username: NEW_ID, password: secret },
    ]).catch((err: unknown) => err as Error & { code: string });
    expect(failure).toMatchObject({ code: MosquittoErrorCode.PASSWD_FAILED });
    expect(`${failure?.message} ${String((failure as { cause?: unknown })?.cause)}`).not.toContain(secret);
  });
});

describe('mosquitto-config', () => {
  let dir: string;
  let configPath: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-mosquitto-config-'));
    configPath = join(dir, 'dashboard.json');
    const config = {
      configVersion: 1,
      broker: { mode: 'embedded' },
      store: { path: 'fleet.db' },
      units: await unitAccounts(),
    };
    await writeFile(configPath, JSON.stringify(config));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = (...extra: string[]) =>
    cli([
      'mosquitto-config',
      '--config',
      configPath,
      '--out-dir',
      join(dir, 'out'),
      '--persistence-dir',
      dir,
      ...extra,
    ]);
  const secretsFile = async (secrets: Record<string, unknown>) => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, JSON.stringify(secrets));
    return path;
  };

  it('writes the files without a secrets file and names the accounts that still need a password', async () => {
    const { stdout } = await run();
    expect(stdout).toContain(`No password yet for: dashboard-ingest, ${UNITS.map((u) => u.id).join(', ')}`);
    expect(await readFile(join(dir, 'out', 'passwd'), 'utf8')).toBe('');
    expect(await readFile(join(dir, 'out', 'acl'), 'utf8')).toContain(`user ${A.id}\n`);
  });

  it('refuses a secret that does not match the config, an unknown account and half a TLS listener', async () => {
    const wrong = await secretsFile({ [A.id]: 'not-the-secret-of-unit-01' });
    await expect(run('--secrets', wrong)).rejects.toMatchObject({ code: MosquittoErrorCode.SECRET_MISMATCH });
    const stranger = await secretsFile({ 'tri-stranger': 'whatever-secret' });
    await expect(run('--secrets', stranger)).rejects.toMatchObject({ code: MosquittoErrorCode.SECRETS_FILE });
    const notText = await secretsFile({ [A.id]: 42 });
    await expect(run('--secrets', notText)).rejects.toMatchObject({ code: MosquittoErrorCode.SECRETS_FILE });
    await expect(run('--tls-port', '8883', '--cafile', join(dir, 'ca.pem'))).rejects.toMatchObject({
      code: MosquittoErrorCode.TLS_INCOMPLETE,
    });
    // Every check happens before the first file is written.
    await expect(readFile(join(dir, 'out', 'mosquitto.conf'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
