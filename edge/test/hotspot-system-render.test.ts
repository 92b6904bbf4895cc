import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HotspotConfig, validateHotspotConfig } from '../src/hotspot/config.js';
import { createExecFileRunner } from '../src/hotspot/system/command.js';
import { renderDnsmasqConfig } from '../src/hotspot/system/dnsmasq.js';
import { Firewall } from '../src/hotspot/system/firewall.js';
import { renderHostapdConfig } from '../src/hotspot/system/hostapd.js';
import { renderRuleset } from '../src/hotspot/system/ruleset.js';
import { checkHostapdConfig, parseHostapdConfig } from './support/hotspot-hostapd.js';

const hardware = new URL('../../hardware/hotspot/', import.meta.url);
const tls = { certFile: '/etc/triporteur/portal.crt', keyFile: '/etc/triporteur/portal.key' };
const staff = { ssid: 'Triporteur equipe', passphrase: 'correct horse battery' };

const variants: Record<string, HotspotConfig> = {
  defaults: validateHotspotConfig({}),
  'staff, certificate, two uplinks, ceilings': validateHotspotConfig({
    staff: { ...staff, piTcpPorts: [22] },
    portal: { hostname: 'wifi.example.org', tls },
    uplink: { interfaces: ['eth0', 'usb0'] },
    bandwidth: { perClientDownKbit: 4000, perClientUpKbit: 1000 },
  }),
  'bridge, no isolated ranges, own resolvers': validateHotspotConfig({
    residents: { interface: 'br-res' },
    uplink: { isolatedRanges: [] },
    dns: { upstreamServers: ['9.9.9.9', '149.112.112.112'] },
  }),
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tpt-render-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderRuleset', () => {
  const firewall = new Firewall(createExecFileRunner());

  it.each(Object.entries(variants))('passes nft -c for %s', async (_name, config) => {
    await expect(firewall.check(renderRuleset(config))).resolves.toBeUndefined();
  });

  it('is refused by nft -c when broken, so the check above can fail', async () => {
    const broken = renderRuleset(variants.defaults as HotspotConfig).replace('masquerade', 'masquerad');
    await expect(firewall.check(broken)).rejects.toMatchObject({ code: 'EDG_HOTSPOT_COMMAND' });
  });

  it('stays in its own inet table and names its uplinks, subnets and portal from the config', () => {
    const text = renderRuleset(variants['staff, certificate, two uplinks, ceilings'] as HotspotConfig);
    expect(text.match(/^table /gm)).toEqual(['table ']);
    expect(text).toContain('table inet triporteur {');
    expect(text).toContain('oifname { "eth0", "usb0" } ip saddr { 10.42.0.0/24, 10.43.0.0/24 } masquerade');
    expect(text).toContain('tcp dport 80 ip saddr . ether saddr != @allowed dnat ip to 10.42.0.1:8080');
    expect(text).toContain('ip daddr 10.42.0.1 tcp dport 443 dnat ip to 10.42.0.1:8443');
    expect(text).toContain('update @allowed { ip saddr . ether saddr timeout 900s }');
    expect(text).toContain('tcp dport { 22 } accept');
  });

  it('has no staff chains, no HTTPS DNAT and no ceilings when none are configured', () => {
    const text = renderRuleset(variants.defaults as HotspotConfig);
    expect(text).not.toContain('staff_to_pi');
    expect(text).not.toContain('dport 443 dnat');
    expect(text).not.toContain('ceiling');
    expect(text).toContain('tcp dport { 8080 } accept');
  });
});

describe('renderDnsmasqConfig', () => {
  async function dnsmasqTest(text: string) {
    const file = join(dir, `dnsmasq-${Math.random().toString(36).slice(2)}.conf`);
    await writeFile(file, text);
    return createExecFileRunner().run('dnsmasq', ['--test', `--conf-file=${file}`]);
  }

  it.each(Object.entries(variants))('passes dnsmasq --test for %s', async (_name, config) => {
    const result = await dnsmasqTest(renderDnsmasqConfig(config));
    expect(result.stderr).toContain('syntax check OK');
    expect(result.code).toBe(0);
  });

  it('is refused by dnsmasq --test when broken, so the check above can fail', async () => {
    const broken = renderDnsmasqConfig(variants.defaults as HotspotConfig).replace('10.42.0.250', '10.42.0.999');
    expect((await dnsmasqTest(broken)).code).not.toBe(0);
  });

  it('sends option 114 only with a certificate, and only to residents', () => {
    expect(renderDnsmasqConfig(variants.defaults as HotspotConfig)).not.toContain('114');
    const text = renderDnsmasqConfig(variants['staff, certificate, two uplinks, ceilings'] as HotspotConfig);
    expect(text).toContain('dhcp-option-force=tag:residents,114,"https://wifi.example.org/captive-portal/api"');
    expect(text.match(/114/g)).toHaveLength(1);
    expect(text).toContain('dhcp-range=set:staff,10.43.0.10,10.43.0.250,255.255.255.0,43200');
  });

  it('answers DHCP without the ping check, resolves the portal name locally, keeps MACs out of syslog', () => {
    const text = renderDnsmasqConfig(variants['bridge, no isolated ranges, own resolvers'] as HotspotConfig);
    const lines = text.split('\n');
    for (const line of ['no-ping', 'dhcp-authoritative', 'quiet-dhcp', 'no-resolv', 'server=9.9.9.9']) {
      expect(lines).toContain(line);
    }
    expect(lines).toContain('interface=br-res');
    expect(lines).toContain('host-record=portail.home.arpa,10.42.0.1');
    expect(lines).toContain('local=/portail.home.arpa/');
    expect(lines).toContain('dhcp-script=/usr/local/lib/triporteur/lease-hook');
  });
});

describe('renderHostapdConfig', () => {
  const config = variants['staff, certificate, two uplinks, ceilings'] as HotspotConfig;

  it('gives an open isolated SSID and a WPA2 staff BSS, read back key by key', () => {
    const [radio, staffBss, ...rest] = parseHostapdConfig(renderHostapdConfig(config));
    expect(rest).toEqual([]);
    expect(Object.fromEntries(radio ?? [])).toMatchObject({
      interface: 'wlan0',
      driver: 'nl80211',
      country_code: 'FR',
      ieee80211d: '1',
      ssid: 'Wifi social',
      wpa: '0',
      ap_isolate: '1',
    });
    expect(radio?.has('wpa_passphrase')).toBe(false);
    expect(Object.fromEntries(staffBss ?? [])).toMatchObject({
      bss: 'wlan0staff',
      ssid: 'Triporteur equipe',
      wpa: '2',
      wpa_key_mgmt: 'WPA-PSK',
      rsn_pairwise: 'CCMP',
      wpa_passphrase: 'correct horse battery',
    });
  });

  it('puts the radio into the bridge when the residents sit on one, and has one BSS without staff', () => {
    const sections = parseHostapdConfig(
      renderHostapdConfig(variants['bridge, no isolated ranges, own resolvers'] as HotspotConfig),
    );
    expect(sections).toHaveLength(1);
    expect(sections[0]?.get('bridge')).toBe('br-res');
  });

  it('is read without error by the real hostapd (driver=none, no radio)', async () => {
    const check = await checkHostapdConfig(renderHostapdConfig(config));
    expect(check.output).not.toContain('Line ');
    expect(check.ok).toBe(true);
  });

  it('is refused by the real hostapd when broken, so the check above can fail', async () => {
    const broken = renderHostapdConfig(config).replace('wpa_passphrase=correct horse battery', 'wpa_passphrase=short');
    const check = await checkHostapdConfig(broken);
    expect(check.ok).toBe(false);
    expect(check.output).toContain('invalid WPA passphrase length');
  });
});

describe('hardware/hotspot templates', () => {
  // The files a workshop reads are the renders of example-config.json; regenerate them with
  // UPDATE_HOTSPOT_TEMPLATES=1 npx vitest run --project edge edge/test/hotspot-system-render.test.ts
  const renders: Array<[string, (config: HotspotConfig) => string]> = [
    ['triporteur.nft', renderRuleset],
    ['dnsmasq.conf', renderDnsmasqConfig],
    ['hostapd.conf', renderHostapdConfig],
  ];

  it.each(renders)('%s is the render of example-config.json', async (file, render) => {
    const example = JSON.parse(await readFile(new URL('example-config.json', hardware), 'utf8'));
    const expected = render(validateHotspotConfig(example));
    if (process.env.UPDATE_HOTSPOT_TEMPLATES === '1') await writeFile(new URL(file, hardware), expected);
    expect(await readFile(new URL(file, hardware), 'utf8')).toBe(expected);
  });
});
