/**
 * Strict parsers for the few address shapes that reach system commands and config files. Anything
 * that goes into an nft command, dnsmasq.conf or hostapd.conf passes through one of these first, so no
 * untrusted text is ever interpolated: a value either matches exactly or is refused.
 */

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const CIDR = new RegExp(`^(${OCTET}(?:\\.${OCTET}){3})/(3[0-2]|[12]?[0-9])$`);
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
/** Linux interface names: at most 15 bytes (IFNAMSIZ), no slash, no space, no quote. */
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
/** Network namespace names used by tests and the harness: a file name under /run/netns. */
const NETNS = /^[A-Za-z0-9_.-]{1,64}$/;

export const IPV4_PATTERN = IPV4.source;
export const CIDR_PATTERN = CIDR.source;
export const IFNAME_PATTERN = IFNAME.source;

/** Dotted-quad IPv4 without leading zeros ("010.1.1.1" is refused: some tools read it as octal). */
export function isIpv4(value: unknown): value is string {
  return typeof value === 'string' && IPV4.test(value);
}

export function isInterfaceName(value: unknown): value is string {
  return typeof value === 'string' && IFNAME.test(value) && value !== '.' && value !== '..';
}

export function isNetnsName(value: unknown): value is string {
  return typeof value === 'string' && NETNS.test(value) && value !== '.' && value !== '..';
}

/** Lower-case colon-separated MAC, or undefined. Upper case is accepted and folded. */
export function normalizeMac(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return MAC.test(lower) ? lower : undefined;
}

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Ipv4Network {
  /** The network address, normalised (host bits cleared). */
  network: string;
  prefix: number;
  /** First and last address of the block, as integers. */
  first: number;
  last: number;
}

/** Parses "a.b.c.d/n"; host bits must be zero, so "10.42.0.1/24" is refused as a subnet. */
export function parseCidr(value: unknown): Ipv4Network | undefined {
  if (typeof value !== 'string') return undefined;
  const match = CIDR.exec(value);
  if (!match?.[1] || match[2] === undefined) return undefined;
  const prefix = Number(match[2]);
  const size = 2 ** (32 - prefix);
  const base = ipv4ToInt(match[1]);
  if (base % size !== 0) return undefined;
  return { network: match[1], prefix, first: base, last: base + size - 1 };
}

export function cidrContains(net: Ipv4Network, ip: string): boolean {
  const value = ipv4ToInt(ip);
  return value >= net.first && value <= net.last;
}

/** A usable host address of the block: inside it, and neither its network nor its broadcast address. */
export function isHostOf(net: Ipv4Network, ip: string): boolean {
  const value = ipv4ToInt(ip);
  return value > net.first && value < net.last;
}

export function cidrsOverlap(a: Ipv4Network, b: Ipv4Network): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Dotted netmask of a prefix length, as dnsmasq's dhcp-range wants it. */
export function prefixToNetmask(prefix: number): string {
  return intToIpv4(2 ** 32 - 2 ** (32 - prefix));
}
