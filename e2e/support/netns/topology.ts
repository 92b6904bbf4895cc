import { existsSync } from 'node:fs';
import { HarnessError } from './errors.js';
import { internetLoopbackAddresses } from './internet.js';
import type { Namespace } from './namespace.js';
import { apPortName, PLAN } from './plan.js';
import { runCommand } from './run.js';

/**
 * Link and address setup, as `ip -batch` scripts run from the host with `-n <ns>`: one process per
 * namespace instead of one per command. Every veth is created directly inside its namespaces, so
 * nothing ever appears in the host namespace, and deleting the namespaces deletes every link.
 */

export async function addNamespaces(names: readonly string[]): Promise<void> {
  await runCommand('ip', ['-batch', '-'], { input: names.map((name) => `netns add ${name}\n`).join('') });
}

async function batch(namespace: string, lines: readonly string[]): Promise<void> {
  await runCommand('ip', ['-n', namespace, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

// Addresses come up without duplicate address detection: nothing else can own them here, and DAD
// would hold IPv6 addresses (and the router advertisements sent from them) back for a second.
const NO_DAD = { 'net.ipv6.conf.all.accept_dad': 0, 'net.ipv6.conf.default.accept_dad': 0 };

const BR_NETFILTER_DIR = '/proc/sys/net/bridge';

/**
 * With br_netfilter loaded, bridged client-to-client frames pass the AP's inet forward hooks when
 * bridge-nf-call-iptables is 1 (REFERENCE §2). The harness always sets it to what the test asked
 * for; without the module, frames never pass those hooks, which is the same as asking for false.
 */
export function bridgeNetfilterSysctls(enabled: boolean): Record<string, number> {
  if (!existsSync(BR_NETFILTER_DIR)) {
    if (enabled) throw new HarnessError('E2E_NETNS_NO_BR_NETFILTER', 'bridgeNetfilter asked for, module not loaded');
    return {};
  }
  const value = enabled ? 1 : 0;
  return {
    'net.bridge.bridge-nf-call-iptables': value,
    'net.bridge.bridge-nf-call-ip6tables': value,
    'net.bridge.bridge-nf-call-arptables': value,
  };
}

/** The AP (bridge + uplink, forwarding on) and the internet namespace (router LAN + hosts on lo). */
export async function buildCore(ap: Namespace, internet: Namespace, bridgeNetfilter: boolean): Promise<void> {
  const { ap: a, internet: i } = PLAN;
  await Promise.all([
    ap.sysctl({
      ...NO_DAD,
      'net.ipv4.ip_forward': 1,
      'net.ipv6.conf.all.forwarding': 1,
      ...bridgeNetfilterSysctls(bridgeNetfilter),
    }),
    internet.sysctl(NO_DAD),
  ]);
  await batch(ap.name, [
    'link set lo up',
    `link add name ${a.uplink} type veth peer name ${i.lan} netns ${internet.name}`,
    `link add name ${a.bridge} type bridge`,
    `addr add ${a.lan4}/${a.lanPrefix4} dev ${a.bridge}`,
    `addr add ${a.lan6}/${a.lanPrefix6} dev ${a.bridge} nodad`,
    `link set ${a.bridge} up`,
    `addr add ${a.uplink4}/${i.uplinkPrefix4} dev ${a.uplink}`,
    `addr add ${a.uplink6}/${i.uplinkPrefix6} dev ${a.uplink} nodad`,
    `link set ${a.uplink} up`,
    `route add default via ${i.router4} dev ${a.uplink}`,
    `route add ::/0 via ${i.router6} dev ${a.uplink}`,
  ]);
  await batch(internet.name, [
    'link set lo up',
    `addr add ${i.router4}/${i.uplinkPrefix4} dev ${i.lan}`,
    `addr add ${i.router6}/${i.uplinkPrefix6} dev ${i.lan} nodad`,
    `link set ${i.lan} up`,
    ...internetLoopbackAddresses().map((address) => `addr add ${address} dev lo`),
  ]);
}

/** Client namespace settings, applied before its interface exists so wlan0 inherits them. */
export function clientSysctls(ipv6: boolean): Record<string, number> {
  if (!ipv6) return { 'net.ipv6.conf.all.disable_ipv6': 1, 'net.ipv6.conf.default.disable_ipv6': 1 };
  // Solicit a router at once, as a phone does on association, and keep asking until one answers:
  // the AP's dnsmasq may start after the client's link is up.
  return {
    ...NO_DAD,
    'net.ipv6.conf.default.router_solicitation_delay': 0,
    'net.ipv6.conf.default.router_solicitation_interval': 1,
    'net.ipv6.conf.default.router_solicitation_max_interval': 4,
    'net.ipv6.conf.default.router_solicitations': -1,
  };
}

/** One veth per client: `c<n>` on the AP's bridge (like a hostapd station), wlan0 in the client. */
export async function attachClients(ap: Namespace, clients: readonly { name: string; index: number }[]) {
  const bridge = PLAN.ap.bridge;
  await batch(
    ap.name,
    clients.flatMap(({ name, index }) => [
      `link add name ${apPortName(index)} master ${bridge} type veth peer name ${PLAN.client.iface} netns ${name}`,
      `link set ${apPortName(index)} up`,
    ]),
  );
}

export async function raiseClientLinks(client: string): Promise<void> {
  await batch(client, ['link set lo up', `link set ${PLAN.client.iface} up`]);
}
