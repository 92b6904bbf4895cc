import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotspotConfig } from '../src/hotspot/config.js';
import { captiveApiUrl } from '../src/hotspot/system/config-checks.js';
import { Firewall } from '../src/hotspot/system/firewall.js';
import { parseLeaseEvent, parseLeaseFile } from '../src/hotspot/system/leases.js';
import { renderRuleset } from '../src/hotspot/system/ruleset.js';
import {
  type DhcpResult,
  HotspotTopology,
  INTERNET,
  INTERNET_V6,
  MACS,
  PI_RESIDENTS_V6,
  PI_UPLINK,
  ROUTER,
} from './support/hotspot-topology.js';

// The real firewall in a namespace topology: what a phone can and cannot reach, before and after
// acceptance. The full portal harness (probes, browsers, 50 clients) is e2e's; this proves the ruleset.
const IDLE_S = 4;

let topo: HotspotTopology;
let firewall: Firewall;
let lease: Record<'c1' | 'c2' | 'st', DhcpResult>;
let config: HotspotConfig;

beforeAll(async () => {
  topo = await HotspotTopology.build();
  // A short idle timeout, so the kernel's expiry can be watched; the rest is the validated config.
  config = { ...topo.config, sessions: { ...topo.config.sessions, idleTimeoutS: IDLE_S } };
  firewall = new Firewall(topo.lab.runner(topo.ns.ap));
  lease = { c1: await topo.dhcp('c1'), c2: await topo.dhcp('c2'), st: await topo.dhcp('st') };
}, 60_000);

afterAll(async () => {
  await topo?.cleanup();
});

const c1 = () => ({ ip: lease.c1.ip, mac: MACS.c1 });

describe('DHCP and DNS from the rendered dnsmasq.conf', () => {
  it('leases addresses with the Pi as router and resolver, and option 114 to residents only', () => {
    const url = Buffer.from(captiveApiUrl(topo.config) ?? '').toString('hex');
    expect(lease.c1).toMatchObject({ router: '10.42.0.1', dns: '10.42.0.1', opt114: url });
    expect(lease.c1.ip).toMatch(/^10\.42\.0\.\d+$/);
    expect(lease.c2.ip).not.toBe(lease.c1.ip);
    expect(lease.st).toMatchObject({ router: '10.43.0.1', dns: '10.43.0.1', opt114: '-' });
  });

  it('writes the lease file and one hook event per lease, both parsed back', async () => {
    const file = parseLeaseFile(await readFile(topo.config.paths.leaseFile, 'utf8'));
    expect(file.discarded).toEqual([]);
    expect(new Map(file.leases.map((l) => [l.mac, l.ip]))).toEqual(
      new Map([
        [MACS.c1, lease.c1.ip],
        [MACS.c2, lease.c2.ip],
        [MACS.st, lease.st.ip],
      ]),
    );
    const lines = (await readFile(topo.config.paths.leaseEvents, 'utf8')).trimEnd().split('\n');
    const events = lines.map(parseLeaseEvent).flatMap((p) => (p.ok ? [p.value] : []));
    expect(events.map((e) => [e.action, e.mac, e.ip, e.interface])).toEqual([
      ['add', MACS.c1, lease.c1.ip, 'br0'],
      ['add', MACS.c2, lease.c2.ip, 'br0'],
      ['add', MACS.st, lease.st.ip, 'wlan0staff'],
    ]);
  });

  it("resolves names through the Pi, and the portal's own name to the Pi", async () => {
    expect(await topo.resolve(topo.ns.c1, 'connectivitycheck.gstatic.com', '10.42.0.1')).toEqual([INTERNET]);
    expect(await topo.resolve(topo.ns.c1, 'wifi.example.org', '10.42.0.1')).toEqual(['10.42.0.1']);
  });
});

describe('without the ruleset (control: the topology itself blocks nothing)', () => {
  it('lets a phone reach everything the ruleset will forbid', async () => {
    expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toBe(`internet ${INTERNET} ${lease.c1.ip}`);
    expect((await topo.curl(topo.ns.c1, `http://${ROUTER}/`)).code).toBe(0);
    expect((await topo.curl(topo.ns.c1, `http://${lease.c2.ip}/`)).body).toContain('phone');
    expect((await topo.curl(topo.ns.c1, 'http://10.42.0.1:9000/')).body).toContain('pi-service');
    expect((await topo.curl(topo.ns.c1, `http://[${INTERNET_V6}]/`)).body).toContain('internet');
    expect(await topo.probe(topo.ns.c1, 'tcp', PI_RESIDENTS_V6, 8080)).toBe('CONNECTED');
    expect(await topo.probe(topo.ns.c1, 'tcp', PI_RESIDENTS_V6, 53)).toBe('CONNECTED');
    expect(await topo.probe(topo.ns.c1, 'tcp', INTERNET, 443)).toBe('CONNECTED');
    expect(await topo.resolve(topo.ns.c1, 'example.org', INTERNET)).toEqual([INTERNET]);
  });
});

describe('with the ruleset applied', () => {
  beforeAll(async () => {
    await firewall.apply(renderRuleset(config));
  });

  describe('a captive phone', () => {
    it('gets the portal for any port-80 address, seen from its own address', async () => {
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/generate_204`)).body).toBe(
        `portal 10.42.0.1 ${lease.c1.ip}`,
      );
      expect((await topo.curl(topo.ns.c2, 'http://10.42.0.1/')).body).toBe(`portal 10.42.0.1 ${lease.c2.ip}`);
    });

    it('gets a TCP reset on 443 and an ICMP error on QUIC, never a timeout', async () => {
      expect(await topo.probe(topo.ns.c1, 'tcp', INTERNET, 443)).toBe('ECONNREFUSED');
      expect(await topo.probe(topo.ns.c1, 'udp', INTERNET, 443)).toBe('ECONNREFUSED');
    });

    it('reaches no other port outside, and no resolver but the Pi', async () => {
      expect(await topo.probe(topo.ns.c1, 'tcp', INTERNET, 8443)).toBe('EHOSTUNREACH');
      expect(await topo.resolve(topo.ns.c1, 'example.org', INTERNET)).toEqual([]);
      expect(await topo.probe(topo.ns.c1, 'tcp', INTERNET, 53)).toBe('ECONNREFUSED');
      expect(await topo.resolve(topo.ns.c1, 'example.org', '10.42.0.1')).toEqual([INTERNET]);
    });
  });

  describe('an accepted phone', () => {
    beforeAll(async () => {
      await firewall.allow(c1(), IDLE_S);
    });

    it('reaches the Internet through NAT, on 80 and 443', async () => {
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toBe(`internet ${INTERNET} ${PI_UPLINK}`);
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}:443/`)).body).toBe(`internet ${INTERNET} ${PI_UPLINK}`);
      // Its neighbour is still captive.
      expect((await topo.curl(topo.ns.c2, `http://${INTERNET}/`)).body).toContain('portal');
    });

    it("still reaches no resolver but the Pi, not the router's LAN, not the Pi's other services", async () => {
      expect(await topo.resolve(topo.ns.c1, 'example.org', INTERNET)).toEqual([]);
      expect(await topo.probe(topo.ns.c1, 'tcp', ROUTER, 80)).toBe('EHOSTUNREACH');
      expect(await topo.probe(topo.ns.c1, 'tcp', '10.42.0.1', 9000)).toBe('EHOSTUNREACH');
      expect(await topo.probe(topo.ns.c1, 'tcp', PI_UPLINK, 9000)).toBe('EHOSTUNREACH');
      expect((await topo.curl(topo.ns.c1, 'http://10.42.0.1:8080/')).body).toContain('portal');
    });

    it('cannot reach the other phone, nor be reached by it', async () => {
      await firewall.allow({ ip: lease.c2.ip, mac: MACS.c2 }, IDLE_S);
      expect(await topo.probe(topo.ns.c1, 'tcp', lease.c2.ip, 80)).toBe('EHOSTUNREACH');
      expect(await topo.probe(topo.ns.c2, 'tcp', lease.c1.ip, 80)).toBe('EHOSTUNREACH');
      await firewall.revoke(lease.c2.ip);
    });

    it('is not let through with its address on another MAC (a neighbour taking its IP)', async () => {
      await firewall.revoke(lease.c1.ip);
      await firewall.allow({ ip: lease.c1.ip, mac: MACS.c2 }, IDLE_S);
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toContain('portal');
      await firewall.revoke(lease.c1.ip);
      await firewall.allow(c1(), IDLE_S);
    });

    it('has its element refreshed by its own traffic, counted, then expired by the kernel when idle', async () => {
      // Traffic every half idle period for two idle periods: the element must survive it.
      for (let i = 0; i < 4; i++) {
        expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toContain('internet');
        await sleep((IDLE_S * 1000) / 2);
      }
      const [element] = await firewall.listAllowed();
      expect(element).toMatchObject({ ip: lease.c1.ip, mac: MACS.c1 });
      expect(element?.up.bytes).toBeGreaterThan(0);
      const counters = await firewall.counters();
      expect(counters.residentsUp.bytes).toBeGreaterThan(0);
      expect(counters.residentsDown.bytes).toBeGreaterThan(0);
      // Then silence: the kernel drops the element on its own, and the phone is captive again.
      let left = await firewall.listAllowed();
      for (let i = 0; i < (IDLE_S + 3) * 10 && left.length > 0; i++) {
        await sleep(100);
        left = await firewall.listAllowed();
      }
      expect(left).toEqual([]);
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toContain('portal');
    });

    it('keeps accepted clients and counters across a re-apply of the ruleset', async () => {
      await firewall.allow(c1(), 600);
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toContain('internet');
      const before = await firewall.counters();
      await firewall.apply(renderRuleset(config));
      expect((await firewall.listAllowed()).map((e) => e.ip)).toEqual([lease.c1.ip]);
      expect((await firewall.counters()).residentsUp.bytes).toBeGreaterThanOrEqual(before.residentsUp.bytes);
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toContain('internet');
      await firewall.revoke(lease.c1.ip);
    });

    it('is captive again at once when revoked', async () => {
      await firewall.allow(c1(), 600);
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toContain('internet');
      expect(await firewall.revoke(lease.c1.ip)).toBe(1);
      expect((await topo.curl(topo.ns.c1, `http://${INTERNET}/`)).body).toContain('portal');
    });
  });

  describe('IPv6 from a resident', () => {
    // Dropped, not rejected: the Pi answers nothing over IPv6 on the residents' side, not even neighbour
    // discovery, so the phone ends with a timeout or "no route" from its own stack, and uses IPv4.
    const nowhere = /^(TIMEOUT|EHOSTUNREACH)$/;

    it('goes nowhere, captive or accepted: not forwarded, not to the Pi', async () => {
      for (const accepted of [false, true]) {
        if (accepted) await firewall.allow(c1(), 600);
        const outcomes = await Promise.all([
          topo.probe(topo.ns.c1, 'tcp', INTERNET_V6, 80),
          topo.probe(topo.ns.c1, 'tcp', PI_RESIDENTS_V6, 8080),
          topo.probe(topo.ns.c1, 'tcp', PI_RESIDENTS_V6, 53),
        ]);
        for (const outcome of outcomes) expect(outcome).toMatch(nowhere);
      }
      await firewall.revoke(lease.c1.ip);
    });
  });

  describe('a staff tablet', () => {
    it('reaches the Internet without the portal, but not the router LAN or the Pi beyond DHCP and DNS', async () => {
      expect((await topo.curl(topo.ns.st, `http://${INTERNET}/`)).body).toBe(`internet ${INTERNET} ${PI_UPLINK}`);
      expect(await topo.probe(topo.ns.st, 'tcp', INTERNET, 443)).toBe('CONNECTED');
      expect(await topo.probe(topo.ns.st, 'tcp', ROUTER, 80)).toBe('EHOSTUNREACH');
      expect(await topo.probe(topo.ns.st, 'tcp', '10.43.0.1', 8080)).toBe('EHOSTUNREACH');
      expect(await topo.resolve(topo.ns.st, 'example.org', '10.43.0.1')).toEqual([INTERNET]);
      expect((await firewall.counters()).staffUp.bytes).toBeGreaterThan(0);
    });

    it('and the residents are kept apart both ways, accepted or not', async () => {
      await firewall.allow(c1(), 600);
      expect(await topo.probe(topo.ns.st, 'tcp', lease.c2.ip, 80)).toBe('EHOSTUNREACH');
      expect(await topo.probe(topo.ns.c1, 'tcp', lease.st.ip, 80)).toBe('EHOSTUNREACH');
      // A captive phone's port 80 goes to the portal whatever the address: never to the tablet.
      expect((await topo.curl(topo.ns.c2, `http://${lease.st.ip}/`)).body).toBe(`portal 10.42.0.1 ${lease.c2.ip}`);
      expect(await topo.probe(topo.ns.c2, 'tcp', lease.st.ip, 22)).toBe('EHOSTUNREACH');
      await firewall.revoke(lease.c1.ip);
    });
  });
});
