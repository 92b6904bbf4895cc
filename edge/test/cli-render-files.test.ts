import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { addRenderFilesCommand } from '../src/cli/render-files.js';
import { EdgeErrorCode } from '../src/errors.js';

// `triporteur-edge render-system-files`, which scripts/install-pi.sh runs: the hotspot's system files from
// the unit's config, written whole, with their modes, and left alone when they already match.

const HARDWARE = join(import.meta.dirname, '..', '..', 'hardware', 'hotspot');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scratch() {
  const dir = await mkdtemp(join(tmpdir(), 'render-files-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A unit's config whose hotspot section is hardware/hotspot/example-config.json, the templates' source. */
async function unitConfig(dir: string, withHotspot = true) {
  const example = JSON.parse(await readFile(join(HARDWARE, 'example-config.json'), 'utf8')) as object;
  const config = {
    configVersion: 1,
    unitId: 'tri-render-01',
    bms: { type: 'jbd', path: '/dev/triporteur-bms' },
    mqtt: { url: 'mqtts://broker.example.org:8883', username: 'tri-render-01', password: 'unit-secret' },
    ...(withHotspot
      ? { hotspot: { ...example, pages: { venue: { associationName: 'PIMMS', contact: 'dpo@example.org' } } } }
      : {}),
  };
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

async function render(args: string[]) {
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
  addRenderFilesCommand(program, { out, err });
  let failure: unknown;
  await program.parseAsync(['render-system-files', ...args], { from: 'user' }).catch((error: unknown) => {
    failure = error;
  });
  return { stdout, stderr, failure };
}

const mode = async (path: string) => (await stat(path)).mode & 0o7777;

describe('render-system-files', () => {
  it('writes the renders the workshop templates hold, hostapd.conf 0600, and hotspot.env for the units', async () => {
    const dir = await scratch();
    const out = join(dir, 'hotspot');
    const { stdout, failure } = await render(['-c', await unitConfig(dir), '--out', out]);
    expect(failure).toBeUndefined();
    expect(stdout).toBe('written dnsmasq.conf\nwritten hostapd.conf\nwritten triporteur.nft\nwritten hotspot.env\n');
    for (const name of ['dnsmasq.conf', 'hostapd.conf', 'triporteur.nft']) {
      expect(await readFile(join(out, name), 'utf8')).toBe(await readFile(join(HARDWARE, name), 'utf8'));
    }
    expect(await mode(join(out, 'hostapd.conf'))).toBe(0o600);
    expect(await mode(join(out, 'dnsmasq.conf'))).toBe(0o644);
    expect(await mode(join(out, 'triporteur.nft'))).toBe(0o644);
    const env = await readFile(join(out, 'hotspot.env'), 'utf8');
    expect(env.split('\n').filter((line) => line && !line.startsWith('#'))).toEqual([
      'TRIPORTEUR_HOSTAPD_CONF=/run/triporteur/hostapd.conf',
      'TRIPORTEUR_HOSTAPD_UNIT=hostapd.service',
      'TRIPORTEUR_WIFI_SURVEY=yes',
      'TRIPORTEUR_LEASE_EVENTS=/run/triporteur/lease-events.jsonl',
      'TRIPORTEUR_LEASE_HOOK=/usr/local/lib/triporteur/lease-hook',
    ]);
  });

  it('leaves matching files alone on a second run, and only puts a wrong mode right', async () => {
    const dir = await scratch();
    const out = join(dir, 'hotspot');
    const config = await unitConfig(dir);
    await render(['-c', config, '--out', out]);
    const before = (await stat(join(out, 'dnsmasq.conf'))).ino;
    await chmod(join(out, 'hostapd.conf'), 0o644);
    const { stdout } = await render(['-c', config, '--out', out]);
    expect(stdout).toBe(
      'unchanged dnsmasq.conf\nmode-fixed hostapd.conf\nunchanged triporteur.nft\nunchanged hotspot.env\n',
    );
    expect(await mode(join(out, 'hostapd.conf'))).toBe(0o600);
    expect((await stat(join(out, 'dnsmasq.conf'))).ino).toBe(before);
  });

  it('replaces a changed file whole and keeps the passphrase file 0600 whatever the umask', async () => {
    const dir = await scratch();
    const out = join(dir, 'hotspot');
    const config = await unitConfig(dir);
    await render(['-c', config, '--out', out]);
    await writeFile(join(out, 'hostapd.conf'), 'interface=wlan9\n');
    const umask = process.umask(0);
    try {
      const { stdout } = await render(['-c', config, '--out', out]);
      expect(stdout).toContain('written hostapd.conf');
    } finally {
      process.umask(umask);
    }
    expect(await readFile(join(out, 'hostapd.conf'), 'utf8')).toBe(
      await readFile(join(HARDWARE, 'hostapd.conf'), 'utf8'),
    );
    expect(await mode(join(out, 'hostapd.conf'))).toBe(0o600);
  });

  it('renders nothing for a unit without a hotspot, and says so', async () => {
    const dir = await scratch();
    const out = join(dir, 'hotspot');
    const { stdout, stderr, failure } = await render(['-c', await unitConfig(dir, false), '--out', out]);
    expect(failure).toBeUndefined();
    expect(stdout).toBe('');
    expect(stderr).toContain('no hotspot section');
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses an --out it cannot write with EDG_TOOL_INPUT, and a bad config with its config code', async () => {
    const dir = await scratch();
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    const config = await unitConfig(dir);
    const unwritable = await render(['-c', config, '--out', join(blocker, 'hotspot')]);
    expect(unwritable.failure).toMatchObject({ code: EdgeErrorCode.TOOL_INPUT });
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"configVersion": 1,');
    expect((await render(['-c', broken, '--out', join(dir, 'x')])).failure).toMatchObject({
      code: EdgeErrorCode.CONFIG_JSON,
    });
  });
});
