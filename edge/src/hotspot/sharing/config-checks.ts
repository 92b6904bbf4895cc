import type { HotspotConfig } from '../config.js';
import { ALLOWED_SET_SIZE } from '../system/ruleset.js';
import { dhcpRangeSize, hasCeilings, hasQuota, MAX_SHAPED_ADDRESSES } from './client-classes.js';

/** The kernel's per-address usage sets hold this many addresses (ruleset.ts). */
export const MAX_METERED_ADDRESSES = ALLOWED_SET_SIZE;

/**
 * What the sharing options need of the rest of the config: a class per DHCP address for the ceilings
 * and a counter per DHCP address for the quotas, so the range must fit both.
 */
export function checkSharingConfig(config: HotspotConfig, fail: (path: string, message: string) => never): void {
  const size = dhcpRangeSize(config);
  if (hasCeilings(config) && size > MAX_SHAPED_ADDRESSES) {
    fail('residents/dhcpRange', `holds ${size} addresses; per-client ceilings shape at most ${MAX_SHAPED_ADDRESSES}`);
  }
  if (hasQuota(config) && size > MAX_METERED_ADDRESSES) {
    fail('residents/dhcpRange', `holds ${size} addresses; quotas count at most ${MAX_METERED_ADDRESSES}`);
  }
}
