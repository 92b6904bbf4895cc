import type { HotspotSection } from '../edge-config.js';
import { hotspotConfigOf } from '../edge-config.js';
import { renderDnsmasqConfig } from '../system/dnsmasq.js';
import { renderHostapdConfig } from '../system/hostapd.js';
import { renderRuleset } from '../system/ruleset.js';

/** The files the installer writes for the system services (issue 9), by their names in hardware/hotspot/. */
export interface HotspotFiles {
  /** For dnsmasq, run with TRIPORTEUR_LEASE_EVENTS set to paths.leaseEvents. */
  'dnsmasq.conf': string;
  /** For hostapd; it holds the staff passphrase: write it with mode 0600. */
  'hostapd.conf': string;
  /** The ruleset the edge applies itself at start; on disk for reading, and for `nft -c -f`. */
  'triporteur.nft': string;
}

export function renderHotspotFiles(section: HotspotSection): HotspotFiles {
  const config = hotspotConfigOf(section);
  return {
    'dnsmasq.conf': renderDnsmasqConfig(config),
    'hostapd.conf': renderHostapdConfig(config),
    'triporteur.nft': renderRuleset(config),
  };
}
