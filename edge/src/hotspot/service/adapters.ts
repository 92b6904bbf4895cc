/**
 * The session layer's three ports (../sessions/ports.ts) over the system layer: the nft firewall,
 * dnsmasq's leases and hostapd's stations, each for the residents' network only.
 */
export { FirewallPortAdapter } from './firewall-port.js';
export { HostapdStations, type HostapdStationsOptions } from './hostapd-stations.js';
export {
  DEFAULT_LEASE_POLL_MS,
  DEFAULT_LEASE_ROTATE_BYTES,
  LeaseEventsSource,
  type LeaseEventsSourceOptions,
} from './lease-events-source.js';
