/**
 * The address plan. Every harness uses the same numbers: they live inside its own namespaces,
 * so parallel runs never see each other. Interface names are fixed for the same reason.
 *
 *   client ns            AP ns                               internet ns ("4G router" + Internet)
 *   wlan0 ── c<n> ─ br0 10.42.0.1/24, fd00:42::1/64
 *                   uplink 192.168.8.100/24 ──────────────── lan0 192.168.8.1/24 (router admin page)
 *                          fd00:8::100/64                         fd00:8::1/64
 *                                                            lo: probe hosts 203.0.113.x, 2001:db8::/32,
 *                                                                resolvers 9.9.9.9, 8.8.8.8, 1.1.1.1
 */
export const PLAN = {
  ap: {
    bridge: 'br0',
    lan4: '10.42.0.1',
    lanPrefix4: 24,
    lanSubnet4: '10.42.0.0/24',
    dhcpRange4: ['10.42.0.10', '10.42.0.250'] as const,
    lan6: 'fd00:42::1',
    lanPrefix6: 64,
    lanSubnet6: 'fd00:42::/64',
    uplink: 'uplink',
    uplink4: '192.168.8.100',
    uplink6: 'fd00:8::100',
  },
  internet: {
    lan: 'lan0',
    /** The 4G router: the AP's gateway, and the admin page residents must never reach. */
    router4: '192.168.8.1',
    router6: 'fd00:8::1',
    uplinkPrefix4: 24,
    uplinkPrefix6: 64,
    /** Outside resolvers a captive client may try directly (the firewall must stop that). */
    resolvers4: ['9.9.9.9', '8.8.8.8', '1.1.1.1'],
    resolver6: '2001:4860:4860::8888',
  },
  client: {
    iface: 'wlan0',
  },
  /** Upper bound per harness: the /24 DHCP range holds 241 addresses. */
  maxClients: 200,
} as const;

/** Name of the AP-side bridge port of client `index` (inside the AP namespace). */
export function apPortName(index: number): string {
  return `c${index}`;
}
