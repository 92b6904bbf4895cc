import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateHotspotConfig } from '../src/hotspot/config.js';
import { HotspotServiceErrorCode } from '../src/hotspot/service/errors.js';
import { FirewallPortAdapter } from '../src/hotspot/service/firewall-port.js';
import { Firewall } from '../src/hotspot/system/firewall.js';
import { renderRuleset } from '../src/hotspot/system/ruleset.js';
import { NetnsLab } from './support/hotspot-netns.js';

// The session layer's FirewallPort over the real ruleset and the real nft, in a namespace of its own.
// Traffic through it is the namespace test's (hotspot-service-netns); this is the mapping and refusals.
const lab = new NetnsLab();
const leases = new Map<string, string>([['10.42.0.11', '02:00:00:00:0c:01']]);
let ns: string;
let firewall: Firewall;
let port: FirewallPortAdapter;

beforeAll(async () => {
  ns = await lab.add('fw');
  firewall = new Firewall(lab.runner(ns));
  await firewall.apply(renderRuleset(validateHotspotConfig({})));
  port = new FirewallPortAdapter(firewall, (ip) => leases.get(ip));
});

afterAll(async () => {
  await lab.cleanup();
});

describe('the FirewallPort over the nft firewall', () => {
  it('allows an address bound to the MAC of its lease, and lists it with its time left', async () => {
    await port.allow('10.42.0.11', 600);
    expect(await firewall.listAllowed()).toMatchObject([{ ip: '10.42.0.11', mac: '02:00:00:00:0c:01' }]);
    const [entry] = await port.listAllowed();
    expect(entry?.ip).toBe('10.42.0.11');
    expect(entry?.expiresInS).toBeGreaterThan(590);
    expect(entry?.expiresInS).toBeLessThanOrEqual(600);
  });

  it('refuses an address with no lease, with a code and without naming it, and adds nothing', async () => {
    const refusal = port.allow('10.42.0.99', 600);
    await expect(refusal).rejects.toMatchObject({ code: HotspotServiceErrorCode.NO_LEASE });
    await expect(refusal).rejects.not.toThrow(/10\.42\.0\.99/);
    expect((await port.listAllowed()).map((e) => e.ip)).toEqual(['10.42.0.11']);
  });

  it('reads the residents’ byte counters, and revokes, twice without error', async () => {
    expect(await port.counters()).toEqual({ bytesUp: 0, bytesDown: 0 });
    await port.revoke('10.42.0.11');
    await port.revoke('10.42.0.11');
    expect(await port.listAllowed()).toEqual([]);
  });
});
