import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { SerialDeviceEntry } from './devices.js';
import { fixes } from './texts.js';

/** Names the kernel hands out in plugging order: the BMS may be ttyUSB0 today and ttyUSB1 tomorrow. */
const UNSTABLE_NAME = /(^|\/)tty(USB|ACM)\d+$/;

/** Where udev lists adapters by vendor, model and serial number: names that survive a replug. */
export const BY_ID_DIR = '/dev/serial/by-id';

/** The configured path exists, is a character device, and is a name that stays with the device. */
export async function checkPath(entry: SerialDeviceEntry, id: string, byIdDir = BY_ID_DIR): Promise<CheckResult> {
  const path = entry.config.path;
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) {
    return {
      id,
      status: 'fail',
      code: DoctorCode.SERIAL_MISSING,
      detail: `${path} n'existe pas`,
      fix: fixes.missing(entry),
    };
  }
  if (!info.isCharacterDevice()) {
    return {
      id,
      status: 'fail',
      code: DoctorCode.SERIAL_MISSING,
      detail: `${path} n'est pas un périphérique`,
      fix: fixes.notADevice(entry),
    };
  }
  const target = await realpath(path).catch(() => path);
  const shown = target === path ? path : `${path} → ${target}`;
  if (UNSTABLE_NAME.test(path)) {
    return {
      id,
      status: 'warn',
      code: DoctorCode.SERIAL_UNSTABLE,
      detail: `${path} : nom donné dans l'ordre de branchement, pas un nom stable`,
      fix: fixes.unstable(entry, await byIdNameOf(target, byIdDir)),
    };
  }
  return { id, status: 'pass', code: DoctorCode.OK, detail: shown };
}

/** The /dev/serial/by-id link that points at the same device, to suggest it. */
async function byIdNameOf(target: string, byIdDir: string): Promise<string | undefined> {
  const names = await readdir(byIdDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const link = join(byIdDir, name);
    if ((await realpath(link).catch(() => undefined)) === target) return link;
  }
  return undefined;
}
