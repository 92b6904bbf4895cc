import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateHotspotConfig } from '../src/hotspot/config.js';
import { createExecFileRunner } from '../src/hotspot/system/command.js';
import { Firewall } from '../src/hotspot/system/firewall.js';
import { OK, RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { renderRuleset } from '../src/hotspot/system/ruleset.js';
import { NetnsLab } from './support/hotspot-netns.js';

// Recorded from nft 1.0.6 (Debian 12) listing this table's set with two clients, one added by hand
// without a timeout; and its counters after some traffic.
const LISTED_SET =
  '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allowed", "table": "triporteur", "type": ["ipv4_addr", "ether_addr"], "handle": 3, "size": 4096, "flags": ["timeout"], "elem": [{"elem": {"val": {"concat": ["10.42.0.5", "02:00:00:00:00:01"]}, "timeout": 900, "expires": 897, "counter": {"packets": 12, "bytes": 3400}}}, {"concat": ["10.42.0.6", "02:00:00:00:00:02"]}], "stmt": [{"counter": null}]}}]}';
const LISTED_COUNTERS =
  '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"counter": {"family": "inet", "name": "residents_up", "table": "triporteur", "handle": 14, "packets": 7, "bytes": 512}}, {"counter": {"family": "inet", "name": "residents_down", "table": "triporteur", "handle": 15, "packets": 9, "bytes": 9000}}, {"counter": {"family": "inet", "name": "staff_up", "table": "triporteur", "handle": 16, "packets": 0, "bytes": 0}}, {"counter": {"family": "inet", "name": "staff_down", "table": "triporteur", "handle": 17, "packets": 0, "bytes": 0}}]}';

const client = { ip: '10.42.0.5', mac: '02:00:00:00:00:01' };

describe('Firewall over a recording runner', () => {
  it('allows a new client with one "create" on stdin, never in argv', async () => {
    const runner = new RecordingRunner();
    await new Firewall(runner).allow({ ip: '10.42.0.5', mac: '02:AA:00:00:00:01' }, 900);
    expect(runner.calls).toEqual([
      {
        file: 'nft',
        args: ['-f', '-'],
        input: 'create element inet triporteur allowed { 10.42.0.5 . 02:aa:00:00:00:01 timeout 900s }\n',
      },
    ]);
  });

  it('re-allows a client the set already holds in one replace transaction, so its timeout starts again', async () => {
    const exists = { stdout: '', stderr: 'Error: Could not process rule: File exists\ncreate element …', code: 1 };
    const runner = new RecordingRunner((command) => (command.input?.startsWith('create') ? exists : OK));
    await new Firewall(runner).allow({ ip: '10.42.0.5', mac: '02:AA:00:00:00:01' }, 900);
    expect(runner.calls[1]).toEqual({
      file: 'nft',
      args: ['-f', '-'],
      input: [
        'add element inet triporteur allowed { 10.42.0.5 . 02:aa:00:00:00:01 timeout 1s }',
        'delete element inet triporteur allowed { 10.42.0.5 . 02:aa:00:00:00:01 }',
        'add element inet triporteur allowed { 10.42.0.5 . 02:aa:00:00:00:01 timeout 900s }',
        '',
      ].join('\n'),
    });
    expect(runner.calls).toHaveLength(2);
  });

  it.each([
    ['an injected command', { ip: '10.42.0.5 }; flush ruleset; add element x {', mac: client.mac }],
    ['a leading zero', { ip: '10.42.0.05', mac: client.mac }],
    ['an IPv6 address', { ip: 'fe80::1', mac: client.mac }],
    ['a padded address', { ip: ' 10.42.0.5', mac: client.mac }],
    ['a short MAC', { ip: client.ip, mac: '02:00:00:00:01' }],
    ['a dashed MAC', { ip: client.ip, mac: '02-00-00-00-00-01' }],
  ])('refuses %s before running anything', async (_name, bad) => {
    const runner = new RecordingRunner();
    await expect(new Firewall(runner).allow(bad, 900)).rejects.toMatchObject({ code: 'EDG_HOTSPOT_INPUT' });
    expect(runner.calls).toEqual([]);
  });

  it.each([0, -5, 1.5, 8 * 86_400, Number.NaN])('refuses a timeout of %s s', async (timeout) => {
    const runner = new RecordingRunner();
    await expect(new Firewall(runner).allow(client, timeout)).rejects.toMatchObject({ code: 'EDG_HOTSPOT_INPUT' });
    expect(runner.calls).toEqual([]);
  });

  it('lists the allowed set with expiry and per-client upload', async () => {
    const runner = new RecordingRunner(() => ({ stdout: LISTED_SET, stderr: '', code: 0 }));
    expect(await new Firewall(runner).listAllowed()).toEqual([
      { ip: '10.42.0.5', mac: '02:00:00:00:00:01', expiresS: 897, up: { packets: 12, bytes: 3400 } },
      { ip: '10.42.0.6', mac: '02:00:00:00:00:02', expiresS: null, up: { packets: 0, bytes: 0 } },
    ]);
    expect(runner.lines()).toEqual(['nft -j list set inet triporteur allowed']);
  });

  it('revokes by address: lists, then removes only that client', async () => {
    const runner = new RecordingRunner((call) => ({
      stdout: call.args[0] === '-j' ? LISTED_SET : '',
      stderr: '',
      code: 0,
    }));
    expect(await new Firewall(runner).revoke('10.42.0.6')).toBe(1);
    expect(runner.calls[1]?.input).toBe(
      [
        'add element inet triporteur allowed { 10.42.0.6 . 02:00:00:00:00:02 timeout 1s }',
        'delete element inet triporteur allowed { 10.42.0.6 . 02:00:00:00:00:02 }',
        '',
      ].join('\n'),
    );
    expect(await new Firewall(runner).revoke('10.42.0.99')).toBe(0);
    expect(runner.calls).toHaveLength(3);
  });

  it('reads the named counters', async () => {
    const runner = new RecordingRunner(() => ({ stdout: LISTED_COUNTERS, stderr: '', code: 0 }));
    expect(await new Firewall(runner).counters()).toEqual({
      residentsUp: { packets: 7, bytes: 512 },
      residentsDown: { packets: 9, bytes: 9000 },
      staffUp: { packets: 0, bytes: 0 },
      staffDown: { packets: 0, bytes: 0 },
    });
    expect(runner.lines()).toEqual(['nft -j list counters table inet triporteur']);
  });

  it('keeps a client address out of the error when nft refuses an element', async () => {
    const stderr = 'Error: Could not process rule: No such file or directory\nadd element … 10.42.0.5 …';
    const runner = new RecordingRunner(() => ({ stdout: '', stderr, code: 1 }));
    const error = await new Firewall(runner).allow(client, 60).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'EDG_HOTSPOT_COMMAND' });
    expect((error as Error).message).not.toContain('10.42.0.5');
    expect(String((error as Error).cause)).toContain('10.42.0.5');
  });

  it.each([
    ['not JSON', 'Error: syntax'],
    ['another shape', '{"nftables": [{"set": {"elem": [{"concat": ["10.42.0.5"]}]}}]}'],
    ['a forged element', '{"nftables": [{"set": {"elem": [{"concat": ["10.42.0.5; x", "02:00:00:00:00:01"]}]}}]}'],
  ])('refuses nft output that is %s', async (_name, stdout) => {
    const runner = new RecordingRunner(() => ({ stdout, stderr: '', code: 0 }));
    await expect(new Firewall(runner).listAllowed()).rejects.toMatchObject({ code: 'EDG_HOTSPOT_NFT_OUTPUT' });
  });

  it('wraps the ruleset so that only our table is flushed, or replaced', async () => {
    const runner = new RecordingRunner();
    const firewall = new Firewall(runner);
    await firewall.apply('table inet triporteur { }\n');
    await firewall.apply('table inet triporteur { }\n', { keepAllowed: false });
    expect(runner.calls.map((call) => call.input)).toEqual([
      'table inet triporteur\nflush table inet triporteur\ntable inet triporteur { }\n',
      'table inet triporteur\ndelete table inet triporteur\ntable inet triporteur { }\n',
    ]);
  });
});

describe('the real CommandRunner', () => {
  const runner = createExecFileRunner({ timeoutMs: 2000 });

  it('passes argv untouched (no shell) and feeds stdin', async () => {
    expect(await runner.run('printf', ['%s|', '$HOME', '; true'])).toEqual({
      stdout: '$HOME|; true|',
      stderr: '',
      code: 0,
    });
    expect((await runner.run('cat', [], { input: 'ruleset\n' })).stdout).toBe('ruleset\n');
  });

  it('reports an exit status as a result, not an exception', async () => {
    expect(await runner.run('sh', ['-c', 'echo nope >&2; exit 3'])).toEqual({ stdout: '', stderr: 'nope\n', code: 3 });
  });

  it('gives coded errors for a missing program and a stuck one', async () => {
    await expect(runner.run('/nonexistent/nft', [])).rejects.toMatchObject({ code: 'EDG_HOTSPOT_COMMAND_START' });
    const quick = createExecFileRunner({ timeoutMs: 100 });
    await expect(quick.run('sleep', ['5'])).rejects.toMatchObject({ code: 'EDG_HOTSPOT_COMMAND_TIMEOUT' });
  });

  it('refuses a namespace name that is not a plain file name', () => {
    expect(() => createExecFileRunner({ netns: '../etc' })).toThrow(
      expect.objectContaining({ code: 'EDG_HOTSPOT_INPUT' }),
    );
  });
});

describe('Firewall in a throw-away network namespace', () => {
  const lab = new NetnsLab();
  let firewall: Firewall;
  const config = validateHotspotConfig({ staff: { ssid: 'Equipe', passphrase: 'correct horse battery' } });

  beforeAll(async () => {
    const ns = await lab.add('fw');
    firewall = new Firewall(lab.runner(ns));
    await firewall.apply(renderRuleset(config));
  });
  afterAll(() => lab.cleanup());

  it('starts with an empty set and zeroed counters', async () => {
    expect(await firewall.listAllowed()).toEqual([]);
    const zero = { packets: 0, bytes: 0 };
    expect(await firewall.counters()).toEqual({
      residentsUp: zero,
      residentsDown: zero,
      staffUp: zero,
      staffDown: zero,
    });
  });

  it('adds, refreshes and revokes clients in the kernel', async () => {
    await firewall.allow(client, 60);
    await firewall.allow({ ip: '10.42.0.6', mac: '02:00:00:00:00:02' }, 900);
    let listed = await firewall.listAllowed();
    expect(listed.map((e) => [e.ip, e.mac])).toEqual([
      ['10.42.0.5', '02:00:00:00:00:01'],
      ['10.42.0.6', '02:00:00:00:00:02'],
    ]);
    expect(listed[0]?.expiresS).toBeLessThanOrEqual(60);
    expect(listed[0]?.expiresS).toBeGreaterThan(50);

    await firewall.allow(client, 600);
    listed = await firewall.listAllowed();
    expect(listed.find((e) => e.ip === client.ip)?.expiresS).toBeGreaterThan(550);

    expect(await firewall.revoke(client.ip)).toBe(1);
    expect(await firewall.revoke(client.ip)).toBe(0);
    expect((await firewall.listAllowed()).map((e) => e.ip)).toEqual(['10.42.0.6']);
  });

  it('lets the kernel expire an element on its own', async () => {
    const shortLived = { ip: '10.42.0.7', mac: '02:00:00:00:00:07' };
    await firewall.allow(shortLived, 2);
    expect((await firewall.listAllowed()).some((e) => e.ip === shortLived.ip)).toBe(true);
    let present = true;
    for (let i = 0; i < 50 && present; i++) {
      await sleep(100);
      present = (await firewall.listAllowed()).some((e) => e.ip === shortLived.ip);
    }
    expect(present).toBe(false);
  });

  it('keeps accepted clients across a re-apply, and drops them when asked to replace the table', async () => {
    await firewall.allow({ ip: '10.42.0.8', mac: '02:00:00:00:00:08' }, 900);
    await firewall.apply(renderRuleset(config));
    expect((await firewall.listAllowed()).map((e) => e.ip)).toContain('10.42.0.8');
    await firewall.apply(renderRuleset(validateHotspotConfig({})), { keepAllowed: false });
    expect(await firewall.listAllowed()).toEqual([]);
  });

  it('removes its table, after which listing fails with a coded error', async () => {
    await firewall.remove();
    await firewall.remove();
    await expect(firewall.listAllowed()).rejects.toMatchObject({ code: 'EDG_HOTSPOT_COMMAND' });
    await firewall.apply(renderRuleset(config));
  });
});
