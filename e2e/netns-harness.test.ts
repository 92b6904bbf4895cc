import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASELINE_NAT_TABLE,
  type Client,
  createHarness,
  curl,
  type Harness,
  INTERNET_HOSTS,
  launchChromiumIn,
  listNamespaces,
  lookup,
  type Namespace,
  NEVERSSL_TITLE,
  namespaceCpuMs,
  PLAN,
  PROBE_OSES,
  PROBE_USER_AGENTS,
  probeSteps,
  probeThroughput,
  ROUTER_ADMIN_TITLE,
  runCommand,
  runProbes,
  startBaselineAp,
  sweepStale,
  timeToOnline,
  withHarness,
} from './support/netns/index.js';

// These tests run as root and build their own network namespaces; traffic stays inside them.

const HARNESS_LINK_NAMES = /^(uplink|lan0|br0|wlan0|c\d+)$/;

async function hostLinkNames(): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['-j', 'link', 'show']);
  return (JSON.parse(stdout) as { ifname: string }[]).map((link) => link.ifname);
}

/** A killed daemon whose parent is init may linger as a zombie until init reaps it: that is gone. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function inSubnet24(ip: string, subnet: string): boolean {
  return ip.split('.').slice(0, 3).join('.') === subnet.split('.').slice(0, 3).join('.');
}

/** An HTTP server in the test process, on a socket that lives inside a namespace. */
async function serveInside(target: Namespace, host: string) {
  const socket = await target.listen(8080, host);
  const server = createServer((req, res) => res.end(`from ${req.socket.remoteAddress}`));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return server;
}

describe('netns harness: plain routing, no portal', () => {
  let harness: Harness;
  let clients: Client[];
  const hostResolvConf = readFileSync('/etc/resolv.conf', 'utf8');

  beforeAll(async () => {
    harness = await createHarness({ clients: 5 });
    clients = harness.clients;
    await startBaselineAp(harness);
    await Promise.all(clients.map((client) => client.dhcp()));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('gives each client its own DHCP lease on the hotspot subnet, with the AP as router and DNS', async () => {
    const ips = clients.map((client) => client.lease?.ip);
    expect(new Set(ips).size).toBe(clients.length);
    for (const client of clients) {
      expect(inSubnet24(client.lease?.ip ?? '', PLAN.ap.lan4)).toBe(true);
      expect(client.lease).toMatchObject({ prefix: 24, router: PLAN.ap.lan4, dns: [PLAN.ap.lan4] });
      expect(await readFile(client.files.resolvFile, 'utf8')).toContain(`nameserver ${PLAN.ap.lan4}\n`);
    }
    // The DHCP server's lease file names every client's wlan0 MAC.
    const leases = await readFile(join(harness.dir, 'baseline.leases'), 'utf8');
    for (const client of clients) expect(leases).toContain(`${await client.mac()} ${client.lease?.ip} `);
  });

  it('resolves the probe hostnames through the AP DNS and leaves the shared /etc/resolv.conf alone', async () => {
    const client = clients[0] as Client;
    for (const host of INTERNET_HOSTS.filter((entry) => entry.ipv4)) {
      expect(await lookup(client, host.name)).toMatchObject({ ok: true, addresses: [host.ipv4] });
    }
    expect(await lookup(client, 'ipv6.google.com', { type: 'AAAA' })).toMatchObject({
      ok: true,
      addresses: ['2001:db8:6::1'],
    });
    expect(await lookup(client, 'nowhere.example')).toMatchObject({ ok: false, code: 'ENOTFOUND' });
    // getaddrinfo (curl, Chromium) reads the client's file, bind-mounted for that command only.
    const seen = await client.exec('cat', ['/etc/resolv.conf']);
    expect(seen.stdout).toContain(`nameserver ${PLAN.ap.lan4}`);
    expect(readFileSync('/etc/resolv.conf', 'utf8')).toBe(hostResolvConf);
  });

  it('sees every OS probe sequence online, through the NAT on the uplink', async () => {
    harness.internet.clearRequests();
    const runs = await Promise.all(clients.flatMap((client) => PROBE_OSES.map((os) => runProbes(client, os))));
    for (const run of runs) {
      expect({ os: run.os, verdict: run.verdict }).toEqual({ os: run.os, verdict: 'online' });
      for (const step of run.steps) expect(step.success, `${run.os} ${step.label}`).toBe(true);
    }
    const android = runs.find((run) => run.os === 'android');
    expect(android?.steps.map((step) => step.result.status)).toEqual([204, 204, 204]);
    const requests = harness.internet.requests();
    const perClient = PROBE_OSES.reduce((sum, os) => sum + probeSteps(os).length, 0);
    expect(requests).toHaveLength(clients.length * perClient);
    // NAT: the Internet only ever sees the AP's uplink address.
    expect(new Set(requests.map((request) => request.remoteAddress))).toEqual(new Set([PLAN.ap.uplink4]));
    for (const os of PROBE_OSES) {
      expect(requests.some((request) => request.userAgent === PROBE_USER_AGENTS[os])).toBe(true);
    }
    expect(requests.filter((request) => request.scheme === 'https')).toHaveLength(clients.length);
  });

  it('holds the topology facts the portal tests rely on', async () => {
    const [first, second] = clients as [Client, Client];
    // Outside resolvers answer a client directly: blocking that is the firewall's job.
    for (const server of harness.internet.resolvers) {
      expect(await lookup(first, 'captive.apple.com', { server })).toMatchObject({ ok: true });
    }
    // The 4G router's admin page is reachable from the hotspot: blocking it is the firewall's job.
    const admin = await curl(first, { url: `http://${PLAN.internet.router4}/` });
    expect(admin.body).toContain(ROUTER_ADMIN_TITLE);
    // Clients share one bridge with no isolation: client-to-client goes straight, not through NAT.
    const peer = await serveInside(second, '0.0.0.0');
    const direct = await curl(first, { url: `http://${second.lease?.ip}:8080/` });
    expect(direct.body).toBe(`from ${first.lease?.ip}`);
    peer.close();
    // A socket the test process holds inside the AP: the portal sees each client's own address.
    const portalSide = await serveInside(harness.ap, PLAN.ap.lan4);
    for (const client of clients) {
      expect((await curl(client, { url: `http://${PLAN.ap.lan4}:8080/` })).body).toBe(`from ${client.lease?.ip}`);
    }
    portalSide.close();
    // IPv6 works end to end (SLAAC + NAT66), so a portal test can prove it is not a bypass.
    const v6 = await first.waitForIpv6();
    expect(v6.startsWith('fd00:42:')).toBe(true);
    harness.internet.clearRequests();
    const overV6 = await curl(first, { url: 'http://ipv6.google.com/', ipVersion: 6 });
    expect(overV6.status).toBe(200);
    expect(harness.internet.requests()[0]?.remoteAddress).toBe(PLAN.ap.uplink6);
    // Programs in the AP resolve through the 4G router, never through the host's resolv.conf.
    const fromAp = await harness.ap.exec('getent', ['hosts', 'captive.apple.com']);
    expect(fromAp.stdout).toContain('203.0.113.20');
    // The NAT table lives in the AP namespace only, and br_netfilter is set as asked (off).
    expect((await harness.ap.exec('nft', ['list', 'tables'])).stdout).toContain(`table inet ${BASELINE_NAT_TABLE}`);
    expect((await runCommand('nft', ['list', 'tables'])).stdout).not.toContain(BASELINE_NAT_TABLE);
    if (existsSync('/proc/sys/net/bridge')) {
      expect(await harness.ap.readSysctl('net.bridge.bridge-nf-call-iptables')).toBe('0');
    }
    // Nothing of the topology shows in the host namespace.
    expect((await hostLinkNames()).filter((name) => HARNESS_LINK_NAMES.test(name))).toEqual([]);
  });

  it('lets a client release its lease and lease again, like a phone leaving and coming back', async () => {
    const client = clients[4] as Client;
    const released = client.lease?.ip;
    await client.stopDhcp({ release: true });
    expect(client.lease).toBeUndefined();
    expect(await readFile(join(harness.dir, 'baseline.leases'), 'utf8')).not.toContain(` ${released} `);
    const { stdout } = await client.exec('ip', ['-4', '-o', 'addr', 'show', 'dev', client.iface]);
    expect(stdout).toBe('');
    const again = await client.dhcp();
    expect(inSubnet24(again.lease.ip, PLAN.ap.lan4)).toBe(true);
    expect((await runProbes(client, 'apple')).verdict).toBe('online');
  });

  it('cuts the 4G link: the router stays reachable, the Internet does not, until it returns', async () => {
    const client = clients[3] as Client;
    await harness.internet.setWan(false);
    try {
      expect((await runProbes(client, 'apple', { maxTimeMs: 1_000 })).verdict).toBe('offline');
      expect((await curl(client, { url: `http://${PLAN.internet.router4}/` })).body).toContain(ROUTER_ADMIN_TITLE);
    } finally {
      await harness.internet.setWan(true);
    }
    expect((await runProbes(client, 'apple')).verdict).toBe('online');
  });

  it('drives Debian Chromium headless from inside a client namespace', async () => {
    const client = clients[2] as Client;
    harness.internet.clearRequests();
    const browser = await launchChromiumIn(harness, client);
    const page = await browser.newPage();
    await page.goto('http://neverssl.com/');
    expect(await page.title()).toBe(NEVERSSL_TITLE);
    await browser.close();
    const request = harness.internet.requests().find((entry) => entry.host === 'neverssl.com');
    expect(request?.userAgent).toContain('Chrome/');
    expect(request?.remoteAddress).toBe(PLAN.ap.uplink4);
  });

  it('floods probes from several clients and counts the answers', async () => {
    const cpuBefore = await namespaceCpuMs(harness.internet.namespace.name);
    const flood = await probeThroughput(clients.slice(0, 2), { durationMs: 1_000, concurrency: 8 });
    // The web server that answered them is charged for it.
    expect(await namespaceCpuMs(harness.internet.namespace.name)).toBeGreaterThan(cpuBefore);
    console.log(
      `baseline probe throughput, 2 clients × 8 in flight, new connection each: ${flood.rps.toFixed(0)} req/s`,
    );
    expect(flood.failed).toBe(0);
    expect(flood.answered).toBeGreaterThan(0);
    expect(flood.statuses).toEqual({ 204: flood.answered });
  });
});

describe('netns harness: 50 clients at once', () => {
  it('leases 50 addresses and brings every client online', async () => {
    await withHarness({ clients: 50 }, async (harness) => {
      await startBaselineAp(harness);
      const result = await timeToOnline(harness.clients, { os: 'android' });
      const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
      console.log(
        `50 clients, no portal: DHCP median ${fmt(result.dhcp.median)} p95 ${fmt(result.dhcp.p95)}; ` +
          `first online probe median ${fmt(result.online.median)} p95 ${fmt(result.online.p95)}; ` +
          `${result.perClient.filter((entry) => entry.naks > 0).length} clients NAKed on the way`,
      );
      const ips = harness.clients.map((client) => client.lease?.ip);
      expect(new Set(ips).size).toBe(50);
      expect(result.perClient).toHaveLength(50);
    });
  });
});

describe('netns harness: nothing leaks', () => {
  it('close() after a failing test removes namespaces, processes, daemons and files', async () => {
    let names: string[] = [];
    let dir = '';
    const pids: number[] = [];
    const failing = withHarness({ clients: 2 }, async (harness) => {
      names = harness.namespaceNames();
      dir = harness.dir;
      const baseline = await startBaselineAp(harness);
      await harness.clients[0]?.dhcp();
      const sleeper = harness.clients[1]?.spawn('sleeper', 'sleep', ['300']);
      // A daemon that forks away from its parent: not tracked, still found and killed.
      const pidFile = join(harness.dir, 'stray.pid');
      await harness.ap.exec('dnsmasq', [
        '--conf-file=/dev/null',
        '--port=5353',
        '--no-resolv',
        `--pid-file=${pidFile}`,
      ]);
      pids.push(Number(await readFile(pidFile, 'utf8')), baseline.dnsmasq.pid ?? 0, sleeper?.pid ?? 0);
      for (const pid of pids) expect(isRunning(pid), `pid ${pid} before close`).toBe(true);
      throw new Error('the test failed here');
    });
    await expect(failing).rejects.toThrow('the test failed here');
    expect(names).toHaveLength(4);
    const left = await listNamespaces();
    expect(names.filter((name) => left.includes(name))).toEqual([]);
    for (const pid of pids) expect(isRunning(pid), `pid ${pid}`).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect((await hostLinkNames()).filter((name) => HARNESS_LINK_NAMES.test(name))).toEqual([]);
  });

  it('sweeps what a crashed run left behind, and leaves a live run alone', async () => {
    // A pid above pid_max can never be alive: a crashed owner, deterministically.
    const deadOwner = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;
    const crashed = `tpn${deadOwner}x1-ap`;
    const live = `tpn${process.pid}x9999-ap`;
    await runCommand('ip', ['netns', 'add', crashed]);
    await runCommand('ip', ['netns', 'add', live]);
    const orphan = spawn('ip', ['netns', 'exec', crashed, 'sleep', '300'], { stdio: 'ignore', detached: true });
    orphan.unref();
    const crashedDir = await mkdtemp(join(tmpdir(), `tpn${deadOwner}x1-`));
    try {
      await expect.poll(async () => (await runCommand('ip', ['netns', 'pids', crashed])).stdout.trim()).not.toBe('');
      const report = await sweepStale();
      expect(report.namespaces).toContain(crashed);
      expect(report.namespaces).not.toContain(live);
      const left = await listNamespaces();
      expect(left).not.toContain(crashed);
      expect(left).toContain(live);
      expect(existsSync(crashedDir)).toBe(false);
      await expect.poll(() => isRunning(orphan.pid ?? 0)).toBe(false);
    } finally {
      orphan.kill('SIGKILL');
      await runCommand('ip', ['netns', 'delete', live], { allowFailure: true });
      await runCommand('ip', ['netns', 'delete', crashed], { allowFailure: true });
    }
  });
});
