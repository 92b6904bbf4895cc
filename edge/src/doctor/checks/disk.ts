import type { StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { fail, frenchNumber, pass, warn } from '../result.js';

/** hardware/TROUBLESHOOTING.md: under 10 % free is worth clearing; under 3 % the outbox soon cannot grow. */
export const DISK_WARN_FREE = 0.1;
export const DISK_FAIL_FREE = 0.03;

const ID = 'disk';

/** Free space where the unit writes: the outbox, the events journal, captures and the legal log. */
export const diskCheck: DoctorCheck<DoctorContext> = {
  id: ID,
  title: 'Espace libre sur la partition des données',
  async run(context) {
    const dataDir = dirname(context.config.outbox.path);
    const found = await statfsUp(dataDir);
    if (!found) {
      return fail(ID, DoctorCode.DISK_LOW, `${dataDir} et ses parents sont illisibles`, 'Lancer doctor en root.');
    }
    const { path, stats } = found;
    const total = stats.blocks * stats.bsize;
    const free = stats.bavail * stats.bsize;
    const share = stats.blocks > 0 ? stats.bavail / stats.blocks : 0;
    const detail = `${frenchNumber(share * 100, 1)} % libres sur ${path} (${gib(free)} sur ${gib(total)})`;
    const fix = `\`du -sh ${dataDir}/*\` ; supprimer les anciennes captures (${dataDir}/captures) ; le journal système est plafonné par hardware/journald.`;
    if (share < DISK_FAIL_FREE) return fail(ID, DoctorCode.DISK_LOW, detail, fix);
    if (share < DISK_WARN_FREE) return warn(ID, DoctorCode.DISK_LOW, detail, fix);
    return pass(ID, detail);
  },
};

const gib = (bytes: number) =>
  bytes >= 1024 ** 3 ? `${frenchNumber(bytes / 1024 ** 3, 1)} Gio` : `${frenchNumber(bytes / 1024 ** 2)} Mio`;

/** A unit that never ran has no data directory yet: the partition that will hold it is what counts. */
async function statfsUp(path: string): Promise<{ path: string; stats: StatsFs } | undefined> {
  for (let current = path; ; current = dirname(current)) {
    try {
      return { path: current, stats: await statfs(current) };
    } catch {
      if (dirname(current) === current) return undefined;
    }
  }
}
