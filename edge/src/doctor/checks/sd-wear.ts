import { readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckStatus, DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { fail, frenchNumber, pass, warn } from '../result.js';
import { blockDeviceName, diskOf, mountOf, readMounts } from './mounts.js';

const ID = 'sd-wear';
const FIX =
  "Prévoir le remplacement par une carte industrielle (hardware/BOM.md) ; copier d'abord /etc/triporteur et /var/lib/triporteur.";

/**
 * Signs of wear on the storage the unit writes to, from what the kernel exposes, and nothing invented:
 * - eMMC (and some industrial cards on the mmc driver) report the JEDEC EXT_CSD estimates as
 *   /sys/block/mmcblkN/device/life_time ("0x01 0x02": types A and B, 0x01 = 0–10 % used … 0x0A = 90–100 %,
 *   0x0B = beyond) and pre_eol_info (0x01 normal, 0x02 warning: 80 % of reserved blocks used, 0x03 urgent),
 *   printed by Linux drivers/mmc/core/mmc.c. Plain SD cards have no such attribute (drivers/mmc/core/sd.c);
 * - ext4 keeps lifetime_write_kbytes and errors_count under /sys/fs/ext4/<partition>/ (fs/ext4/sysfs.c);
 * - a data partition remounted read-only (errors=remount-ro after I/O errors) stops the outbox.
 */
export const sdWearCheck: DoctorCheck<DoctorContext> = {
  id: ID,
  title: 'Usure de la carte SD',
  async run(context) {
    const { root } = context;
    const dataDir = await existingParent(dirname(context.config.outbox.path));
    const mount = mountOf((await readMounts(root)) ?? [], dataDir);
    if (!mount) return pass(ID, `montage de ${dataDir} introuvable dans /proc/self/mountinfo : usure non évaluée`);
    if (mount.options.includes('ro')) {
      return fail(
        ID,
        DoctorCode.SD_WEAR,
        `${mount.mountPoint} est en lecture seule : la file d'envoi ne peut plus écrire (souvent une carte qui lâche)`,
        `\`dmesg | grep -i -e mmc -e ext4\` dit pourquoi. ${FIX}`,
      );
    }
    const partition = await blockDeviceName(root, mount);
    if (!partition) return pass(ID, `${mount.source} n'est pas un périphérique bloc : usure non évaluée`);
    const disk = diskOf(partition);
    const facts: string[] = [];
    const levels: CheckStatus[] = [];
    const worsen = (to: CheckStatus) => levels.push(to);

    const device = join(root, 'sys/block', disk, 'device');
    const lifeTime = await readText(join(device, 'life_time'));
    const preEol = await readText(join(device, 'pre_eol_info'));
    if (lifeTime !== undefined || preEol !== undefined) {
      const estimates = (lifeTime ?? '')
        .split(/\s+/)
        .map(hex)
        .filter((n): n is number => n !== undefined);
      const worst = Math.max(0, ...estimates);
      if (worst > 0) {
        facts.push(`${disk} estime son usure à ${lifeBand(worst)}`);
        if (worst >= 0x0a) worsen('fail');
        else if (worst >= 0x06) worsen('warn');
      }
      const eol = preEol === undefined ? undefined : hex(preEol);
      if (eol === 0x02) {
        facts.push('réserve de blocs entamée à 80 % (pre_eol_info 0x02)');
        worsen('warn');
      } else if (eol === 0x03) {
        facts.push('réserve de blocs presque épuisée (pre_eol_info 0x03)');
        worsen('fail');
      }
    } else if (disk.startsWith('mmcblk')) {
      const type = (await readText(join(device, 'type')))?.trim();
      facts.push(`${disk} (${type ?? 'mmc'}) : une carte SD n'expose pas d'estimation d'usure au noyau`);
    } else {
      facts.push(`${disk} n'est pas une carte SD ni une eMMC : pas d'estimation d'usure`);
    }

    const ext4 = join(root, 'sys/fs/ext4', partition);
    const written = number(await readText(join(ext4, 'lifetime_write_kbytes')));
    if (written !== undefined) facts.push(`${volume(written)} écrits sur ${partition} depuis son formatage`);
    const errors = number(await readText(join(ext4, 'errors_count')));
    if (errors !== undefined && errors > 0) {
      facts.push(`${frenchNumber(errors)} erreur(s) du système de fichiers enregistrée(s)`);
      worsen('warn');
    }

    const detail = facts.join(' ; ');
    if (levels.includes('fail')) return fail(ID, DoctorCode.SD_WEAR, detail, FIX);
    if (levels.includes('warn')) return warn(ID, DoctorCode.SD_WEAR, detail, FIX);
    return pass(ID, detail);
  },
};

/** JEDEC DEVICE_LIFE_TIME_EST: 0x01 = 0–10 % of the rated life used, each step 10 %, 0x0B = beyond it. */
function lifeBand(value: number): string {
  if (value >= 0x0b) return 'plus de 100 % de sa durée de vie';
  return `${(value - 1) * 10}–${value * 10} % de sa durée de vie`;
}

function hex(text: string): number | undefined {
  const match = /^(?:0x)?([0-9a-f]{1,2})$/i.exec(text.trim());
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 16);
}

function number(text: string | undefined): number | undefined {
  const value = text === undefined ? Number.NaN : Number(text.trim());
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

const volume = (kib: number) =>
  kib >= 1024 ** 3 ? `${frenchNumber(kib / 1024 ** 3, 1)} Tio` : `${frenchNumber(kib / 1024 ** 2, 1)} Gio`;

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function existingParent(path: string): Promise<string> {
  for (let current = path; ; current = dirname(current)) {
    try {
      return await realpath(current);
    } catch {
      if (dirname(current) === current) return current;
    }
  }
}
