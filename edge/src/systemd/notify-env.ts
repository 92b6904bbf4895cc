import { SystemdErrorCode } from './errors.js';

/** What systemd asked of this process, read from the environment it started it with (sd_notify(3)). */
export interface NotifyEnv {
  /** NOTIFY_SOCKET; null when systemd is not listening (started by hand, or Type=simple). */
  socket: string | null;
  /** How often to send WATCHDOG=1: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises; null when off. */
  pingEveryMs: number | null;
  /** Why the watchdog is off although systemd set WATCHDOG_USEC; logged once with this code. */
  problem?: { code: SystemdErrorCode; detail: string };
}

const DIGITS = /^[0-9]{1,16}$/;

/**
 * Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID the way sd_watchdog_enabled(3) does: the watchdog
 * is ours only when WATCHDOG_PID is unset or names this process (a child must not inherit the duty).
 */
export function readNotifyEnv(env: NodeJS.ProcessEnv, pid: number): NotifyEnv {
  const socket = env.NOTIFY_SOCKET ? env.NOTIFY_SOCKET : null;
  const usec = env.WATCHDOG_USEC;
  if (socket === null || usec === undefined || usec === '') return { socket, pingEveryMs: null };
  const owner = env.WATCHDOG_PID;
  if (owner !== undefined && owner !== '') {
    if (!DIGITS.test(owner)) return off(socket, `WATCHDOG_PID=${JSON.stringify(owner)} is not a process id`);
    if (Number(owner) !== pid) return { socket, pingEveryMs: null };
  }
  if (!DIGITS.test(usec) || Number(usec) === 0) {
    return off(socket, `WATCHDOG_USEC=${JSON.stringify(usec)} is not a positive number of microseconds`);
  }
  // Never below 1 ms: a 1 µs watchdog is a misconfiguration, but a busy loop of pings would be worse.
  return { socket, pingEveryMs: Math.max(1, Math.floor(Number(usec) / 2000)) };
}

function off(socket: string, detail: string): NotifyEnv {
  return { socket, pingEveryMs: null, problem: { code: SystemdErrorCode.NOTIFY_ENV, detail } };
}
