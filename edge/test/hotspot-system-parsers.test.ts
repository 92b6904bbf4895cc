import { appendFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecFileRunner } from '../src/hotspot/system/command.js';
import { LEASE_EVENTS_ENV } from '../src/hotspot/system/dnsmasq.js';
import { parseAllSta, parseHostapdEvent } from '../src/hotspot/system/hostapd-events.js';
import { readLeaseEvents } from '../src/hotspot/system/lease-log.js';
import { parseLeaseEvent, parseLeaseFile, parseLeaseLine } from '../src/hotspot/system/leases.js';
import { recordHostapdCli } from './support/hotspot-hostapd-cli.js';

const HOOK = fileURLToPath(new URL('../../hardware/hotspot/lease-hook.sh', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tpt-parsers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dnsmasq lease file', () => {
  it('reads a line written by dnsmasq 2.90 for a busybox udhcpc client (recorded)', () => {
    expect(parseLeaseLine('1795387076 aa:08:74:3c:e9:6d 10.42.0.137 * 01:aa:08:74:3c:e9:6d')).toEqual({
      ok: true,
      value: { ip: '10.42.0.137', mac: 'aa:08:74:3c:e9:6d', expiresAt: 1_795_387_076 },
    });
  });

  it('drops the hostname and client id, reads 0 as an infinite lease, and sets DHCPv6 lines aside', () => {
    // Constructed in dnsmasq's lease-file format: a named phone, a static infinite lease, then the
    // DHCPv6 part (server DUID, an IAID-keyed lease) that dnsmasq appends when it serves IPv6.
    const file = parseLeaseFile(
      [
        '1795387100 3a:1f:22:90:aa:01 10.42.0.23 iPhone-de-Marie 01:3a:1f:22:90:aa:01',
        '0 02:00:00:00:00:09 10.42.0.9 * *',
        'duid 00:01:00:01:2d:5e:7f:a0:02:00:00:00:00:01',
        '1795387200 305419896 fd00::5 android-1 00:01:00:01:2d:5e:7f:a0:3a:1f:22:90:aa:01',
        '',
      ].join('\n'),
    );
    expect(file.leases).toEqual([
      { ip: '10.42.0.23', mac: '3a:1f:22:90:aa:01', expiresAt: 1_795_387_100 },
      { ip: '10.42.0.9', mac: '02:00:00:00:00:09', expiresAt: null },
    ]);
    expect(JSON.stringify(file.leases)).not.toContain('Marie');
    expect(file.discarded.map((d) => d.reason)).toEqual(['DHCPv6 server id', 'not an IPv4 lease']);
  });

  it.each([
    ['garbage', 'garbage', 'not 3 to 5 fields'],
    ['a bad expiry', '17x 02:00:00:00:00:01 10.42.0.5 * *', 'expiry is not an epoch'],
    ['a non-Ethernet hardware type', '1795387076 01-02:00:00:00:00:01 10.42.0.5 * *', 'not an Ethernet MAC'],
    ['a bad address', '1795387076 02:00:00:00:00:01 10.42.0.500 * *', 'not an IPv4 lease'],
    ['a flood', `1795387076 02:00:00:00:00:01 10.42.0.5 ${'x'.repeat(2000)} *`, 'line too long'],
  ])('discards %s with a reason', (_name, line, reason) => {
    const parsed = parseLeaseLine(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.discarded.reason).toBe(reason);
      expect(parsed.discarded.line.length).toBeLessThanOrEqual(121);
    }
  });
});

describe('lease hook (hardware/hotspot/lease-hook.sh run as dnsmasq runs it)', () => {
  const run = createExecFileRunner();
  const events = () => join(dir, 'events', 'lease-events.jsonl');

  async function hook(args: string[], env: Record<string, string>) {
    // dnsmasq passes its own environment plus DNSMASQ_* variables; `env` sets exactly that here.
    const vars = Object.entries({ [LEASE_EVENTS_ENV]: events(), ...env }).map(([k, v]) => `${k}=${v}`);
    return run.run('env', [...vars, HOOK, ...args]);
  }

  it('appends one parsable JSON line per add/old/del, without the hostname', async () => {
    const env = { DNSMASQ_LEASE_EXPIRES: '1795387076', DNSMASQ_INTERFACE: 'wlan0' };
    expect((await hook(['add', 'aa:08:74:3c:e9:6d', '10.42.0.137', 'iPhone-de-Marie'], env)).code).toBe(0);
    await hook(['old', 'aa:08:74:3c:e9:6d', '10.42.0.137'], env);
    await hook(['del', 'aa:08:74:3c:e9:6d', '10.42.0.137'], { DNSMASQ_INTERFACE: 'wlan0' });
    const text = await readFile(events(), 'utf8');
    expect(text).not.toContain('Marie');
    const parsed = text.trimEnd().split('\n').map(parseLeaseEvent);
    expect(parsed.map((p) => (p.ok ? [p.value.action, p.value.ip, p.value.mac, p.value.expiresAt] : p))).toEqual([
      ['add', '10.42.0.137', 'aa:08:74:3c:e9:6d', 1_795_387_076],
      ['old', '10.42.0.137', 'aa:08:74:3c:e9:6d', 1_795_387_076],
      ['del', '10.42.0.137', 'aa:08:74:3c:e9:6d', null],
    ]);
    expect(parsed[0]?.ok && parsed[0].value.interface).toBe('wlan0');
    expect(parsed[0]?.ok && parsed[0].value.at).toBeGreaterThan(1_700_000_000);
  });

  it('writes nothing for other actions or values that could break a line', async () => {
    await rm(events(), { force: true });
    await hook(['tftp', '1234', '10.42.0.5', '/boot'], {});
    await hook(['add', '02:00:00:00:00:01","x":"', '10.42.0.5'], {});
    await hook(['add', '02:00:00:00:00:01', '10.42.0.5"}\n{"v":1'], {});
    await hook(['add', '02:00:00:00:00:01', 'fd00::5'], {});
    await hook(['add', '02:00:00:00:00:01', '10.42.0.5'], {
      DNSMASQ_INTERFACE: 'wlan0"',
      DNSMASQ_LEASE_EXPIRES: '1;2',
    });
    const lines = (await readFile(events(), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(parseLeaseEvent(lines[0] ?? '')).toMatchObject({ ok: true, value: { interface: null, expiresAt: null } });
  });

  it.each([
    ['{"v":2,"action":"add"}', 'unknown format version'],
    [
      '{"v":1,"action":"arp-add","mac":"02:00:00:00:00:01","ip":"10.42.0.5","expires":0,"interface":"","at":1}',
      'unknown action',
    ],
    [
      '{"v":1,"action":"add","mac":"02:00:00:00:00:01","ip":"10.42.0.5","expires":-1,"interface":"","at":1}',
      'expires or at is not an epoch',
    ],
    ['[1]', 'not a JSON object'],
    ['{"v":1', 'not JSON'],
  ])('discards the event line %s', (line, reason) => {
    expect(parseLeaseEvent(line)).toMatchObject({ ok: false, discarded: { reason } });
  });
});

describe('readLeaseEvents', () => {
  const line = (ip: string) =>
    `{"v":1,"action":"add","mac":"02:00:00:00:00:01","ip":"${ip}","expires":1795387076,"interface":"wlan0","at":1795383476}\n`;

  it('reads what was appended since the last offset, leaving a half-written line for later', async () => {
    const file = join(dir, 'log.jsonl');
    expect(await readLeaseEvents(file, 0)).toEqual({ events: [], discarded: [], nextOffset: 0 });
    await writeFile(file, `${line('10.42.0.5')}garbage\n${line('10.42.0.6').slice(0, 30)}`);
    const first = await readLeaseEvents(file, 0);
    expect(first.events.map((e) => e.ip)).toEqual(['10.42.0.5']);
    expect(first.discarded.map((d) => d.reason)).toEqual(['not JSON']);
    await appendFile(file, line('10.42.0.6').slice(30));
    const second = await readLeaseEvents(file, first.nextOffset);
    expect(second.events.map((e) => e.ip)).toEqual(['10.42.0.6']);
    expect((await readLeaseEvents(file, second.nextOffset)).events).toEqual([]);
  });

  it('starts again from the top when the file was rotated', async () => {
    const file = join(dir, 'rotated.jsonl');
    await writeFile(file, line('10.42.0.5') + line('10.42.0.6'));
    const { nextOffset } = await readLeaseEvents(file, 0);
    await rename(file, `${file}.1`);
    await writeFile(file, line('10.42.0.7'));
    expect((await readLeaseEvents(file, nextOffset)).events.map((e) => e.ip)).toEqual(['10.42.0.7']);
  });
});

describe('hostapd events', () => {
  it('reads the events of a real hostapd_cli attached to a real hostapd (driver=none), through a restart', async () => {
    const lines = await recordHostapdCli();
    const events = lines.map(parseHostapdEvent).flatMap((p) => (p.ok ? [p.value] : []));
    expect(events).toEqual([
      { type: 'other', name: 'AP-DISABLED', interface: null },
      { type: 'other', name: 'CTRL-EVENT-TERMINATING', interface: null },
      { type: 'link-lost' },
      { type: 'link-restored' },
    ]);
  });

  // Station events need a radio; these follow hostapd 2.10's formats (src/ap/sta_info.c,
  // AP_STA_CONNECTED "%s%s%s" with the MAC then optional ip_addr= and keyid=), as hostapd_cli prints them.
  it.each([
    ['> <3>AP-STA-CONNECTED 3a:1f:22:90:aa:01', 'connected', null],
    ['<3>AP-STA-CONNECTED 3A:1F:22:90:AA:01 keyid=staff\r', 'connected', null],
    ['<3>AP-STA-CONNECTED 3a:1f:22:90:aa:01 ip_addr=10.42.0.23 ', 'connected', null],
    ['<3>AP-STA-DISCONNECTED 3a:1f:22:90:aa:01', 'disconnected', null],
    ['IFNAME=wlan0 <3>AP-STA-DISCONNECTED 3a:1f:22:90:aa:01', 'disconnected', 'wlan0'],
    ['wlan0staff AP-STA-CONNECTED 3a:1f:22:90:aa:01', 'connected', 'wlan0staff'],
  ])('reads %j', (line, type, iface) => {
    expect(parseHostapdEvent(line)).toEqual({ ok: true, value: { type, mac: '3a:1f:22:90:aa:01', interface: iface } });
  });

  it.each([
    ["hostapd_cli's banner", 'hostapd_cli v2.10', 'not a hostapd event'],
    ['a failed ping', "'PING' command failed.", 'not a hostapd event'],
    ['a connect without MAC', '<3>AP-STA-CONNECTED', 'station event without a MAC'],
    ['a short MAC', '<3>AP-STA-DISCONNECTED 3a:1f:22:90:aa', 'station event without a MAC'],
    ['a forged interface', 'IFNAME=wlan0;rm <3>AP-ENABLED', 'bad interface name'],
    ['a flood', 'x'.repeat(5000), 'line too long'],
  ])('discards %s', (_name, line, reason) => {
    expect(parseHostapdEvent(line)).toMatchObject({ ok: false, discarded: { reason } });
  });

  it('lists the stations of `hostapd_cli all_sta` and `list_sta`', () => {
    const allSta = [
      '3a:1f:22:90:aa:01',
      'flags=[AUTH][ASSOC][AUTHORIZED][WMM][HT]',
      'aid=1',
      'rx_bytes=12034',
      '02:00:00:00:00:02',
      'flags=[AUTH][ASSOC][AUTHORIZED]',
      '',
    ].join('\n');
    expect(parseAllSta(allSta)).toEqual(['3a:1f:22:90:aa:01', '02:00:00:00:00:02']);
    expect(parseAllSta('3A:1F:22:90:AA:01\n')).toEqual(['3a:1f:22:90:aa:01']);
    expect(parseAllSta('')).toEqual([]);
  });
});
