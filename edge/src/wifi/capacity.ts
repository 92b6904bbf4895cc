import { readFile, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isInterfaceName } from '../hotspot/system/addresses.js';
import { cyw43455Firmware, type FirmwareInUse } from './firmware.js';

/**
 * How many clients the radio can hold as an access point. The figures are the chip vendor's, published
 * with Raspberry Pi OS's firmware: about 8 with the stock CYW43455 firmware, 19 with the "minimal" build
 * (RPi-Distro/firmware-nonfree, debian/config/brcm80211/cypress/README.txt). Nothing else is measured by
 * this project yet, so any other chip gets the conservative default and a warning.
 */
export const CEILINGS = { cyw43455Standard: 8, cyw43455Minimal: 19, conservativeDefault: 8 } as const;

/**
 * Raspberry Pi boards whose on-board radio is a CYW43455 (device-tree compatible names). Their SDIO
 * function reports 02d0:a9a6, which the kernel's sdio_ids.h names BROADCOM_43430, the Pi 3B and Zero W
 * chip: the id alone cannot tell them apart, the board can.
 */
const CYW43455_BOARDS = new Set([
  'raspberrypi,3-model-b-plus',
  'raspberrypi,3-model-a-plus',
  'raspberrypi,4-model-b',
  'raspberrypi,400',
  'raspberrypi,4-compute-module',
  'raspberrypi,5-model-b',
  'raspberrypi,500',
  'raspberrypi,5-compute-module',
]);
const BROADCOM_SDIO_VENDOR = '02d0';
/** sdio_ids.h: 43430 (a9a6, also the Pi's 43455), 4345 and 43455 (a9bf). */
const BROADCOM_4345_IDS = new Set(['a9a6', '4345', 'a9bf']);

/** USB chipsets on the mainline mt76 driver, which runs an access point with many clients. */
const MT76_USB_DRIVERS: Readonly<Record<string, string>> = {
  mt76x2u: 'MT7612U',
  mt76x0u: 'MT7610U',
  mt7921u: 'MT7921AU',
};

export interface WifiCapacity {
  interface: string;
  bus?: 'sdio' | 'usb' | 'pci';
  /** Hex ids, lower case, as the kernel reports them: "02d0" and "a9a6". */
  vendorId?: string;
  deviceId?: string;
  /** The kernel driver bound to the radio, e.g. brcmfmac. */
  driver?: string;
  /** The first device-tree compatible name, e.g. raspberrypi,4-model-b. */
  board?: string;
  chip?: string;
  firmware?: FirmwareInUse;
  /** Clients the radio can hold at once: feeds hotspot.wifi.maxStations when the config leaves it unset. */
  ceiling: number;
  /** Where the ceiling comes from. */
  basis: 'cyw43455-standard' | 'cyw43455-minimal' | 'conservative-default';
  /** Why the ceiling is a guess, for a warn-level log at start. */
  warnings: string[];
}

export interface CapacityOptions {
  /** The radio hostapd drives. */
  interface: string;
  /** Where /sys, /proc and /lib/firmware are found: "/" on the unit, a temp tree in tests. */
  root?: string;
}

export async function detectWifiCapacity(options: CapacityOptions): Promise<WifiCapacity> {
  const { interface: ifname, root = '/' } = options;
  const guess = (warning: string, found: Partial<WifiCapacity> = {}): WifiCapacity => ({
    interface: ifname,
    ...found,
    ceiling: CEILINGS.conservativeDefault,
    basis: 'conservative-default',
    warnings: [...(found.warnings ?? []), warning],
  });
  if (!isInterfaceName(ifname)) return guess(`not an interface name: ${JSON.stringify(ifname)}`);

  const deviceDir = join(root, 'sys/class/net', ifname, 'device');
  const uevent = await readText(join(deviceDir, 'uevent'));
  if (uevent === undefined) return guess(`no device behind ${ifname} (no such interface, or not a radio)`);
  const device = describeDevice(parseUevent(uevent));
  const driver = device.driver ?? (await driverLink(deviceDir));
  const board = await readBoard(root);
  const found: Partial<WifiCapacity> = { ...device, ...(driver ? { driver } : {}), ...(board ? { board } : {}) };

  const isPiRadio =
    driver === 'brcmfmac' &&
    device.bus === 'sdio' &&
    device.vendorId === BROADCOM_SDIO_VENDOR &&
    BROADCOM_4345_IDS.has(device.deviceId ?? '') &&
    (device.deviceId !== 'a9a6' || (board !== undefined && CYW43455_BOARDS.has(board)));
  if (isPiRadio) {
    const firmware = await cyw43455Firmware(root, board);
    const chip = { ...found, chip: 'CYW43455' };
    if (firmware?.variant === 'minimal') {
      return {
        interface: ifname,
        ...chip,
        firmware,
        ceiling: CEILINGS.cyw43455Minimal,
        basis: 'cyw43455-minimal',
        warnings: [],
      };
    }
    const warnings =
      firmware === undefined
        ? ['no brcmfmac43455-sdio firmware file found: assuming the stock build']
        : firmware.variant === 'other'
          ? [`firmware ${firmware.file} is neither the -standard nor the -minimal build: assuming stock`]
          : [];
    return {
      interface: ifname,
      ...chip,
      ...(firmware ? { firmware } : {}),
      ceiling: CEILINGS.cyw43455Standard,
      basis: 'cyw43455-standard',
      warnings,
    };
  }
  const mt76 = driver === undefined ? undefined : MT76_USB_DRIVERS[driver];
  if (mt76) {
    return guess(
      `${mt76} on ${driver}: its client ceiling is not measured here; test it and set hotspot.wifi.maxStations`,
      { ...found, chip: mt76 },
    );
  }
  return guess(
    `unknown Wi-Fi chip (${driver ?? 'no driver'} ${device.vendorId ?? '?'}:${device.deviceId ?? '?'}): conservative ceiling`,
    found,
  );
}

export function parseUevent(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return values;
}

/** SDIO_ID=02D0:A9A6 (sdio bus), PRODUCT=e8d/7612/100 (usb, hex without padding), PCI_ID=14E4:43A0. */
function describeDevice(uevent: Map<string, string>): Pick<WifiCapacity, 'bus' | 'vendorId' | 'deviceId' | 'driver'> {
  const driver = uevent.get('DRIVER');
  const withDriver = driver ? { driver } : {};
  const pair = (bus: 'sdio' | 'usb' | 'pci', value: string | undefined, separator: string) => {
    const [vendor, device] = (value ?? '').split(separator);
    if (!vendor || !device || !/^[0-9a-fA-F]{1,4}$/.test(vendor) || !/^[0-9a-fA-F]{1,4}$/.test(device))
      return undefined;
    const hex = (id: string) => id.toLowerCase().padStart(4, '0');
    return { bus, vendorId: hex(vendor), deviceId: hex(device), ...withDriver };
  };
  return (
    pair('sdio', uevent.get('SDIO_ID'), ':') ??
    pair('usb', uevent.get('PRODUCT'), '/') ??
    pair('pci', uevent.get('PCI_ID'), ':') ??
    withDriver
  );
}

async function driverLink(deviceDir: string): Promise<string | undefined> {
  try {
    return basename(await readlink(join(deviceDir, 'driver')));
  } catch {
    return undefined;
  }
}

/** /proc/device-tree/compatible: NUL-separated, most specific first ("raspberrypi,4-model-b\0brcm,bcm2711\0"). */
async function readBoard(root: string): Promise<string | undefined> {
  const text = await readText(join(root, 'proc/device-tree/compatible'));
  const first = text?.split('\0')[0]?.trim();
  return first ? first : undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
