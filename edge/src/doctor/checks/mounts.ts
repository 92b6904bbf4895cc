import { readFile, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** One line of /proc/self/mountinfo, the fields doctor needs. */
export interface Mount {
  /** "179:2": the block device's numbers, also the name of its /sys/dev/block link. */
  majorMinor: string;
  mountPoint: string;
  /** Per-mount options ("rw,noatime"). */
  options: string[];
  fsType: string;
  source: string;
}

/**
 * Parses /proc/self/mountinfo (proc(5)): "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw",
 * optional fields up to the lone "-", paths with spaces written \040. Lines that do not fit are skipped.
 */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    const [, , majorMinor, , mountPoint, options] = fields;
    const fsType = fields[dash + 1];
    const source = fields[dash + 2];
    if (dash < 0 || !majorMinor || !mountPoint || !options || !fsType || source === undefined) continue;
    mounts.push({ majorMinor, mountPoint: unescapeOctal(mountPoint), options: options.split(','), fsType, source });
  }
  return mounts;
}

const unescapeOctal = (path: string) =>
  path.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));

/** The mount holding `path`: the longest mount point that is `path` or one of its parents (the last one wins). */
export function mountOf(mounts: readonly Mount[], path: string): Mount | undefined {
  let best: Mount | undefined;
  for (const mount of mounts) {
    const point = mount.mountPoint;
    const inside = point === '/' || path === point || path.startsWith(`${point}/`);
    if (inside && (!best || point.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

export async function readMounts(root: string): Promise<Mount[] | undefined> {
  try {
    return parseMountinfo(await readFile(join(root, 'proc/self/mountinfo'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The kernel's name of a mount's block device ("mmcblk0p2"), from /sys/dev/block/<major:minor>. */
export async function blockDeviceName(root: string, mount: Mount): Promise<string | undefined> {
  try {
    return basename(await readlink(join(root, 'sys/dev/block', mount.majorMinor)));
  } catch {
    return mount.source.startsWith('/dev/') ? basename(mount.source) : undefined;
  }
}

/** The whole disk of a partition: mmcblk0p2 → mmcblk0, sda1 → sda, nvme0n1p2 → nvme0n1. */
export function diskOf(partition: string): string {
  return (
    /^(mmcblk\d+)(?:p\d+)?$/.exec(partition)?.[1] ??
    /^(nvme\d+n\d+)(?:p\d+)?$/.exec(partition)?.[1] ??
    /^((?:sd|vd|hd)[a-z]+)\d*$/.exec(partition)?.[1] ??
    partition
  );
}
