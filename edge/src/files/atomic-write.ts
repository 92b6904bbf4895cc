import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file so that a reader, or a power cut, sees the old content or the new, never half of either:
 * a hidden temporary beside it, written and fsynced, then renamed over it. `mode` is set exactly, whatever
 * the umask: files holding secrets (the edge config, hostapd.conf) stay 0600. The parent directory is made
 * only when asked (a /run directory gone after a reboot). Throws the write's own error; the temporary is
 * removed on the way out.
 */
export async function writeFileAtomic(
  path: string,
  content: string,
  mode: number,
  options: { createParent?: boolean } = {},
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    if (options.createParent) await mkdir(dirname(path), { recursive: true });
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.chmod(mode);
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (err) {
    // A parent that is not a directory makes rm fail too; the write's failure is the one to report.
    await rm(temporary, { force: true }).catch(() => undefined);
    throw err;
  }
}
