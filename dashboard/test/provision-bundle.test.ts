import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEdgeConfig } from '@triporteur/edge';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { verifySecret } from '../src/auth/secrets.js';
import { mosquittoPasswordMatches } from '../src/broker/mosquitto-hash.js';
import { setMosquittoPasswords } from '../src/broker/mosquitto-passwords.js';
import { registerProvisionCommand } from '../src/cli-provision.js';
import { INSTALLER_PATH, SCRUBBED_USER_DATA, UNIT_CONFIG_PATH } from '../src/provision/cloud-init.js';
import { ProvisionErrorCode } from '../src/provision/errors.js';
import { UNITS, unitAccounts } from './helpers.js';

const [A] = UNITS;
const ID = 'tri-lyon-03';
// Printed by the real `triporteur-edge legal-log keygen` (its private key was thrown away at once).
const RECIPIENT = 'age1e9sxvkl03hy7umtpnryncqcfla9u9466zylhrh970qmy2utee5zq2avled';
// Same shape, last character changed: only the bech32 checksum (checked by the edge) can tell.
const BAD_CHECKSUM = 'age1e9sxvkl03hy7umtpnryncqcfla9u9466zylhrh970qmy2utee5zq2avlec';
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ6m2t0c9pZ1bZzF5v1pS8b0dYkq0Vh3p6bQy8x0oGQy technicien@atelier';
const TEMPLATE = {
  bms: { type: 'jbd', path: '/dev/triporteur-bms' },
  gps: { type: 'nmea', path: '/dev/triporteur-gps' },
  mqtt: { url: 'mqtts://fleet.example.org:8883', protocolVersion: 5 },
  hotspot: {
    residents: { ssid: 'Wifi social' },
    uplink: { interfaces: ['eth0'] },
    pages: { venue: { associationName: 'PIMMS de test', contact: 'dpo@example.org' } },
  },
  telemetry: { budget: { monthlyCapBytes: 100_000_000 } },
};

async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const program = new Command('triporteur-dashboard')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
  registerProvisionCommand(program);
  await program.parseAsync(args, { from: 'user' });
  return out.join('');
}

const printedSecret = (stdout: string) => /^ {2}password: (\S+)$/m.exec(stdout)?.[1];

/** Bytes, mtime and mode of every file under the given paths: what "changes nothing" is checked against. */
async function snapshot(paths: string[]): Promise<Map<string, { text: string; mtimeMs: number; mode: number }>> {
  const files = new Map<string, { text: string; mtimeMs: number; mode: number }>();
  for (const path of paths) {
    const info = await stat(path);
    const entries = info.isDirectory() ? (await readdir(path)).map((f) => join(path, f)) : [path];
    for (const file of entries) {
      const s = await stat(file);
      files.set(file, { text: await readFile(file, 'utf8'), mtimeMs: s.mtimeMs, mode: s.mode & 0o7777 });
    }
  }
  return files;
}

describe('provision: a unit identity and its first-boot bundle', () => {
  let dir: string;
  let configPath: string;
  let templatePath: string;
  let sshKeyPath: string;
  let mosquittoDir: string;
  let out: string;
  let bundle: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-provision-bundle-'));
    configPath = join(dir, 'dashboard.json');
    templatePath = join(dir, 'template.json');
    sshKeyPath = join(dir, 'id_ed25519.pub');
    mosquittoDir = join(dir, 'mosquitto');
    out = join(dir, 'bundles');
    bundle = join(out, ID);
    const [unitA] = await unitAccounts();
    const config = { configVersion: 1, broker: { mode: 'embedded' }, store: { path: 'fleet.db' }, units: [unitA] };
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await writeFile(templatePath, JSON.stringify(TEMPLATE));
    await writeFile(sshKeyPath, `${SSH_KEY}\n`);
    await mkdir(mosquittoDir);
    // The unit provisioned earlier already has its password: the file must be updated, not recreated.
    await setMosquittoPasswords(join(mosquittoDir, 'passwd'), [{ username: A.id, password: A.secret }]);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const args = (...extra: string[]) => [
    'provision',
    '--config',
    configPath,
    '--id',
    ID,
    '--name',
    'Triporteur Lyon 03',
    '--out',
    out,
    '--template',
    templatePath,
    '--legal-log-recipient',
    RECIPIENT,
    '--ssid',
    'WiFi solidaire PIMMS',
    '--ssh-key',
    sshKeyPath,
    '--mosquitto-dir',
    mosquittoDir,
    ...extra,
  ];

  it('creates the bundle, registers the unit with the dashboard and Mosquitto, and prints the secret once', async () => {
    const stdout = await cli(args());
    const secret = printedSecret(stdout) ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stdout.split(secret)).toHaveLength(2);
    expect(stdout).toContain('unit added');

    expect((await stat(bundle)).mode & 0o777).toBe(0o700);
    const modes = Object.fromEntries(
      await Promise.all((await readdir(bundle)).map(async (f) => [f, (await stat(join(bundle, f))).mode & 0o777])),
    );
    expect(modes).toEqual({
      'triporteur.json': 0o600,
      'user-data': 0o600,
      'network-config': 0o644,
      'meta-data': 0o644,
      'README.txt': 0o644,
    });

    // The unit's complete edge config, as the edge itself validates it.
    const configText = await readFile(join(bundle, 'triporteur.json'), 'utf8');
    const edge = validateEdgeConfig(JSON.parse(configText));
    expect(edge.unitId).toBe(ID);
    expect(edge.mqtt).toMatchObject({ url: 'mqtts://fleet.example.org:8883', username: ID, password: secret });
    expect(edge.hotspot?.residents.ssid).toBe('WiFi solidaire PIMMS');
    expect(edge.hotspot?.wifi.countryCode).toBe('FR');
    expect(edge.legalLog?.publicKey).toBe(RECIPIENT);
    expect(edge.bms.path).toBe('/dev/triporteur-bms');

    // user-data: cloud-config that YAML 1.1 (cloud-init's PyYAML) and 1.2 read alike.
    const userDataText = await readFile(join(bundle, 'user-data'), 'utf8');
    expect(userDataText.startsWith('#cloud-config\n')).toBe(true);
    const userData = parse(userDataText, { version: '1.1' });
    expect(parse(userDataText, { version: '1.2' })).toEqual(userData);
    expect(userData.hostname).toBe(ID);
    expect(userData.ssh_pwauth).toBe(false);
    expect(userData.users).toEqual([
      expect.objectContaining({ name: 'technicien', lock_passwd: true, ssh_authorized_keys: [SSH_KEY] }),
    ]);
    expect(userData.packages).toEqual(['hostapd', 'dnsmasq', 'nftables', 'conntrack']);
    const [configFile, nmFile] = userData.write_files;
    expect(configFile).toEqual({
      path: UNIT_CONFIG_PATH,
      owner: 'root:root',
      permissions: '0600',
      content: configText,
    });
    expect(nmFile.content).toContain('unmanaged-devices=interface-name:wlan0\n');
    expect(userData.runcmd).toContainEqual(['bash', INSTALLER_PATH, '--config', UNIT_CONFIG_PATH]);
    // The command that wipes the secrets from the card writes exactly the scrubbed file (checked with the real sh).
    const scrub = (userData.runcmd as string[][]).find((c) => c[2]?.includes('/boot/firmware/user-data'));
    expect(scrub?.slice(0, 2)).toEqual(['sh', '-c']);

    const network = parse(await readFile(join(bundle, 'network-config'), 'utf8'), { version: '1.1' });
    expect(network).toEqual({
      network: {
        version: 2,
        renderer: 'NetworkManager',
        ethernets: { eth0: { dhcp4: true, dhcp6: false, optional: false } },
      },
    });
    expect(parse(await readFile(join(bundle, 'meta-data'), 'utf8'))).toEqual({
      'instance-id': ID,
      'local-hostname': ID,
      dsmode: 'local',
    });
    expect(await readFile(join(bundle, 'README.txt'), 'utf8')).toContain('« WiFi solidaire PIMMS »');

    const dashboard = JSON.parse(await readFile(configPath, 'utf8'));
    expect(dashboard.store.path).toBe('fleet.db');
    const unit = dashboard.units.find((u: { id: string }) => u.id === ID);
    expect(unit.name).toBe('Triporteur Lyon 03');
    expect(await verifySecret(secret, unit.secretHash)).toBe(true);
    expect(await mosquittoPasswordMatches(join(mosquittoDir, 'passwd'), ID, secret)).toBe(true);
    expect(await mosquittoPasswordMatches(join(mosquittoDir, 'passwd'), A.id, A.secret)).toBe(true);
    expect(await readFile(join(mosquittoDir, 'acl'), 'utf8')).toContain(`user ${ID}\n`);
  });

  it('reads the same through PyYAML, the parser cloud-init itself uses', async () => {
    await cli(args('--ssid', 'Wifi « yes » : on\u2028#1'));
    for (const file of ['user-data', 'network-config', 'meta-data']) {
      const text = await readFile(join(bundle, file), 'utf8');
      // Debian's python3-yaml (scripts/install-system-deps.sh), as cloud-init on Raspberry Pi OS loads it.
      const json = execFileSync(
        '/usr/bin/python3',
        ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'],
        { input: text, encoding: 'utf8' },
      );
      expect({ file, parsed: JSON.parse(json) }).toEqual({ file, parsed: parse(text, { version: '1.1' }) });
    }
    const edge = JSON.parse(await readFile(join(bundle, 'triporteur.json'), 'utf8'));
    expect(edge.hotspot.residents.ssid).toBe('Wifi « yes » : on\u2028#1');
  });

  it('the scrub command leaves a secret-free cloud-config', async () => {
    await cli(args());
    const userData = parse(await readFile(join(bundle, 'user-data'), 'utf8'));
    const scrub = (userData.runcmd as string[][]).find((c) => c[2]?.includes('/boot/firmware/user-data'));
    const target = join(dir, 'user-data');
    execFileSync('sh', ['-c', (scrub?.[2] ?? '').replace('/boot/firmware/user-data', target)]);
    expect(await readFile(target, 'utf8')).toBe(SCRUBBED_USER_DATA);
    expect(parse(SCRUBBED_USER_DATA)).toBeNull();
  });

  it('changes nothing when run again with the same arguments, and never prints the secret again', async () => {
    const first = await cli(args());
    const secret = printedSecret(first) ?? '';
    const watched = [bundle, configPath, mosquittoDir];
    const before = await snapshot(watched);
    const again = await cli(args());
    expect(again).not.toContain(secret);
    expect(again).toContain('Nothing changed.');
    expect(await snapshot(watched)).toEqual(before);
  });

  it('rewrites only the configs when the SSID changes, and keeps the secret', async () => {
    const secret = printedSecret(await cli(args())) ?? '';
    const before = await snapshot([bundle, configPath, mosquittoDir]);
    const stdout = await cli(args('--ssid', 'Wifi du quartier'));
    expect(stdout).not.toContain(secret);
    const after = await snapshot([bundle, configPath, mosquittoDir]);
    const changed = [...after.keys()].filter((f) => after.get(f)?.text !== before.get(f)?.text);
    expect(changed.sort()).toEqual(['README.txt', 'triporteur.json', 'user-data'].map((f) => join(bundle, f)).sort());
    for (const [file, state] of after) if (!changed.includes(file)) expect(state).toEqual(before.get(file));
    expect(stdout).toMatch(/triporteur\.json +updated/);
    expect(stdout).toMatch(/network-config +unchanged/);
    expect(stdout).toContain(`Dashboard config ${configPath}: unchanged`);
    const edge = JSON.parse(await readFile(join(bundle, 'triporteur.json'), 'utf8'));
    expect(edge.hotspot.residents.ssid).toBe('Wifi du quartier');
    expect(edge.mqtt.password).toBe(secret);
  });

  it('renames the unit in the dashboard config without touching its secret', async () => {
    const secret = printedSecret(await cli(args())) ?? '';
    const renamed = args().map((a) => (a === 'Triporteur Lyon 03' ? 'Triporteur Lyon 3' : a));
    expect(await cli(renamed)).toContain('unit renamed');
    const unit = JSON.parse(await readFile(configPath, 'utf8')).units.find((u: { id: string }) => u.id === ID);
    expect(unit.name).toBe('Triporteur Lyon 3');
    expect(await verifySecret(secret, unit.secretHash)).toBe(true);
  });

  it('refuses a registered unit whose bundle is missing, and rotates its secret only when told', async () => {
    const first = printedSecret(await cli(args())) ?? '';
    await rm(out, { recursive: true });
    const config = await readFile(configPath, 'utf8');
    await expect(cli(args())).rejects.toMatchObject({ code: ProvisionErrorCode.BUNDLE_MISSING });
    expect(await readFile(configPath, 'utf8')).toBe(config);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });

    const rotated = await cli(args('--rotate-secret'));
    const second = printedSecret(rotated) ?? '';
    expect(second).not.toBe(first);
    expect(rotated).toContain('unit given its new secret');
    const unit = JSON.parse(await readFile(configPath, 'utf8')).units.find((u: { id: string }) => u.id === ID);
    expect(await verifySecret(second, unit.secretHash)).toBe(true);
    expect(await mosquittoPasswordMatches(join(mosquittoDir, 'passwd'), ID, second)).toBe(true);
  });

  it('refuses a bundle whose secret the dashboard does not know, without writing', async () => {
    await cli(args());
    const path = join(bundle, 'triporteur.json');
    const edge = JSON.parse(await readFile(path, 'utf8'));
    edge.mqtt.password = 'a-secret-the-dashboard-never-saw';
    await writeFile(path, JSON.stringify(edge));
    const before = await snapshot([bundle, configPath]);
    const failure = await cli(args()).catch((err: Error & { code: string }) => err);
    expect(failure).toMatchObject({ code: ProvisionErrorCode.SECRET_MISMATCH });
    expect((failure as Error).message).not.toContain('a-secret-the-dashboard-never-saw');
    expect(await snapshot([bundle, configPath])).toEqual(before);
  });

  it('completes a run cut short by a failed write on the next run, with the same secret', async () => {
    await mkdir(join(bundle, 'user-data'), { recursive: true });
    await expect(cli(args())).rejects.toMatchObject({ code: ProvisionErrorCode.WRITE_FAILED });
    // The secret's home was written first; the dashboard was not told of a unit with no bundle.
    const secret = JSON.parse(await readFile(join(bundle, 'triporteur.json'), 'utf8')).mqtt.password;
    expect(JSON.parse(await readFile(configPath, 'utf8')).units.map((u: { id: string }) => u.id)).toEqual([A.id]);
    expect((await readdir(bundle)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    await rm(join(bundle, 'user-data'), { recursive: true });
    const stdout = await cli(args());
    expect(stdout).not.toContain(secret);
    expect(stdout).toContain('unit added');
    const unit = JSON.parse(await readFile(configPath, 'utf8')).units.find((u: { id: string }) => u.id === ID);
    expect(await verifySecret(secret, unit.secretHash)).toBe(true);
  });

  it('refuses bad inputs with coded errors before writing anything', async () => {
    const original = await readFile(configPath, 'utf8');
    const withArg = (flag: string, value: string) => {
      const list = args();
      list[list.indexOf(flag) + 1] = value;
      return list;
    };
    const withoutRecipient = args().filter(
      (a, i, all) => a !== '--legal-log-recipient' && all[i - 1] !== '--legal-log-recipient',
    );
    const keygenFile = join(dir, 'association.key');
    await writeFile(keygenFile, `# created: 2026-01-01T00:00:00Z\n# public key: ${RECIPIENT}\nAGE-SECRET-KEY-1QQQQ\n`);
    const publicFile = join(dir, 'association.pub');
    await writeFile(publicFile, `# public key: ${RECIPIENT}\n`);
    const noVenue = join(dir, 'no-venue.json');
    await writeFile(noVenue, JSON.stringify({ ...TEMPLATE, hotspot: { residents: {} } }));
    await writeFile(join(dir, 'private.pub'), '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n');

    const cases: [string[], string][] = [
      [withArg('--id', 'Tri_Lyon_03'), ProvisionErrorCode.UNIT_ID],
      [withArg('--id', 'dashboard-ingest'), ProvisionErrorCode.UNIT_ID],
      [withoutRecipient, ProvisionErrorCode.RECIPIENT_MISSING],
      [withArg('--legal-log-recipient', 'age1notakey'), ProvisionErrorCode.RECIPIENT_INVALID],
      [withArg('--legal-log-recipient', BAD_CHECKSUM), ProvisionErrorCode.RECIPIENT_INVALID],
      [withArg('--legal-log-recipient', keygenFile), ProvisionErrorCode.RECIPIENT_PRIVATE],
      [withArg('--legal-log-recipient', join(dir, 'missing.pub')), ProvisionErrorCode.RECIPIENT_INVALID],
      [withArg('--ssid', 'x'.repeat(33)), ProvisionErrorCode.INPUT],
      [withArg('--ssh-key', join(dir, 'private.pub')), ProvisionErrorCode.SSH_KEY],
      [withArg('--template', noVenue), ProvisionErrorCode.EDGE_CONFIG],
      [withArg('--template', configPath.replace('.json', '.missing')), ProvisionErrorCode.TEMPLATE],
      [[...args(), '--wifi-country', 'fr'], ProvisionErrorCode.INPUT],
      [[...args(), '--depot-ssid', 'Depot'], ProvisionErrorCode.EDGE_CONFIG],
    ];
    for (const [list, code] of cases) {
      const failure = await cli(list).catch((err: unknown) => err);
      expect({ args: list, code: (failure as { code?: string }).code }).toEqual({ args: list, code });
    }
    expect(await readFile(configPath, 'utf8')).toBe(original);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });

    // The public key file form is accepted.
    expect(await cli(withArg('--legal-log-recipient', publicFile))).toContain('unit added');
  });

  it('writes the depot passphrase where depot.pskFile says, only inside user-data', async () => {
    const template = {
      ...TEMPLATE,
      depot: { ssid: 'x', pskFile: '/etc/triporteur/depot.psk', area: { lat: 45.76, lon: 4.83 } },
    };
    await writeFile(templatePath, JSON.stringify(template));
    await expect(cli(args('--depot-ssid', 'Dépôt PIMMS'))).rejects.toMatchObject({ code: ProvisionErrorCode.INPUT });
    const pskFile = join(dir, 'depot.psk');
    await writeFile(pskFile, 'correct horse battery\n');
    await cli(args('--depot-ssid', 'Dépôt PIMMS', '--depot-passphrase-file', pskFile));
    const userData = parse(await readFile(join(bundle, 'user-data'), 'utf8'), { version: '1.1' });
    expect(userData.write_files).toContainEqual({
      path: '/etc/triporteur/depot.psk',
      owner: 'root:root',
      permissions: '0600',
      content: 'correct horse battery\n',
    });
    expect(JSON.parse(await readFile(join(bundle, 'triporteur.json'), 'utf8')).depot.ssid).toBe('Dépôt PIMMS');
    expect(await readFile(join(bundle, 'triporteur.json'), 'utf8')).not.toContain('correct horse');
  });
});

describe('Mosquitto password check', () => {
  it('agrees with the real mosquitto_passwd on a right and a wrong secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dashboard-mosquitto-hash-'));
    try {
      const file = join(dir, 'passwd');
      await setMosquittoPasswords(file, [{ username: 'tri-test-09', password: 'the-right-secret' }]);
      await chmod(file, 0o600);
      expect(await readFile(file, 'utf8')).toMatch(/^tri-test-09:\$7\$\d+\$/);
      expect(await mosquittoPasswordMatches(file, 'tri-test-09', 'the-right-secret')).toBe(true);
      expect(await mosquittoPasswordMatches(file, 'tri-test-09', 'the-wrong-secret')).toBe(false);
      expect(await mosquittoPasswordMatches(file, 'tri-test-10', 'the-right-secret')).toBe(false);
      expect(await mosquittoPasswordMatches(join(dir, 'none'), 'tri-test-09', 'x')).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
