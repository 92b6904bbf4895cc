import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalConfigOf, validateHotspotSection } from '../edge/src/hotspot/edge-config.js';
import { renderHotspotFiles } from '../edge/src/hotspot/service/files.js';
import { LEASE_EVENTS_ENV as EDGE_LEASE_EVENTS_ENV } from '../edge/src/hotspot/system/dnsmasq.js';
import { busyBetween, parseProcStat } from './bench/portal/cpu-stat.js';
import { flood } from './bench/portal/flood-client.js';
import { formsOf, formWith, submission } from './bench/portal/forms.js';
import type { FloodFigures, OnlineRun, PortalFigures } from './bench/portal/measure.js';
import { openNdsConfig, PRIVATE_ROOT_SCRIPT } from './bench/portal/opennds.js';
import { BENCH_RATE_LIMIT, benchFiles, benchSection, LEASE_EVENTS_ENV } from './bench/portal/ours.js';
import { ensureHarnessHelpers, repoRoot, runningFromDist } from './bench/portal/paths.js';
import { onPortalCpu, parseCpuList } from './bench/portal/pinning.js';
import { apCpuPerPhoneMs, doubts, firmMisses, notes, probesPerCore, table, targets } from './bench/portal/report.js';
import { parseBenchArgs } from './bench/portal/run.js';
import { load } from './bench/portal/sheet-agent.js';
import { runCommand, summarize } from './support/netns/index.js';

// The portal bench's pieces (npm run bench runs the whole, as root, against openNDS). Fast: no namespace.

const OPENNDS_SPLASH = `<html><body>
<form action="/opennds_preauth/" method="get">
  <input type="hidden" name="fas" value="aGlkPTEy">
  <input type="hidden" name="continue" value="clicked">
  <input type="submit" value="Accept Terms of Service" >
</form>
<form action="/opennds_preauth/" method="get">
  <input type="hidden" name="fas" value="aGlkPTEy">
  <input type="hidden" name="terms" value="yes">
  <input type="submit" value="Read Terms of Service   " >
</form></body></html>`;

const OUR_LANDING =
  '<form method="get" action="/"><select name="lang"></select></form>' +
  '<form method="post" action="/login"><input type="hidden" name="csrf" value="a.b&amp;c"><input type="hidden" name="lang" value="fr">' +
  '<label><input type="radio" name="reason" value="job">Emploi</label><button type="submit">Se connecter</button></form>';

describe('tapping a portal button like a login sheet', () => {
  it('finds the form that carries a field and sends its hidden fields with its method', () => {
    expect(formsOf(OPENNDS_SPLASH)).toHaveLength(2);
    const accept = formWith(OPENNDS_SPLASH, 'continue');
    expect(accept).toEqual({
      action: '/opennds_preauth/',
      method: 'get',
      fields: { fas: 'aGlkPTEy', continue: 'clicked' },
    });
    const page = 'http://10.42.0.1:2050/opennds_preauth/?fas=old';
    expect(submission(accept as NonNullable<typeof accept>, page)).toEqual({
      url: 'http://10.42.0.1:2050/opennds_preauth/?fas=aGlkPTEy&continue=clicked',
    });
    expect(formWith(OPENNDS_SPLASH, 'landing')).toBeUndefined();
  });

  it('posts our login form with its token and language, decoded, and leaves the unticked survey out', () => {
    const login = formWith(OUR_LANDING, 'csrf');
    expect(login).toEqual({ action: '/login', method: 'post', fields: { csrf: 'a.b&c', lang: 'fr' } });
    expect(submission(login as NonNullable<typeof login>, 'http://portail.home.arpa/')).toEqual({
      url: 'http://portail.home.arpa/login',
      form: { csrf: 'a.b&c', lang: 'fr' },
    });
  });
});

describe('the phone’s requests, against a server on loopback', () => {
  let server: Server;
  let base: string;
  const seen: { method?: string; rawHeaders: string[]; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method, rawHeaders: req.rawHeaders, body });
        if (req.url === '/login') return res.end('welcome');
        res.writeHead(302, { location: 'http://portail.home.arpa/' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('lets the login sheet follow a redirect and post a form, with the header names a WebView writes', async () => {
    seen.length = 0;
    const probe = await load({ id: 1, url: `${base}/generate_204`, userAgent: 'wv', timeoutMs: 2000 });
    expect(probe).toMatchObject({ id: 1, status: 302, location: 'http://portail.home.arpa/', body: '' });
    const login = await load({
      id: 2,
      url: `${base}/login`,
      form: { csrf: 'a&b', lang: 'fr' },
      userAgent: 'wv',
      timeoutMs: 2000,
    });
    expect(login).toMatchObject({ id: 2, status: 200, body: 'welcome' });
    expect(seen[1]).toMatchObject({ method: 'POST', body: 'csrf=a%26b&lang=fr' });
    expect(seen[1]?.rawHeaders).toEqual(
      expect.arrayContaining(['Host', 'Content-Type', 'application/x-www-form-urlencoded']),
    );
  });

  it('reports a refused connection as no answer, not as a failure of the bench', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const answer = await load({ id: 3, url: `http://127.0.0.1:${port}/`, userAgent: 'wv', timeoutMs: 2000 });
    expect(answer).toMatchObject({ id: 3, status: null });
    expect(answer.error).toMatch(/ECONNREFUSED/);
  });

  it('floods probes on new connections with "Host" written as phones write it, counting each status', async () => {
    seen.length = 0;
    const report = await flood({
      url: `${base}/generate_204`,
      userAgent: 'probe',
      concurrency: 2,
      durationMs: 100,
      timeoutMs: 2000,
    });
    expect(report.answered).toBeGreaterThan(0);
    expect(report.failed).toBe(0);
    expect(report.statuses).toEqual({ 302: report.answered });
    expect(seen.length).toBe(report.answered);
    expect(seen.every((request) => request.rawHeaders.includes('Host') && !request.rawHeaders.includes('host'))).toBe(
      true,
    );
    expect(seen.every((request) => request.rawHeaders.includes('close'))).toBe(true);
  });
});

describe('pinning the AP side to one CPU', () => {
  it('reads CPU lists as taskset prints them, and refuses anything else', () => {
    expect(parseCpuList('0-3,6,8-9\n')).toEqual([0, 1, 2, 3, 6, 8, 9]);
    expect(parseCpuList('1')).toEqual([1]);
    expect(() => parseCpuList('3-1')).toThrow('not a CPU list');
    expect(() => parseCpuList('zero')).toThrow('not a CPU list');
  });

  it('reads each CPU’s busy share from two /proc/stat readings, iowait counted as idle', () => {
    const before = parseProcStat(
      'cpu  9 9 9 9 9 9 9 9 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\ncpu1 10 0 0 990 0 0 0 0 0 0\n',
    );
    const after = parseProcStat(
      'cpu  9 9 9 9 9 9 9 9 0 0\ncpu0 160 0 80 800 50 5 5 0 0 0\ncpu1 20 0 0 1080 0 0 0 0 0 0\n',
    );
    expect(before.get(0)).toEqual({ busy: 150, total: 1000 });
    expect(busyBetween(before, after, 0)).toBe(1);
    expect(busyBetween(before, after, 1)).toBe(0.1);
    expect(busyBetween(before, after, 7)).toBe(0);
  });

  it('puts AP commands behind taskset only when the run is pinned', () => {
    expect(onPortalCpu({ benchCpu: 0, portalCpu: 1 }, ['dnsmasq', '-k'])).toEqual([
      'taskset',
      '-c',
      '1',
      'dnsmasq',
      '-k',
    ]);
    expect(onPortalCpu(undefined, ['dnsmasq', '-k'])).toEqual(['dnsmasq', '-k']);
  });
});

describe('our hotspot section for the harness', () => {
  const files = benchFiles('/tmp/tpn-bench-ours');
  const hook = join(repoRoot(), 'hardware', 'hotspot', 'lease-hook.sh');
  const section = validateHotspotSection(benchSection(files, hook));

  it('is a valid edge section whose dnsmasq.conf serves the harness bridge with the lease hook, without the ping check', () => {
    const conf = renderHotspotFiles(section)['dnsmasq.conf'];
    expect(conf).toContain('interface=br0\n');
    expect(conf).toContain('no-ping\n');
    expect(conf).toContain(`dhcp-script=${hook}\n`);
    expect(conf).toContain(`dhcp-leasefile=${files.leaseFile}\n`);
    expect(conf).toContain('dhcp-range=set:residents,10.42.0.10,10.42.0.250,');
    expect(conf).not.toContain('114');
    expect(LEASE_EVENTS_ENV).toBe(EDGE_LEASE_EVENTS_ENV);
  });

  it('lifts the per-address rate limit, and keeps the portal on the residents’ address', () => {
    const portal = portalConfigOf(section);
    expect(portal.rateLimit).toEqual(BENCH_RATE_LIMIT);
    expect(portal.host).toBe('10.42.0.1');
    expect(section.uplink.interfaces).toEqual(['uplink']);
    expect(section.dns.upstreamServers).toEqual(['192.168.8.1']);
  });
});

describe('openNDS in a private view of the machine', () => {
  let dir: string;
  const hostHosts = readFileSync('/etc/hosts', 'utf8');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tpn-bench-root-'));
    await mkdir(join(dir, 'private'));
    await mkdir(join(dir, 'misc'));
    await writeFile(join(dir, 'misc', 'dnsmasq.leases'), '1 02:00:00:00:00:01 10.42.0.10 * *\n');
    await writeFile(join(dir, 'resolv.conf'), 'nameserver 192.168.8.1\n');
    await writeFile(join(dir, 'opennds.conf'), openNdsConfig());
    await writeFile(join(dir, 'opennds-root.sh'), PRIVATE_ROOT_SCRIPT, { mode: 0o755 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives openNDS its config, lease file and iptables backend, and keeps every write away from the host', async () => {
    const inside = [
      'cat /etc/opennds/opennds.conf /etc/resolv.conf /var/lib/misc/dnsmasq.leases',
      'readlink /etc/alternatives/iptables /etc/alternatives/ip6tables-save',
      'echo "10.42.0.1 status.client" >> /etc/hosts',
      'touch /tmp/tpn-bench-leak /etc/tpn-bench-leak',
      'ls -A /run',
    ].join('; ');
    const run = await runCommand('unshare', [
      '--mount',
      '--propagation',
      'slave',
      '/bin/sh',
      join(dir, 'opennds-root.sh'),
      join(dir, 'private'),
      join(dir, 'resolv.conf'),
      join(dir, 'opennds.conf'),
      join(dir, 'misc'),
      'legacy',
      '/bin/sh',
      '-c',
      inside,
    ]);
    expect(run.stdout).toContain('GatewayInterface br0\nlogin_option_enabled 1\n');
    expect(run.stdout).toContain('nameserver 192.168.8.1\n');
    expect(run.stdout).toContain('02:00:00:00:00:01 10.42.0.10');
    expect(run.stdout).toContain('/usr/sbin/iptables-legacy\n/usr/sbin/ip6tables-legacy-save\n');
    // /run is empty but for the folder dnsconfig.sh writes to: no systemd socket to restart a host service with.
    expect(run.stdout.trim().split('\n').at(-1)).toBe('tmpfiles.d');
    expect(readFileSync('/etc/hosts', 'utf8')).toBe(hostHosts);
    expect(existsSync('/tmp/tpn-bench-leak')).toBe(false);
    expect(existsSync('/etc/tpn-bench-leak')).toBe(false);
    expect(await readFile(join(dir, 'misc', 'dnsmasq.leases'), 'utf8')).toBe('1 02:00:00:00:00:01 10.42.0.10 * *\n');
  });
});

function onlineRun(clients: number, medianMs: number, p95Ms: number, apCpuMs: number): OnlineRun {
  const online = { ...summarize([medianMs]), median: medianMs, p95: p95Ms, count: clients };
  return {
    clients,
    online,
    dhcp: summarize([100]),
    naks: 0,
    taps: clients,
    steps: null,
    cpuBusy: null,
    apCpuMs,
    apCpuPerClientMs: apCpuMs / clients,
  };
}

function floodOf(
  rps: number,
  apCpuBusy: number,
  captiveStatus: number,
  extra: Partial<FloodFigures> = {},
): FloodFigures {
  return {
    clients: 4,
    concurrency: 8,
    durationMs: 5000,
    captiveStatus,
    rps,
    answered: rps * 5,
    failed: 0,
    statuses: { [captiveStatus]: rps * 5 },
    errors: {},
    elapsedMs: 5000,
    p50Ms: 1,
    p95Ms: 2,
    apCpuMs: apCpuBusy * 5000,
    apCpuBusy,
    rpsPerApCpuSecond: (rps * 5) / apCpuBusy / 5,
    benchCpuBusy: 0.3,
    ...extra,
  };
}

function portal(singleMs: number, p95Ms: number, cpuMs: number, flood: FloodFigures): PortalFigures {
  const runs = [onlineRun(1, singleMs, singleMs, cpuMs), onlineRun(1, singleMs, singleMs, cpuMs)];
  return {
    version: 'test',
    single: { runs, online: summarize([singleMs, singleMs]), apCpuPerClientMs: summarize([cpuMs, cpuMs]) },
    concurrent: onlineRun(20, p95Ms / 2, p95Ms, cpuMs * 20),
    flood,
    idleApCpuMsPerS: 0,
    wallMs: 1,
  };
}

describe('the ratios to openNDS', () => {
  const openNds = portal(1200, 18_000, 1000, floodOf(30, 1, 307));

  it('passes each target on its own side of its limit', () => {
    const ours = portal(250, 1500, 40, floodOf(3000, 0.7, 302));
    const found = targets(ours, openNds, true);
    expect(found.map((t) => [t.key, Number(t.value.toFixed(4)), t.pass])).toEqual([
      ['single-online', 0.2083, true],
      ['concurrent-p95', 0.0833, true],
      ['throughput', 100, true],
      ['cpu-per-client', 0.04, true],
    ]);
    expect(apCpuPerPhoneMs(ours)).toBe(40);
    expect(doubts(ours, openNds, true)).toEqual([]);
  });

  it('fails a missed target, and says FAIL in the table', () => {
    const slow = portal(400, 6000, 200, floodOf(500, 1, 302));
    const found = targets(slow, openNds, true);
    expect(found.filter((t) => !t.pass).map((t) => t.key)).toEqual([
      'single-online',
      'concurrent-p95',
      'throughput',
      'cpu-per-client',
    ]);
    const printed = table({ ours: slow, openNds }, found, true);
    expect(printed).toContain('| one phone online, median of 2 | — | 400 ms | 1,200 ms | 0.333 | ≤ 0.25 | FAIL |');
    expect(printed).toContain('| captive probes/s on one core (pinned) | — | 500 | 30 | 17 | ≥ 20 | FAIL |');
  });

  it('says how fast any captive portal could be here: the no-portal floor', () => {
    const ours = portal(250, 1500, 40, floodOf(3000, 1, 302));
    for (const run of ours.single.runs) {
      run.steps = { dhcp: 90, captiveProbe: 30, sheet: 10, taps: 20, tapServer: 15, untilOnline: 30 };
    }
    const floor = portal(120, 600, 0, floodOf(0, 0, 0));
    expect(notes({ ours, openNds, floor }, true)).toEqual([
      "with no portal at all a phone is online here in about 120 ms (DHCP and one probe run, which no portal can shorten): 0.10 × openNDS's time",
    ]);
  });

  it('uses CPU-normalised throughput when the run could not be pinned', () => {
    const flood = floodOf(1000, 0.5, 302);
    expect(probesPerCore(flood, false)).toBe(2000);
    expect(probesPerCore(flood, true)).toBe(1000);
  });

  it('doubts the flood when requests failed or were refused, or the clients set openNDS’s pace', () => {
    const ours = portal(250, 1500, 40, floodOf(3000, 1, 302, { statuses: { 302: 100, 429: 5 } }));
    const clientBound = floodOf(30, 0.4, 307, { failed: 20, answered: 150, benchCpuBusy: 0.95 });
    const found = doubts(ours, portal(1200, 18_000, 1000, clientBound), true);
    expect(found.map((doubt) => doubt.about)).toEqual(['throughput', 'throughput', 'throughput']);
    const text = found.map((doubt) => doubt.text).join('\n');
    expect(text).toMatch(/ours: flood answers other than 302: \{"429":5\}/);
    expect(text).toMatch(/openNDS: 20 of 170 flood requests failed/);
    expect(text).toMatch(/openNDS's core was 40 % busy in the flood while the clients' core was 95 % busy/);
  });

  it('takes an unsaturated openNDS at its word when the clients had room to send more', () => {
    const ours = portal(250, 1500, 40, floodOf(3000, 1, 302));
    const serialised = portal(1200, 18_000, 1000, floodOf(30, 0.6, 307, { benchCpuBusy: 0.2 }));
    expect(doubts(ours, serialised, true)).toEqual([]);
  });

  it('fails the bench only on a target missed with no doubt about it', () => {
    const slow = portal(400, 6000, 40, floodOf(3000, 0.5, 302));
    slow.concurrent.cpuBusy = { bench: 0.97, portal: 0.3 };
    const openNdsFigures = portal(1200, 18_000, 1000, floodOf(30, 1, 307));
    const found = targets(slow, openNdsFigures, true);
    const doubted = doubts(slow, openNdsFigures, true);
    expect(doubted).toEqual([
      { about: 'concurrent-p95', text: expect.stringMatching(/paced by the clients' core \(97 %/) },
    ]);
    expect(found.filter((t) => !t.pass).map((t) => t.key)).toEqual(['single-online', 'concurrent-p95']);
    expect(firmMisses(found, doubted).map((t) => t.key)).toEqual(['single-online']);
    expect(firmMisses(found, [{ about: 'all', text: 'machine busy' }])).toEqual([]);
  });
});

describe('the bench’s command line and files', () => {
  it('defaults to 5 single runs, 20 phones together and the results file', () => {
    const args = parseBenchArgs([], '/repo');
    expect(args.measure).toMatchObject({ singleRuns: 9, concurrentClients: 20 });
    expect(args.measure.flood).toEqual({ clients: 4, concurrency: 8, durationMs: 5000 });
    expect(args).toMatchObject({
      floor: true,
      install: true,
      openNdsIptables: 'legacy',
      out: '/repo/bench/results/portal.json',
    });
    expect(parseBenchArgs(['--no-out', '--together', '30'], '/repo')).toMatchObject({ out: undefined });
    expect(() => parseBenchArgs(['--together', '0'], '/repo')).toThrow('--together');
    expect(() => parseBenchArgs(['--opennds-iptables', 'ebpf'], '/repo')).toThrow('--opennds-iptables');
  });

  it('copies the harness’s plain-JS helpers next to the compiled harness', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tpn-bench-helpers-'));
    try {
      await mkdir(join(root, 'e2e', 'support', 'netns'), { recursive: true });
      await mkdir(join(root, 'e2e', 'dist', 'support', 'netns'), { recursive: true });
      await writeFile(join(root, 'e2e', 'support', 'netns', 'probe-flood.mjs'), '// flood\n');
      await writeFile(join(root, 'e2e', 'support', 'netns', 'bench.ts'), '// not a helper\n');
      expect(await ensureHarnessHelpers(root)).toEqual(['probe-flood.mjs']);
      expect(await readFile(join(root, 'e2e', 'dist', 'support', 'netns', 'probe-flood.mjs'), 'utf8')).toBe(
        '// flood\n',
      );
      expect(existsSync(join(root, 'e2e', 'dist', 'support', 'netns', 'bench.ts'))).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('finds the repository root, and knows it runs from the sources here', () => {
    expect(existsSync(join(repoRoot(), 'e2e', 'bench', 'portal', 'run.ts'))).toBe(true);
    expect(runningFromDist()).toBe(false);
    expect(runningFromDist('/x/e2e/dist/bench/portal/paths.js')).toBe(true);
  });
});
