import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ProvisionError, ProvisionErrorCode } from './errors.js';

/** What happened to one file of the bundle. */
export type FileOutcome = 'created' | 'updated' | 'mode' | 'unchanged';

const failed = (what: string, err: unknown) =>
  new ProvisionError(ProvisionErrorCode.WRITE_FAILED, `cannot write ${what}: ${(err as Error).message}`, {
    cause: err,
  });

async function current(path: string): Promise<{ text: string; mode: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, mode: info.mode & 0o7777 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw failed(path, err);
  }
}

/**
 * Writes `text` with `mode` unless the file already holds exactly that: an unchanged file keeps its
 * mtime, which is how a rerun proves it changed nothing. A change goes through a temporary file,
 * fsync, rename and a directory fsync, so a power cut leaves the old file or the new one, never half.
 */
export async function writeIfChanged(path: string, text: string, mode: number): Promise<FileOutcome> {
  const before = await current(path);
  if (before?.text === text) {
    if (before.mode === mode) return 'unchanged';
    await chmod(path, mode).catch((err: unknown) => {
      throw failed(path, err);
    });
    return 'mode';
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // Created 0600 so a secret is never readable by others, even for the instant before chmod.
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    await syncDirectory(dirname(path));
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw failed(path, err);
  }
  return before ? 'updated' : 'created';
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The bundle's directory, private to its owner: it holds the unit's secret. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (((await stat(dir)).mode & 0o777) !== 0o700) await chmod(dir, 0o700);
  } catch (err) {
    throw failed(dir, err);
  }
}

/** A file's text, or undefined when there is none. */
export async function readIfExists(path: string): Promise<string | undefined> {
  return (await current(path))?.text;
}
