import { join } from 'node:path';
import type { Harness } from './harness.js';
import { PLAN } from './plan.js';
import type { ManagedProcess } from './run.js';

/** The masquerade the baseline needs, in a table of its own (never iptables-nft's `ip nat`). */
export const BASELINE_NAT_TABLE = 'tpn_baseline';

export interface BaselineAp {
  dnsmasq: ManagedProcess;
  leaseFile: string;
}

/**
 * Plain routing with no portal, the floor every portal figure is compared with: dnsmasq on the
 * bridge for DHCP (no ping check, REFERENCE §2), DNS forwarded to the 4G router, router
 * advertisements for SLAAC; and NAT to the uplink. All paths are private to the run.
 */
export async function startBaselineAp(harness: Harness): Promise<BaselineAp> {
  const leaseFile = join(harness.dir, 'baseline.leases');
  const dnsmasq = harness.ap.spawn('dnsmasq', 'dnsmasq', baselineDnsmasqArgs(harness.dir, leaseFile));
  await Promise.all([dnsmasq.waitForLine(/started, version/), harness.ap.nft(baselineNatRuleset())]);
  return { dnsmasq, leaseFile };
}

export function baselineDnsmasqArgs(dir: string, leaseFile: string): string[] {
  const { ap, internet } = PLAN;
  return [
    '--conf-file=/dev/null',
    '--no-hosts',
    '--no-resolv',
    '--keep-in-foreground',
    '--log-facility=-',
    `--pid-file=${join(dir, 'baseline-dnsmasq.pid')}`,
    `--dhcp-leasefile=${leaseFile}`,
    `--interface=${ap.bridge}`,
    '--bind-interfaces',
    `--server=${internet.router4}`,
    // Without it dnsmasq pings every new address for ~3 s and answers nobody meanwhile.
    '--no-ping',
    '--dhcp-authoritative',
    `--dhcp-range=${ap.dhcpRange4[0]},${ap.dhcpRange4[1]},255.255.255.0,1h`,
    '--enable-ra',
    `--dhcp-range=::,constructor:${ap.bridge},ra-only,64,1h`,
  ];
}

export function baselineNatRuleset(): string {
  return `table inet ${BASELINE_NAT_TABLE} {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${PLAN.ap.uplink}" masquerade
  }
}
`;
}
