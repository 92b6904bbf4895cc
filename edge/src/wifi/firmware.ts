import { lstat, readlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/**
 * Follows a chain of symlinks inside `root` as the system would from `/`: an absolute target (such as
 * /etc/alternatives/cyfmac43455-sdio.bin) is read under `root`, so a test tree in a temp directory never
 * reaches the real /etc. Returns the final path as seen from the unit ("/lib/firmware/…"), or undefined
 * when the chain ends at nothing, loops, or runs past 16 links.
 */
export async function resolveUnder(root: string, path: string): Promise<string | undefined> {
  let current = join(root, path);
  for (let hops = 0; hops <= 16; hops++) {
    let stats: Awaited<ReturnType<typeof lstat>>;
    try {
      stats = await lstat(current);
    } catch {
      return undefined;
    }
    if (!stats.isSymbolicLink()) return `/${relative(root, current).split(sep).join('/')}`;
    const target = await readlink(current);
    current = target.startsWith('/') ? join(root, target) : join(dirname(current), target);
  }
  return undefined;
}

export type FirmwareVariant = 'standard' | 'minimal' | 'other';

export interface FirmwareInUse {
  /** The file the driver loads, symlinks followed: "/lib/firmware/cypress/cyfmac43455-sdio-minimal.bin". */
  file: string;
  /** Raspberry Pi OS ships both CYW43455 builds as cyfmac43455-sdio-{standard,minimal}.bin. */
  variant: FirmwareVariant;
}

/**
 * The CYW43455 firmware brcmfmac will load: it asks first for the board's own file
 * (brcmfmac43455-sdio.<board>.bin, board from the device tree), then the generic one. On Raspberry Pi OS
 * both are symlinks to ../cypress/cyfmac43455-sdio.bin, which update-alternatives points at the
 * -standard or -minimal build. It is the file of the next driver load: a switch takes effect at reboot.
 */
export async function cyw43455Firmware(root: string, board: string | undefined): Promise<FirmwareInUse | undefined> {
  const names = [
    ...(board ? [`/lib/firmware/brcm/brcmfmac43455-sdio.${board}.bin`] : []),
    '/lib/firmware/brcm/brcmfmac43455-sdio.bin',
  ];
  for (const name of names) {
    const file = await resolveUnder(root, name);
    if (file === undefined) continue;
    const base = file.slice(file.lastIndexOf('/') + 1);
    const variant: FirmwareVariant = base.includes('-minimal')
      ? 'minimal'
      : base.includes('-standard')
        ? 'standard'
        : 'other';
    return { file, variant };
  }
  return undefined;
}
