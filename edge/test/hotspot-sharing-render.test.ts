import { describe, expect, it } from 'vitest';
import { validateHotspotConfig } from '../src/hotspot/config.js';
import { clientClasses } from '../src/hotspot/sharing/client-classes.js';
import { renderShapingScript, shapingPlans } from '../src/hotspot/sharing/shaping-script.js';
import { createExecFileRunner } from '../src/hotspot/system/command.js';
import { renderDnsmasqConfig } from '../src/hotspot/system/dnsmasq.js';
import { Firewall } from '../src/hotspot/system/firewall.js';
import { renderRuleset } from '../src/hotspot/system/ruleset.js';

const small = { dhcpRange: { start: '10.42.0.10', end: '10.42.0.12' } };
const ceilings = validateHotspotConfig({
  residents: small,
  uplink: { interfaces: ['eth0', 'usb0'] },
  bandwidth: { perClientDownKbit: 4000, perClientUpKbit: 1000 },
});
const quota = validateHotspotConfig({ residents: small, quota: { bytesPerDay: 500_000_000 } });
const plain = validateHotspotConfig({ residents: small });

describe('the ruleset with ceilings and quotas', () => {
  const firewall = new Firewall(createExecFileRunner());

  it.each([
    ['ceilings', ceilings],
    ['quota', quota],
  ])('passes nft -c with %s', async (_name, config) => {
    await expect(firewall.check(renderRuleset(config))).resolves.toBeUndefined();
  });

  it('maps each DHCP address to its tc class, for both directions, and polices nothing itself', () => {
    const text = renderRuleset(ceilings);
    expect(text).toContain('elements = { 10.42.0.10 : 1:2, 10.42.0.11 : 1:3, 10.42.0.12 : 1:4 }');
    expect(text).toContain('meta priority set ip saddr map @client_class');
    expect(text).toContain('iifname { "eth0", "usb0" } meta priority set ip daddr map @client_class');
    expect(text).not.toContain('limit rate');
    expect(text).not.toContain('usage_');
  });

  it('counts each accepted address both ways only when a quota is configured', () => {
    const text = renderRuleset(quota);
    expect(text).toContain('update @usage_up { ip saddr }');
    expect(text).toContain('ct state established,related update @usage_down { ip daddr }');
    expect(text).not.toContain('client_class');
    expect(renderRuleset(plain)).not.toMatch(/usage_|client_class|priority set/);
  });
});

describe('the tc shaping script', () => {
  it('shapes download on the residents’ interface and upload on every uplink', () => {
    expect(shapingPlans(ceilings)).toEqual([
      { interface: 'wlan0', kbit: 4000, direction: 'down' },
      { interface: 'eth0', kbit: 1000, direction: 'up' },
      { interface: 'usb0', kbit: 1000, direction: 'up' },
    ]);
    expect(shapingPlans(plain)).toEqual([]);
  });

  it('replaces the root, keeps a free default class, and gives every address its class and leaf', () => {
    const plan = { interface: 'wlan0', kbit: 4000, direction: 'down' as const };
    const lines = renderShapingScript(ceilings, plan, 'fq_codel').trimEnd().split('\n');
    expect(lines).toEqual([
      'qdisc replace dev wlan0 root pfifo',
      'qdisc replace dev wlan0 root handle 1: htb default 1',
      'class add dev wlan0 parent 1: classid 1:1 htb rate 10gbit quantum 1514',
      'qdisc add dev wlan0 parent 1:1 fq_codel',
      ...clientClasses(ceilings).flatMap((client) => [
        `class add dev wlan0 parent 1: classid ${client.classId} htb rate 4000kbit ceil 4000kbit quantum 1514`,
        `qdisc add dev wlan0 parent ${client.classId} fq_codel`,
      ]),
    ]);
    // The fallback FIFO holds a quarter second at the ceiling, and never less than three GRO packets.
    const fifo = renderShapingScript(ceilings, plan, 'bfifo');
    expect(fifo).toContain('qdisc add dev wlan0 parent 1:2 bfifo limit 196608');
    const fast = renderShapingScript(ceilings, { ...plan, kbit: 100_000 }, 'bfifo');
    expect(fast).toContain('qdisc add dev wlan0 parent 1:2 bfifo limit 3125000');
  });

  it('numbers classes in hexadecimal, as tc and nft read them', () => {
    const wide = validateHotspotConfig({ residents: { dhcpRange: { start: '10.42.0.10', end: '10.42.0.250' } } });
    const last = clientClasses(wide).at(-1);
    expect(last).toEqual({ ip: '10.42.0.250', minor: 242, classId: '1:f2' });
  });
});

describe('the sharing options in the config', () => {
  it('refuses ceilings over a DHCP range wider than the classes it may hold', () => {
    const wide = {
      subnet: '10.40.0.0/16',
      address: '10.40.0.1',
      dhcpRange: { start: '10.40.0.10', end: '10.40.8.10' },
    };
    expect(() => validateHotspotConfig({ residents: wide, bandwidth: { perClientDownKbit: 2000 } })).toThrow(
      /hotspot\/residents\/dhcpRange": holds 2049 addresses; per-client ceilings shape at most 1024/,
    );
    expect(() => validateHotspotConfig({ residents: wide })).not.toThrow();
  });

  it('refuses a quota too small to load a page, and a filter path that is not absolute', () => {
    expect(() => validateHotspotConfig({ quota: { bytesPerDay: 1000 } })).toThrow(/quota\/bytesPerDay/);
    expect(() => validateHotspotConfig({ filter: { enabled: true, serversFile: 'list.conf' } })).toThrow(
      /filter\/serversFile/,
    );
  });

  it('leaves the filter off by default; on, dnsmasq reads the generated servers-file', () => {
    expect(plain.filter.enabled).toBe(false);
    expect(renderDnsmasqConfig(plain)).not.toContain('servers-file');
    const on = validateHotspotConfig({ filter: { enabled: true } });
    expect(renderDnsmasqConfig(on)).toContain('servers-file=/var/lib/triporteur/blocklist.dnsmasq\n');
  });
});
