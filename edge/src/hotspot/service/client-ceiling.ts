import type { Logger } from 'pino';
import { detectWifiCapacity } from '../../wifi/capacity.js';
import type { HotspotSection } from '../edge-config.js';
import { ipv4ToInt } from '../system/addresses.js';

/**
 * How many sessions the hotspot accepts at once: `hotspot.wifi.maxStations` when set; otherwise the
 * ceiling of the radio found behind the interface (8 with the Pi's stock CYW43455 firmware, 19 with the
 * minimal one: REFERENCE §2), never more than the DHCP pool; with no radio there (a bridge, a test
 * namespace), the pool. The portal refuses politely beyond it and counts the refusal.
 */
export async function clientCeiling(section: HotspotSection, options: { root?: string; log: Logger }): Promise<number> {
  const { start, end } = section.residents.dhcpRange;
  const pool = ipv4ToInt(end) - ipv4ToInt(start) + 1;
  if (section.wifi.maxStations !== undefined) return section.wifi.maxStations;
  const radio = await detectWifiCapacity({
    interface: section.wifi.interface,
    ...(options.root === undefined ? {} : { root: options.root }),
  });
  if (radio.bus === undefined) {
    options.log.info(
      { event: 'wifi-capacity', interface: radio.interface },
      'no radio behind the interface: the DHCP pool is the ceiling',
    );
    return pool;
  }
  for (const warning of radio.warnings) options.log.warn({ event: 'wifi-capacity' }, warning);
  const ceiling = Math.min(radio.ceiling, pool);
  options.log.info(
    { event: 'wifi-capacity', chip: radio.chip, driver: radio.driver, basis: radio.basis, ceiling },
    'client ceiling from the radio',
  );
  return ceiling;
}
