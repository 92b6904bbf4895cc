import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotspotSection } from '../edge/src/hotspot/edge-config.js';
import { writeBlocklist } from '../edge/src/hotspot/sharing/blocklist.js';
import { startDnsmasq } from './support/captive/hotspot.js';
import { type Client, createHarness, type Harness, lookup, type ManagedProcess, PLAN } from './support/netns/index.js';
import { sharingSection } from './support/sharing/sharing-hotspot.js';

// Issue 8, content filtering: the optional DNS blocklist, for real. The AP runs dnsmasq from the
// rendered dnsmasq.conf with the filter on, reading the servers-file the edge wrote from a plain list;
// a phone with a DHCP lease asks it for names the fake Internet's resolver knows (internet-hosts.ts).

let h: Harness;
let phone: Client;
let section: HotspotSection;
let dnsmasq: ManagedProcess;
/** dnsmasq reads the servers-file after dropping root: its directory must be open to others (0755). */
let listDir: string;

const BLOCKLIST = `# Stop near the Jean-Macé school: the association's list
gstatic.com
msftconnecttest.com   # and every name under it
`;

beforeAll(async () => {
  h = await createHarness({ clients: 1 });
  [phone] = h.clients as [Client];
  listDir = await mkdtemp(join(tmpdir(), 'tpn-blocklist-'));
  await chmod(listDir, 0o755);
  const blocklistFile = join(listDir, 'blocklist.txt');
  section = await sharingSection(h, {
    filter: { enabled: true, blocklistFile, serversFile: join(listDir, 'blocklist.dnsmasq') },
  });
  await writeFile(blocklistFile, BLOCKLIST);
  expect(await writeBlocklist(section.filter)).toBe(2);
  dnsmasq = await startDnsmasq(h, section);
  // No ruleset here: a route back lets the phone ask the fake Internet's resolver itself (the control).
  await h.internet.namespace.exec('ip', ['route', 'add', PLAN.ap.lanSubnet4, 'via', PLAN.ap.uplink4]);
  await phone.dhcp();
}, 60_000);

afterAll(async () => {
  await h?.close();
  if (listDir) await rm(listDir, { recursive: true, force: true });
});

/** SIGHUP, then the line dnsmasq logs as it takes `domain` from the servers-file. */
async function reread(domain: string): Promise<void> {
  const line = dnsmasq.waitForLine(
    new RegExp(`using only locally-known addresses for ${domain.replace(/\./g, '\\.')}`),
    {
      fresh: true,
    },
  );
  dnsmasq.child.kill('SIGHUP');
  await line;
}

describe('the DNS blocklist, for real with dnsmasq in namespaces', () => {
  it('a listed name and its subdomains get NXDOMAIN from the Pi; other names resolve', async () => {
    const [blocked, blockedToo, allowed, allowedToo, upstream] = await Promise.all([
      lookup(phone, 'connectivitycheck.gstatic.com'),
      lookup(phone, 'www.msftconnecttest.com'),
      lookup(phone, 'neverssl.com'),
      lookup(phone, 'www.google.com'),
      // The control: the fake Internet's own resolver knows the blocked name.
      lookup(phone, 'connectivitycheck.gstatic.com', { server: PLAN.internet.router4 }),
    ]);
    expect(blocked).toMatchObject({ ok: false, code: 'ENOTFOUND' });
    expect(blockedToo).toMatchObject({ ok: false, code: 'ENOTFOUND' });
    expect(allowed).toMatchObject({ ok: true, addresses: ['203.0.113.50'] });
    expect(allowedToo).toMatchObject({ ok: true, addresses: ['203.0.113.11'] });
    expect(upstream).toMatchObject({ ok: true, addresses: ['203.0.113.10'] });
    console.log(
      `blocked answered NXDOMAIN in ${Math.round(blocked.ms)} ms; allowed resolved in ${Math.round(allowed.ms)} ms`,
    );
  });

  it('an edited list takes effect when dnsmasq is told to re-read it (SIGHUP), with no restart', async () => {
    await writeFile(section.filter.blocklistFile, 'neverssl.com\n');
    expect(await writeBlocklist(section.filter)).toBe(1);
    await reread('neverssl.com');
    const [nowBlocked, nowAllowed] = await Promise.all([
      lookup(phone, 'neverssl.com'),
      lookup(phone, 'connectivitycheck.gstatic.com'),
    ]);
    expect(nowBlocked).toMatchObject({ ok: false, code: 'ENOTFOUND' });
    expect(nowAllowed).toMatchObject({ ok: true, addresses: ['203.0.113.10'] });
  });

  it('a list with a bad line is refused whole, naming the line, and the list in force stays', async () => {
    await writeFile(section.filter.blocklistFile, 'example.org\n0.0.0.0 ads.example\n');
    await expect(writeBlocklist(section.filter)).rejects.toMatchObject({
      code: 'EDG_HOTSPOT_BLOCKLIST_INVALID',
      message: expect.stringContaining('line 2'),
    });
    await reread('neverssl.com');
    expect(await lookup(phone, 'neverssl.com')).toMatchObject({ ok: false, code: 'ENOTFOUND' });
  });
});
