import type { HotspotConfig } from '../config.js';
import { intToIpv4, ipv4ToInt } from '../system/addresses.js';

/**
 * One tc class per address of the residents' DHCP range, on every shaped interface. The nft ruleset
 * maps each address to its class (`meta priority set ip daddr map @client_class`), and HTB puts a
 * packet whose skb priority names one of its classes straight into that class: no tc filter at all,
 * and the firewall's own idea of a resident (its address on the residents' subnet) is the only key.
 */

/** The HTB qdisc's major number on every shaped interface. */
export const SHAPER_MAJOR = 1;
/** Traffic that is no resident's (the Pi's own, captive clients', staff's): not shaped. */
export const UNSHAPED_MINOR = 1;
/** Classes per interface at most: HTB copes with far more, but the Pi serves some 20 phones at a time. */
export const MAX_SHAPED_ADDRESSES = 1024;

export interface ClientClass {
  ip: string;
  /** tc's notation, hexadecimal minor: "1:a" for the class of minor 10. */
  classId: string;
  minor: number;
}

export const classIdOf = (minor: number) => `${SHAPER_MAJOR}:${minor.toString(16)}`;

/** The DHCP range's addresses, each with its class (minor 2 for the first address, and so on). */
export function clientClasses(config: HotspotConfig): ClientClass[] {
  const first = ipv4ToInt(config.residents.dhcpRange.start);
  const count = ipv4ToInt(config.residents.dhcpRange.end) - first + 1;
  return Array.from({ length: count }, (_, index) => {
    const minor = UNSHAPED_MINOR + 1 + index;
    return { ip: intToIpv4(first + index), classId: classIdOf(minor), minor };
  });
}

/** How many addresses the DHCP range holds (the classes a ceiling needs, the counters a quota needs). */
export function dhcpRangeSize(config: HotspotConfig): number {
  const { start, end } = config.residents.dhcpRange;
  return ipv4ToInt(end) - ipv4ToInt(start) + 1;
}

export function hasCeilings(config: HotspotConfig): boolean {
  const { perClientDownKbit, perClientUpKbit } = config.bandwidth;
  return perClientDownKbit !== undefined || perClientUpKbit !== undefined;
}

export function hasQuota(config: HotspotConfig): boolean {
  const { bytesPerSession, bytesPerDay } = config.quota;
  return bytesPerSession !== undefined || bytesPerDay !== undefined;
}
