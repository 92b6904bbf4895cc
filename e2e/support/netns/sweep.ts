import { execFileSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, NETNS_PREFIX, ownerPid } from './names.js';
import { mapLimit, runCommand } from './run.js';

const NETNS_DIR = '/run/netns';

/** Namespace names under /run/netns (what `ip netns list` shows), without spawning anything. */
export async function listNamespaces(): Promise<string[]> {
  try {
    return (await readdir(NETNS_DIR)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Kills whatever still runs inside a namespace: daemons that forked away, browser children. */
async function killInside(ns: string): Promise<void> {
  const { stdout } = await runCommand('ip', ['netns', 'pids', ns], { allowFailure: true });
  for (const pid of stdout.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone between the listing and the kill.
    }
  }
}

/** Empties and deletes namespaces; the veth pairs and bridges inside go with them. */
export async function destroyNamespaces(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await mapLimit(names, 8, killInside);
  // -force keeps going past a name that is already gone.
  await runCommand('ip', ['-force', '-batch', '-'], {
    input: names.map((ns) => `netns delete ${ns}\n`).join(''),
    allowFailure: true,
  });
}

/** The synchronous last resort for process exit, when no promise will ever be awaited. */
export function destroyNamespacesSync(names: readonly string[]): void {
  for (const ns of names) {
    try {
      const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      for (const pid of pids.split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // The namespace or the process is already gone.
    }
  }
  try {
    execFileSync('ip', ['-force', '-batch', '-'], {
      input: names.map((ns) => `netns delete ${ns}\n`).join(''),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  } catch {
    // Nothing left to delete.
  }
}

export interface SweepReport {
  namespaces: string[];
  tempDirs: string[];
}

/**
 * Removes what earlier runs left behind when they crashed: namespaces and temp dirs with our
 * prefix whose owning process is dead. Live owners (parallel test files) are never touched.
 */
export async function sweepStale(): Promise<SweepReport> {
  const stale = (name: string) => {
    const pid = ownerPid(name);
    return pid !== undefined && !isAlive(pid);
  };
  const namespaces = (await listNamespaces()).filter(stale);
  await destroyNamespaces(namespaces);
  const base = tmpdir();
  const tempDirs = (await readdir(base)).filter((name) => name.startsWith(NETNS_PREFIX) && stale(name));
  for (const dir of tempDirs) await rm(join(base, dir), { recursive: true, force: true });
  return { namespaces, tempDirs };
}
