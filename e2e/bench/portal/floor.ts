import { baselineDnsmasqArgs, baselineNatRuleset } from '../../support/netns/index.js';
import { onPortalCpu } from './pinning.js';
import type { PortalUnderTest } from './portal.js';

/**
 * No portal at all: the harness's plain routing (dnsmasq without its ping check, NAT), for the floor
 * every time-to-online sits on. Not a target; printed so the portals' figures can be read against it.
 */
export const floor: PortalUnderTest = {
  key: 'floor',
  label: 'no portal (floor)',
  async start(harness, pinning) {
    const [dnsmasq, ...args] = onPortalCpu(pinning, [
      'dnsmasq',
      ...baselineDnsmasqArgs(harness.dir, `${harness.dir}/floor.leases`),
    ]);
    const dhcp = harness.ap.spawn('dnsmasq', dnsmasq as string, args);
    await Promise.all([dhcp.waitForLine(/started, version/), harness.ap.nft(baselineNatRuleset())]);
    return { version: 'dnsmasq and NAT only' };
  },
};
