import { readFile } from 'node:fs/promises';
import { runCommand } from './run.js';

/** Linux reports process CPU in clock ticks; USER_HZ is 100 on every Debian architecture. */
const TICK_MS = 10;

/**
 * CPU time (user + system) a process has used, plus that of its children it has waited for:
 * a portal that forks a shell helper per request (as openNDS does) is charged for the helpers.
 * Undefined when the process is gone.
 */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3; utime, stime, cutime, cstime are fields 14-17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
    return ticks * TICK_MS;
  } catch {
    return undefined;
  }
}

/**
 * CPU time used so far by every process running in a namespace (e.g. the AP side of a portal:
 * the web server, dnsmasq, helpers). Take it before and after a step and subtract. A process
 * that exits in between takes its share with it unless its parent in the namespace waited for it;
 * a server the test process hosts through Namespace.listen is counted by process.cpuUsage() instead.
 */
export async function namespaceCpuMs(namespace: string): Promise<number> {
  const { stdout } = await runCommand('ip', ['netns', 'pids', namespace]);
  const pids = stdout.split(/\s+/).filter(Boolean).map(Number);
  const each = await Promise.all(pids.map(processCpuMs));
  return each.reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
}
