/**
 * Every namespace and temp dir a harness creates carries the owning process id, so a later run can
 * tell a crashed run's leftovers (owner dead) from a parallel run's live topology (owner alive).
 * Interface names live inside the namespaces (uplink, br0, wlan0, c<n>), so they never collide
 * across runs and stay far below the kernel's 15-character limit.
 */
export const NETNS_PREFIX = 'tpn';

let runCounter = 0;

export interface RunNames {
  /** `tpn<pid>x<run>`: the stem of every name of this harness. */
  stem: string;
  ap: string;
  internet: string;
  client(index: number): string;
  /** Prefix for this run's temp dir under os.tmpdir(). */
  tempPrefix: string;
}

export function newRunNames(pid = process.pid): RunNames {
  runCounter += 1;
  const stem = `${NETNS_PREFIX}${pid}x${runCounter}`;
  return {
    stem,
    ap: `${stem}-ap`,
    internet: `${stem}-inet`,
    client: (index) => `${stem}-c${index}`,
    tempPrefix: `${stem}-`,
  };
}

const OWNED_NAME = new RegExp(`^${NETNS_PREFIX}(\\d+)x\\d+-`);

/** The pid that owns a namespace or temp dir name, or undefined for names that are not ours. */
export function ownerPid(name: string): number | undefined {
  const match = OWNED_NAME.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but someone else's; ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
