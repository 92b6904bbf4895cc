import { spawn } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// scripts/install-pi.sh, run for real into staging roots (--root): files land with their modes, units are
// enabled by systemctl's offline mode, and a second run changes nothing. Packages, the user, owners,
// udev, sysctl and running services need a live Pi: under --root the script lists them as skipped (by
// design), and those lines are asserted here. It runs the BUILT edge CLI (npx tsc -b first).

const REPO = join(import.meta.dirname, '..');
const SCRIPT = join(REPO, 'scripts', 'install-pi.sh');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scratch(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A unit config whose hotspot is hardware/hotspot/example-config.json (survey on by default). */
async function unitConfig(dir: string, wifi: Record<string, unknown> = {}) {
  const example = JSON.parse(await readFile(join(REPO, 'hardware', 'hotspot', 'example-config.json'), 'utf8')) as {
    wifi: object;
  };
  const file = join(dir, 'unit.json');
  await writeFile(
    file,
    JSON.stringify({
      configVersion: 1,
      unitId: 'tri-install-01',
      bms: { type: 'jbd', path: '/dev/triporteur-bms' },
      mqtt: { url: 'mqtts://broker.example.org:8883', username: 'tri-install-01', password: 'unit-secret' },
      hotspot: {
        ...example,
        wifi: { ...example.wifi, ...wifi },
        pages: { venue: { associationName: 'PIMMS', contact: 'dpo@example.org' } },
      },
    }),
  );
  return file;
}

interface Run {
  code: number | null;
  lines: string[];
  stderr: string;
}

/** Runs the script with TMPDIR in `temp`, and writes paths as <root>, <repo>, <render>, <config>. */
async function install(args: string[], places: { root: string; temp: string; config: string }): Promise<Run> {
  const child = spawn('bash', [SCRIPT, ...args], {
    env: { ...process.env, TMPDIR: places.temp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) =>
      line
        .replace(new RegExp(`${places.temp}/tmp\\.[A-Za-z0-9]+/hotspot`, 'g'), '<render>')
        .replaceAll(places.root, '<root>')
        .replaceAll(places.config, '<config>')
        .replaceAll(REPO, '<repo>'),
    );
  return { code, lines, stderr };
}

async function places(wifi: Record<string, unknown> = {}) {
  const root = await scratch('install-root-');
  const temp = await scratch('install-tmp-');
  const config = await unitConfig(await scratch('install-config-'), wifi);
  return { root, temp, config };
}

const SKIPPED_SYSTEM = [
  '[skipped: --root] apt-get update -qq',
  '[skipped: --root] apt-get install -y -qq --no-install-recommends hostapd dnsmasq-base nftables conntrack iproute2 iw polkitd',
  '[skipped: --root] useradd --system --user-group --home-dir /var/lib/triporteur --no-create-home --shell /usr/sbin/nologin triporteur',
  '[skipped: --root] usermod -a -G dialout triporteur',
];
const SKIPPED_NPM = [
  '[skipped: --root] npm ci --prefix /opt/triporteur --omit=dev --workspace=@triporteur/edge --no-audit --no-fund',
  '[skipped: --root] install -m 0644 <repo>/package-lock.json /opt/triporteur/node_modules/.package-lock.json.installed',
];

/** Every action of a first install into an empty root, with `prefix` for the ones under --root. */
function firstInstall(prefix: string): string[] {
  return [
    ...SKIPPED_SYSTEM,
    `${prefix} install -d -m 0755 <root>/opt/triporteur`,
    ...[
      'package.json',
      'package-lock.json',
      'firmware-bridge/package.json',
      'edge/package.json',
      'dashboard/package.json',
    ].map((file) => `${prefix} install -D -m 0644 <repo>/${file} <root>/opt/triporteur/${file}`),
    `${prefix} replace_tree <repo>/firmware-bridge/dist/src <root>/opt/triporteur/firmware-bridge/dist/src`,
    `${prefix} replace_tree <repo>/edge/dist/src <root>/opt/triporteur/edge/dist/src`,
    ...SKIPPED_NPM,
    `${prefix} install -d -m 0700 <root>/etc/triporteur`,
    `${prefix} install -D -m 0600 <config> <root>/etc/triporteur/config.json`,
    `${prefix} install -d -m 0755 <root>/etc/triporteur/hotspot`,
    `${prefix} install -D -m 0600 <render>/hostapd.conf <root>/etc/triporteur/hotspot/hostapd.conf`,
    `${prefix} install -D -m 0644 <render>/dnsmasq.conf <root>/etc/triporteur/hotspot/dnsmasq.conf`,
    `${prefix} install -D -m 0644 <render>/triporteur.nft <root>/etc/triporteur/hotspot/triporteur.nft`,
    `${prefix} install -D -m 0644 <render>/hotspot.env <root>/etc/triporteur/hotspot/hotspot.env`,
    `${prefix} install -D -m 0755 <repo>/hardware/hotspot/lease-hook.sh <root>/usr/local/lib/triporteur/lease-hook`,
    `${prefix} install -D -m 0755 <repo>/hardware/systemd/hostapd-runtime-conf.sh <root>/usr/local/lib/triporteur/hostapd-runtime-conf`,
    `${prefix} install -D -m 0644 <repo>/hardware/systemd/triporteur-edge.service <root>/etc/systemd/system/triporteur-edge.service`,
    `${prefix} install -D -m 0644 <repo>/hardware/systemd/triporteur-dnsmasq.service <root>/etc/systemd/system/triporteur-dnsmasq.service`,
    `${prefix} install -D -m 0644 <repo>/hardware/systemd/hostapd.service.d/triporteur.conf <root>/etc/systemd/system/hostapd.service.d/triporteur.conf`,
    `${prefix} install -D -m 0644 <repo>/hardware/systemd/triporteur.tmpfiles.conf <root>/etc/tmpfiles.d/triporteur.conf`,
    '[skipped: --root] systemd-tmpfiles --create /etc/tmpfiles.d/triporteur.conf',
    `${prefix} install -D -m 0644 <repo>/hardware/udev/99-triporteur.rules <root>/etc/udev/rules.d/99-triporteur.rules`,
    '[skipped: --root] udevadm control --reload-rules',
    '[skipped: --root] udevadm trigger --subsystem-match=tty --action=add',
    `${prefix} install -D -m 0644 <repo>/hardware/journald/triporteur.conf <root>/etc/systemd/journald.conf.d/triporteur.conf`,
    `${prefix} install -d -m 2755 <root>/var/log/journal`,
    '[skipped: --root] systemctl restart systemd-journald.service',
    `${prefix} install -D -m 0644 <repo>/hardware/sysctl/99-triporteur.conf <root>/etc/sysctl.d/99-triporteur.conf`,
    '[skipped: --root] sysctl -q -p /etc/sysctl.d/99-triporteur.conf',
    `${prefix} install -D -m 0644 <repo>/hardware/polkit/50-triporteur.rules <root>/etc/polkit-1/rules.d/50-triporteur.rules`,
    '[skipped: --root] systemctl daemon-reload',
    `${prefix} systemctl --quiet --root=<root> enable triporteur-edge.service`,
    `${prefix} systemctl --quiet --root=<root> enable triporteur-dnsmasq.service`,
    // Survey on: the edge starts hostapd after its scan, so hostapd must not start at boot by itself.
    '[skipped: --root] systemctl disable hostapd.service',
    '[skipped: --root] systemctl restart triporteur-dnsmasq.service',
    '[skipped: --root] systemctl restart triporteur-edge.service',
  ];
}

async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

describe('install-pi.sh --dry-run', () => {
  it('lists every action of a first install, and writes nothing', async () => {
    const at = await places();
    const run = await install(['--dry-run', '--root', at.root, '--config', at.config], at);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      ...firstInstall('[dry-run]'),
      'install-pi: 28 change(s) to make; nothing was changed (--dry-run)',
    ]);
    expect(await tree(at.root)).toEqual([]);
    // Its scratch render is gone too.
    expect(await tree(at.temp)).toEqual([]);
  });

  it('with --with-gpsd, adds gpsd, its defaults file and its service; with the survey off, starts hostapd at boot', async () => {
    const at = await places({ survey: false });
    const run = await install(['--dry-run', '--with-gpsd', '--root', at.root, '--config', at.config], at);
    expect(run.code).toBe(0);
    expect(run.lines).toContain(
      '[skipped: --root] apt-get install -y -qq --no-install-recommends hostapd dnsmasq-base nftables conntrack iproute2 iw polkitd gpsd',
    );
    expect(run.lines).toContain(
      '[dry-run] install -D -m 0644 <repo>/hardware/gpsd/gpsd.default <root>/etc/default/gpsd',
    );
    expect(run.lines).toContain('[skipped: --root] systemctl enable gpsd.service');
    expect(run.lines).toContain('[skipped: --root] systemctl enable hostapd.service');
    expect(run.lines).not.toContain('[skipped: --root] systemctl disable hostapd.service');
    expect(await tree(at.root)).toEqual([]);
  });

  it('refuses a config the edge refuses, before any action', async () => {
    const at = await places();
    await writeFile(at.config, JSON.stringify({ configVersion: 1, unitId: 'tri-install-01' }));
    const run = await install(['--dry-run', '--root', at.root, '--config', at.config], at);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('EDG_CONFIG_INVALID');
    expect(run.lines.filter((line) => line.startsWith('[dry-run] install -D'))).toEqual([]);
    expect(await tree(at.root)).toEqual([]);
  });

  it('refuses unknown options and a --prebuilt tree without node_modules', async () => {
    const at = await places();
    expect((await install(['--frobnicate'], at)).code).toBe(2);
    const prebuilt = await install(['--dry-run', '--root', at.root, '--prebuilt', at.temp], at);
    expect(prebuilt.code).toBe(2);
    expect(prebuilt.stderr).toContain('has no edge/dist/src/main.js and node_modules');
  });
});

describe('install-pi.sh into a staging root', () => {
  const mode = async (path: string) => (await stat(path)).mode & 0o7777;

  it('puts every file in place with its mode, enables the units, and changes nothing on a second run', async () => {
    const at = await places();
    const first = await install(['--root', at.root, '--config', at.config], at);
    expect(first.code).toBe(0);
    expect(first.lines).toEqual([...firstInstall('[run]'), 'install-pi: 28 change(s) made']);

    const expected: Array<[string, number]> = [
      ['etc/triporteur', 0o700],
      ['etc/triporteur/config.json', 0o600],
      ['etc/triporteur/hotspot/hostapd.conf', 0o600],
      ['etc/triporteur/hotspot/dnsmasq.conf', 0o644],
      ['etc/triporteur/hotspot/triporteur.nft', 0o644],
      ['etc/triporteur/hotspot/hotspot.env', 0o644],
      ['usr/local/lib/triporteur/lease-hook', 0o755],
      ['usr/local/lib/triporteur/hostapd-runtime-conf', 0o755],
      ['etc/systemd/system/triporteur-edge.service', 0o644],
      ['etc/systemd/system/triporteur-dnsmasq.service', 0o644],
      ['etc/systemd/system/hostapd.service.d/triporteur.conf', 0o644],
      ['etc/tmpfiles.d/triporteur.conf', 0o644],
      ['etc/udev/rules.d/99-triporteur.rules', 0o644],
      ['etc/systemd/journald.conf.d/triporteur.conf', 0o644],
      ['etc/sysctl.d/99-triporteur.conf', 0o644],
      ['etc/polkit-1/rules.d/50-triporteur.rules', 0o644],
      ['var/log/journal', 0o2755],
      // The bin keeps its execute bit; the rest of the tree is readable by all, writable by root only.
      ['opt/triporteur/edge/dist/src/main.js', 0o755],
      ['opt/triporteur/edge/dist/src/app.js', 0o644],
    ];
    for (const [path, want] of expected) expect([path, await mode(join(at.root, path))]).toEqual([path, want]);
    expect(await readFile(join(at.root, 'etc/triporteur/config.json'), 'utf8')).toBe(await readFile(at.config, 'utf8'));
    expect(await readFile(join(at.root, 'etc/systemd/system/triporteur-edge.service'), 'utf8')).toBe(
      await readFile(join(REPO, 'hardware/systemd/triporteur-edge.service'), 'utf8'),
    );
    expect(await readFile(join(at.root, 'usr/local/lib/triporteur/lease-hook'), 'utf8')).toBe(
      await readFile(join(REPO, 'hardware/hotspot/lease-hook.sh'), 'utf8'),
    );
    // The built edge is there whole: the same files as the checkout's dist.
    expect(await tree(join(at.root, 'opt/triporteur/edge/dist/src'))).toEqual(await tree(join(REPO, 'edge/dist/src')));
    for (const unit of ['triporteur-edge.service', 'triporteur-dnsmasq.service']) {
      const link = join(at.root, 'etc/systemd/system/multi-user.target.wants', unit);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(await readlink(link)).toBe(`/etc/systemd/system/${unit}`);
    }

    const second = await install(['--root', at.root, '--config', at.config], at);
    expect(second.code).toBe(0);
    expect(second.lines.filter((line) => line.startsWith('[run]'))).toEqual([]);
    expect(second.lines.at(-1)).toBe('install-pi: 0 change(s) made');
    // Nothing that follows from a change (restarts, reloads) is even listed; what only a live system can
    // tell (packages, user, hostapd's unit, which the stage lacks) is listed as skipped again.
    expect(second.lines.filter((line) => line.startsWith('[skipped: --root]'))).toEqual([
      ...SKIPPED_SYSTEM,
      ...SKIPPED_NPM,
      '[skipped: --root] systemctl disable hostapd.service',
    ]);
  });

  it('puts back only what was changed by hand: a loosened config mode, an edited render, a removed unit link', async () => {
    const at = await places();
    expect((await install(['--root', at.root, '--config', at.config], at)).code).toBe(0);
    const { chmod } = await import('node:fs/promises');
    await chmod(join(at.root, 'etc/triporteur/config.json'), 0o644);
    await writeFile(join(at.root, 'etc/triporteur/hotspot/dnsmasq.conf'), 'port=0\n');
    await rm(join(at.root, 'etc/systemd/system/multi-user.target.wants/triporteur-edge.service'));
    const repair = await install(['--root', at.root, '--config', at.config], at);
    expect(repair.lines.filter((line) => line.startsWith('[run]'))).toEqual([
      '[run] install -D -m 0600 <config> <root>/etc/triporteur/config.json',
      '[run] install -D -m 0644 <render>/dnsmasq.conf <root>/etc/triporteur/hotspot/dnsmasq.conf',
      '[run] systemctl --quiet --root=<root> enable triporteur-edge.service',
    ]);
    expect(repair.lines).toContain('[skipped: --root] systemctl restart triporteur-edge.service');
    expect(await mode(join(at.root, 'etc/triporteur/config.json'))).toBe(0o600);
    expect(await readFile(join(at.root, 'etc/triporteur/hotspot/dnsmasq.conf'), 'utf8')).toBe(
      await readFile(join(REPO, 'hardware/hotspot/dnsmasq.conf'), 'utf8'),
    );
  });
});
