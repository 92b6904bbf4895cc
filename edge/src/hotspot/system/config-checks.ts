import { EdgeError, EdgeErrorCode } from '../../errors.js';
import type { HotspotConfig, ResidentsNetworkConfig, StaffNetworkConfig } from '../config.js';
import { checkSharingConfig } from '../sharing/config-checks.js';
import { cidrsOverlap, type Ipv4Network, ipv4ToInt, isHostOf, parseCidr } from './addresses.js';

/** RFC 8910: the option carries at most 255 bytes (one DHCPv4 option). */
export const CAPTIVE_URL_MAX_BYTES = 255;
/** dnsmasq.conf, hostapd.conf and nft take these ports for themselves. */
const RESERVED_PORTS = new Set([53, 67, 68]);
// A DNS name of letters, digits and hyphens, with at least two labels; the last is not all digits, so an
// IPv4 literal ("10.42.0.1") never passes, and an IPv6 one has colons, which no label allows.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^(?:${LABEL}\\.)+${LABEL}$`);

/** The RFC 8908 API URL sent as DHCP option 114, when a certificate is configured. */
export function captiveApiUrl(config: HotspotConfig): string | undefined {
  return config.portal.tls ? `https://${config.portal.hostname}${config.portal.apiPath}` : undefined;
}

export function isPortalHostname(value: string): boolean {
  if (value.length > 253 || !HOSTNAME.test(value)) return false;
  const last = value.slice(value.lastIndexOf('.') + 1);
  return !/^[0-9]+$/.test(last);
}

/** Checks what no single field's schema can: addresses against subnets, overlaps, lengths, secrets. */
export function checkHotspotConfig(config: HotspotConfig, field: string): void {
  const fail = (path: string, message: string): never => {
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}/${path}": ${message}`);
  };
  const residents = checkNetwork(config.residents, 'residents', fail);
  checkSsid(config.residents.ssid, 'residents/ssid', fail);

  const { portal } = config;
  if (!isPortalHostname(portal.hostname)) {
    fail('portal/hostname', 'must be a lower-case DNS name with at least two labels, never an IP literal');
  }
  const url = captiveApiUrl(config);
  if (url !== undefined && Buffer.byteLength(url) > CAPTIVE_URL_MAX_BYTES) {
    fail('portal/apiPath', `the API URL ${url} is over ${CAPTIVE_URL_MAX_BYTES} bytes (RFC 8910 option 114)`);
  }
  if (portal.httpPort === portal.httpsPort) fail('portal/httpsPort', 'must differ from portal/httpPort');
  for (const [name, value] of [
    ['httpPort', portal.httpPort],
    ['httpsPort', portal.httpsPort],
  ] as const) {
    if (RESERVED_PORTS.has(value)) fail(`portal/${name}`, `port ${value} belongs to DNS or DHCP`);
  }

  if (config.sessions.idleTimeoutS > config.sessions.sessionTimeoutS) {
    fail('sessions/idleTimeoutS', 'must not exceed sessions/sessionTimeoutS');
  }
  config.uplink.isolatedRanges.forEach((range, i) => {
    if (!parseCidr(range)) fail(`uplink/isolatedRanges/${i}`, `${range} has host bits set`);
  });
  if (config.uplink.interfaces.includes(config.residents.interface)) {
    fail('residents/interface', 'is also an uplink interface: residents would bypass the portal');
  }
  checkSharingConfig(config, fail);

  const { staff } = config;
  if (staff) {
    const staffNet = checkNetwork(staff, 'staff', fail);
    checkSsid(staff.ssid, 'staff/ssid', fail);
    if (cidrsOverlap(staffNet, residents)) fail('staff/subnet', "overlaps the residents' subnet");
    if (staff.interface === config.residents.interface || staff.interface === config.wifi.interface) {
      fail('staff/interface', "must be its own interface, apart from the residents'");
    }
    if (config.uplink.interfaces.includes(staff.interface)) fail('staff/interface', 'is also an uplink interface');
    if (staff.ssid === config.residents.ssid) fail('staff/ssid', 'must differ from the open SSID');
    checkPassphrase(staff.passphrase, fail);
  }
}

type Fail = (path: string, message: string) => never;

function checkNetwork(net: ResidentsNetworkConfig | StaffNetworkConfig, name: string, fail: Fail): Ipv4Network {
  const subnet = parseCidr(net.subnet) ?? fail(`${name}/subnet`, `${net.subnet} has host bits set`);
  if (subnet.prefix > 29) fail(`${name}/subnet`, 'is too small for a gateway and a DHCP range');
  if (!isHostOf(subnet, net.address)) fail(`${name}/address`, `${net.address} is not a host address of ${net.subnet}`);
  const { start, end } = net.dhcpRange;
  for (const [key, ip] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (!isHostOf(subnet, ip)) fail(`${name}/dhcpRange/${key}`, `${ip} is not a host address of ${net.subnet}`);
  }
  if (ipv4ToInt(start) > ipv4ToInt(end)) fail(`${name}/dhcpRange`, 'start comes after end');
  const pi = ipv4ToInt(net.address);
  if (pi >= ipv4ToInt(start) && pi <= ipv4ToInt(end)) {
    fail(`${name}/dhcpRange`, `contains the Pi's own address ${net.address}`);
  }
  return subnet;
}

function checkSsid(value: string, path: string, fail: Fail): void {
  // hostapd reads ssid= to the end of the line: a control character would cut or forge the file.
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f')) fail(path, 'contains a control character');
  if (Buffer.byteLength(value) > 32) fail(path, 'is over 32 bytes in UTF-8');
}

function checkPassphrase(value: string, fail: Fail): void {
  if (!/^[\x20-\x7e]{8,63}$/.test(value)) fail('staff/passphrase', 'must be 8 to 63 printable ASCII characters');
  if (value !== value.trim()) fail('staff/passphrase', 'must not start or end with a space');
}
