import type { EdgeConfig } from '../../config/schema.js';
import type { SerialDeviceConfig } from '../../devices/drivers.js';
import type { DeviceKind } from '../../devices/types.js';

/** The config sections that may hold a serial device, in the order doctor and monitor show them. */
export type SerialSection = 'bms' | 'motor' | 'gps' | 'aux';

export interface SerialDeviceEntry {
  section: SerialSection;
  /** The sample kind the device feeds (how the running service names it). */
  kind: DeviceKind;
  config: SerialDeviceConfig;
  /** French, for the technician: "BMS", "GPS"… */
  label: string;
  /** The stable name the installer's udev rule gives this device (hardware/udev/99-triporteur.rules). */
  udevName: string;
}

const SECTIONS: readonly { section: SerialSection; kind: DeviceKind; label: string; udevName: string }[] = [
  { section: 'bms', kind: 'battery', label: 'BMS', udevName: '/dev/triporteur-bms' },
  { section: 'motor', kind: 'motor', label: 'contrôleur moteur', udevName: '/dev/triporteur-motor' },
  { section: 'gps', kind: 'position', label: 'GPS', udevName: '/dev/triporteur-gps' },
  { section: 'aux', kind: 'aux', label: 'carte Arduino', udevName: '/dev/triporteur-arduino' },
];

/** The configured devices on a serial line; a GPS read through gpsd is not one (gpsd owns its port). */
export function serialDevicesOf(config: Pick<EdgeConfig, 'bms' | 'motor' | 'gps' | 'aux'>): SerialDeviceEntry[] {
  const entries: SerialDeviceEntry[] = [];
  for (const meta of SECTIONS) {
    const section = config[meta.section];
    if (section === undefined || section.type === 'gpsd') continue;
    entries.push({ ...meta, config: section });
  }
  return entries;
}
