/**
 * The hotspot's system layer: config renders for nftables, dnsmasq and hostapd, the firewall driven
 * through an injected CommandRunner, and parsers for what dnsmasq and hostapd report.
 */
export { type Ipv4Network, isIpv4, normalizeMac, parseCidr } from './addresses.js';
export {
  type CheckedOptions,
  type CommandOptions,
  type CommandResult,
  type CommandRunner,
  createExecFileRunner,
  type ExecFileRunnerOptions,
  runChecked,
} from './command.js';
export { CAPTIVE_URL_MAX_BYTES, captiveApiUrl, checkHotspotConfig, isPortalHostname } from './config-checks.js';
export { LEASE_EVENTS_ENV, renderDnsmasqConfig } from './dnsmasq.js';
export { HotspotError, HotspotErrorCode } from './errors.js';
export {
  type AllowedElement,
  type ApplyOptions,
  type ByteCounter,
  type ClientAddress,
  Firewall,
  type HotspotCounters,
  MAX_ELEMENT_TIMEOUT_S,
} from './firewall.js';
export { renderHostapdConfig } from './hostapd.js';
export { type HostapdEvent, hostapdCliCommand, parseAllSta, parseHostapdEvent } from './hostapd-events.js';
export { HOSTAPD_ENABLED, type HostapdStatus, parseHostapdStatus } from './hostapd-status.js';
export { type LeaseLogRead, readLeaseEvents } from './lease-log.js';
export {
  type Lease,
  type LeaseAction,
  type LeaseEvent,
  type LeaseFile,
  parseLeaseEvent,
  parseLeaseFile,
  parseLeaseLine,
} from './leases.js';
export type { Discarded, Parsed } from './parsed.js';
export { type CommandResponder, OK, type RecordedCommand, RecordingRunner } from './recording-runner.js';
export { ALLOWED_SET, COUNTERS, renderRuleset, TABLE_FAMILY, TABLE_NAME } from './ruleset.js';
