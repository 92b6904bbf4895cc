import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// The files hardware/ gives a unit's system: systemd units checked by systemd's own systemd-analyze
// (present here though systemd is not PID 1), journald and udev settings parsed, the hostapd pre-start
// script run for real, and every shell script in the repo through shellcheck.

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..');
const HW = join(REPO, 'hardware');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scratch(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An INI file (systemd, journald) as section → key → values, keys repeated in order. */
function parseIni(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header?.[1]) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const pair = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!pair?.[1] || pair[2] === undefined || !current) throw new Error(`not an INI line: ${line}`);
    current.set(pair[1], [...(current.get(pair[1]) ?? []), pair[2]]);
  }
  return sections;
}

const value = (ini: Map<string, Map<string, string[]>>, section: string, key: string) =>
  ini.get(section)?.get(key)?.join('\n');

async function analyzeVerify(args: string[], env: NodeJS.ProcessEnv = {}) {
  return run('systemd-analyze', ['verify', '--man=no', ...args], { env: { ...process.env, ...env } }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
}

describe('systemd units', () => {
  it('the edge and dnsmasq units pass systemd-analyze verify with nothing to say', async () => {
    const dir = await scratch('units-');
    for (const unit of ['triporteur-edge.service', 'triporteur-dnsmasq.service']) {
      await copyFile(join(HW, 'systemd', unit), join(dir, unit));
    }
    const result = await analyzeVerify([join(dir, 'triporteur-edge.service'), join(dir, 'triporteur-dnsmasq.service')]);
    expect(result).toEqual({ code: 0, stderr: '' });
  });

  it("the hostapd drop-in merges into Debian's hostapd.service with no unknown key", async () => {
    // Its ExecStartPre is installed by install-pi.sh; here it is absent, which is all systemd may say.
    const dir = await scratch('dropin-');
    await mkdir(join(dir, 'hostapd.service.d'));
    await copyFile(
      join(HW, 'systemd', 'hostapd.service.d', 'triporteur.conf'),
      join(dir, 'hostapd.service.d', 'triporteur.conf'),
    );
    const result = await analyzeVerify(['hostapd.service'], { SYSTEMD_UNIT_PATH: `${dir}:` });
    expect(result.stderr.trim().split('\n')).toEqual([
      'hostapd.service: Command /usr/local/lib/triporteur/hostapd-runtime-conf is not executable: No such file or directory',
    ]);
  });

  it('the edge unit: notify with a watchdog, restarts bounded, runs as triporteur with CAP_NET_ADMIN only', async () => {
    const ini = parseIni(await readFile(join(HW, 'systemd', 'triporteur-edge.service'), 'utf8'));
    expect([...ini.keys()]).toEqual(['Unit', 'Service', 'Install']);
    const service = (key: string) => value(ini, 'Service', key);
    expect(service('Type')).toBe('notify');
    expect(service('NotifyAccess')).toBe('all');
    expect(Number(service('WatchdogSec'))).toBeGreaterThan(0);
    expect(service('Restart')).toBe('on-failure');
    expect(service('RestartSec')).toBeDefined();
    expect(value(ini, 'Unit', 'StartLimitIntervalSec')).toBeDefined();
    expect(value(ini, 'Unit', 'StartLimitBurst')).toBeDefined();
    expect(service('User')).toBe('triporteur');
    expect(service('SupplementaryGroups')).toBe('dialout');
    expect(service('CapabilityBoundingSet')).toBe('CAP_NET_ADMIN');
    expect(service('AmbientCapabilities')).toBe('CAP_NET_ADMIN');
    expect(service('RestrictAddressFamilies')?.split(' ')).toEqual(['AF_UNIX', 'AF_INET', 'AF_INET6', 'AF_NETLINK']);
    for (const key of [
      'NoNewPrivileges',
      'ProtectHome',
      'PrivateTmp',
      'ProtectKernelTunables',
      'ProtectKernelModules',
    ]) {
      expect([key, service(key)]).toEqual([key, 'yes']);
    }
    expect(service('ProtectSystem')).toBe('strict');
    expect(service('ReadWritePaths')?.split(' ')).toContain('/var/lib/triporteur');
    expect(service('ExecStart')).toContain(
      '/opt/triporteur/edge/dist/src/main.js run --config /etc/triporteur/config.json',
    );
    expect(value(ini, 'Install', 'WantedBy')).toBe('multi-user.target');
  });

  it('dnsmasq runs on the rendered config with the lease events path, and hostapd on the runtime one', async () => {
    const dnsmasq = parseIni(await readFile(join(HW, 'systemd', 'triporteur-dnsmasq.service'), 'utf8'));
    expect(value(dnsmasq, 'Service', 'EnvironmentFile')).toBe('/etc/triporteur/hotspot/hotspot.env');
    expect(value(dnsmasq, 'Service', 'ExecStart')).toContain('--conf-file=/etc/triporteur/hotspot/dnsmasq.conf');
    const dropIn = parseIni(await readFile(join(HW, 'systemd', 'hostapd.service.d', 'triporteur.conf'), 'utf8'));
    expect(dropIn.get('Service')?.get('ExecStart')).toEqual([
      '',
      // systemd expands the variable from hotspot.env (EnvironmentFile=).
      `/usr/sbin/hostapd -B -P /run/hostapd.pid $\{TRIPORTEUR_HOSTAPD_CONF}`,
    ]);
  });
});

describe('hostapd-runtime-conf (hostapd.service ExecStartPre)', () => {
  const script = join(HW, 'systemd', 'hostapd-runtime-conf.sh');

  it('copies the installed render to the runtime path, 0600, only when the edge has not written one', async () => {
    const dir = await scratch('runtime-conf-');
    const installed = join(dir, 'etc-hostapd.conf');
    const runtime = join(dir, 'run', 'triporteur', 'hostapd.conf');
    await writeFile(installed, 'interface=wlan0\nchannel=6\n', { mode: 0o600 });
    const env = { ...process.env, TRIPORTEUR_HOSTAPD_CONF: runtime, TRIPORTEUR_HOSTAPD_INSTALLED: installed };
    await run('sh', [script], { env });
    expect(await readFile(runtime, 'utf8')).toBe('interface=wlan0\nchannel=6\n');
    expect((await stat(runtime)).mode & 0o777).toBe(0o600);
    // The edge's surveyed copy wins.
    await writeFile(runtime, 'interface=wlan0\nchannel=11\n');
    await run('sh', [script], { env });
    expect(await readFile(runtime, 'utf8')).toBe('interface=wlan0\nchannel=11\n');
  });

  it('fails, leaving no half file, when the installed render is missing', async () => {
    const dir = await scratch('runtime-conf-');
    const runtime = join(dir, 'hostapd.conf');
    const env = { ...process.env, TRIPORTEUR_HOSTAPD_CONF: runtime, TRIPORTEUR_HOSTAPD_INSTALLED: join(dir, 'absent') };
    await expect(run('sh', [script], { env })).rejects.toMatchObject({ code: 1 });
    await expect(stat(runtime)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('journald and udev settings', () => {
  it('journald: persistent, capped, rate-limited', async () => {
    const ini = parseIni(await readFile(join(HW, 'journald', 'triporteur.conf'), 'utf8'));
    expect([...ini.keys()]).toEqual(['Journal']);
    const journal = (key: string) => value(ini, 'Journal', key);
    expect(journal('Storage')).toBe('persistent');
    expect(journal('SystemMaxUse')).toMatch(/^\d+M$/);
    expect(journal('SystemKeepFree')).toMatch(/^\d+[MG]$/);
    expect(journal('RateLimitIntervalSec')).toBeDefined();
    expect(Number(journal('RateLimitBurst'))).toBeGreaterThan(0);
  });

  it('udev: the four stable names, each keyed by vendor and product, group dialout, mode 0660', async () => {
    const rules = (await readFile(join(HW, 'udev', '99-triporteur.rules'), 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    const named = new Map<string, string[]>();
    for (const rule of rules) {
      // Every key of every rule is KEY{attr}=="…", KEY!="…", KEY+="…" or KEY="…" (udev(7)).
      const pairs = rule.split(/,\s*/);
      for (const pair of pairs) expect(pair).toMatch(/^[A-Z]+(\{[A-Za-z_]+\})?(==|!=|\+=|=)"[^"]*"$/);
      const link = /SYMLINK\+="([^"]+)"/.exec(rule)?.[1];
      if (!link) continue;
      expect(rule).toMatch(/ATTRS\{idVendor\}=="[0-9a-f]{4}", ATTRS\{idProduct\}=="[0-9a-f]{4}"/);
      expect(rule).toContain('GROUP="dialout"');
      expect(rule).toContain('MODE="0660"');
      const ids = /idVendor\}=="([0-9a-f]{4})", ATTRS\{idProduct\}=="([0-9a-f]{4})"/.exec(rule);
      named.set(link, [...(named.get(link) ?? []), `${ids?.[1]}:${ids?.[2]}`]);
    }
    expect(Object.fromEntries(named)).toEqual({
      'triporteur-bms': ['10c4:ea60'],
      'triporteur-motor': ['0403:6001'],
      'triporteur-gps': ['1546:01a7', '1546:01a8'],
      'triporteur-arduino': ['1a86:7523'],
    });
  });
});

describe('shell scripts', () => {
  it('every *.sh in the repo (tracked, or new and not ignored) passes shellcheck', async () => {
    const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.sh'], {
      cwd: REPO,
    });
    const scripts = [...new Set(stdout.split('\n').filter(Boolean))].sort();
    // The ones this test exists for are in the list, so it cannot pass on an empty one.
    expect(scripts).toEqual(
      expect.arrayContaining([
        'scripts/install-pi.sh',
        'hardware/hotspot/lease-hook.sh',
        'hardware/systemd/hostapd-runtime-conf.sh',
      ]),
    );
    const failures: string[] = [];
    for (const script of scripts) {
      await run('shellcheck', ['--format=gcc', script], { cwd: REPO }).catch((err: { stdout: string }) => {
        failures.push(err.stdout.trim());
      });
    }
    expect(failures).toEqual([]);
  });

  it('shellcheck does catch a fault, so a pass above means something', async () => {
    const dir = await scratch('shellcheck-');
    const bad = join(dir, 'bad.sh');
    await writeFile(bad, '#!/bin/sh\nrm -rf $1/*\n');
    await expect(run('shellcheck', ['--format=gcc', bad])).rejects.toMatchObject({ code: 1 });
  });
});
