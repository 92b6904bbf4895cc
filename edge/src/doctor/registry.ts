import type { DoctorCheck } from './check.js';
import { brokerCheck } from './checks/broker.js';
import { clockCheck } from './checks/clock.js';
import { diskCheck } from './checks/disk.js';
import { modemCheck } from './checks/modem.js';
import { nftRulesetCheck } from './checks/nft-ruleset.js';
import { eventJournalCheck, outboxCheck } from './checks/outbox.js';
import { portalCheck } from './checks/portal.js';
import { sdWearCheck } from './checks/sd-wear.js';
import { serviceChecks } from './checks/services.js';
import { wifiCeilingCheck } from './checks/wifi-ceiling.js';
import type { DoctorContext } from './context.js';
import { liveDeviceChecks } from './live-devices.js';
import { serialChecks } from './serial/index.js';

/** The system around the devices, in the order the table shows it: time, hotspot, uplink, storage. */
const SYSTEM_CHECKS: readonly DoctorCheck<DoctorContext>[] = [
  clockCheck,
  ...serviceChecks,
  nftRulesetCheck,
  portalCheck,
  wifiCeilingCheck,
  brokerCheck,
  outboxCheck,
  eventJournalCheck,
  modemCheck,
  diskCheck,
  sdWearCheck,
];

/**
 * The checks doctor runs for this context. Inside the service (`context.live`), the serial ports belong to
 * its drivers, so the device lines come from the drivers' own link states instead of opening the ports.
 */
export function doctorChecks(context: DoctorContext): DoctorCheck<DoctorContext>[] {
  // The tricycle's own parts first: each serial device's path and answer, and the GPS fix (doctor/serial).
  const devices = context.live ? liveDeviceChecks(context) : serialChecks(context.config);
  return [...devices, ...SYSTEM_CHECKS];
}

/**
 * The checks whose id is one of `ids`, or starts with one followed by "-" (`service` selects
 * service-hostapd and service-dnsmasq). Unknown names are returned for the caller to refuse.
 */
export function selectChecks<C>(
  checks: readonly DoctorCheck<C>[],
  ids: readonly string[],
): { selected: DoctorCheck<C>[]; unknown: string[] } {
  const matches = (check: DoctorCheck<C>, id: string) => check.id === id || check.id.startsWith(`${id}-`);
  return {
    selected: checks.filter((check) => ids.some((id) => matches(check, id))),
    unknown: ids.filter((id) => !checks.some((check) => matches(check, id))),
  };
}
