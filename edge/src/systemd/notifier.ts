import { performance } from 'node:perf_hooks';
import { type Clock, systemClock, type TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { type CommandRunner, createExecFileRunner } from '../hotspot/system/command.js';
import { SystemdErrorCode } from './errors.js';
import { readNotifyEnv } from './notify-env.js';

/** One health probe: null while healthy, else the reason the watchdog must not be fed. */
export type HealthProbe = () => string | null;

export interface SystemdNotifierOptions {
  logger: Logger;
  /** Every probe must answer null for a WATCHDOG=1 to go out. */
  health?: readonly HealthProbe[];
  /** Default process.env and process.pid. */
  env?: NodeJS.ProcessEnv;
  pid?: number;
  /** Runs systemd-notify; default execFile with a time limit. */
  runner?: CommandRunner;
  clock?: Clock;
  /** Milliseconds that never jump with the wall clock; default performance.now. */
  monotonic?: () => number;
  /** A ping timer this late means the event loop stalled: the ping is withheld. Default: one ping period. */
  maxLagMs?: number;
}

export interface SystemdNotifier {
  /** False when systemd is not listening (no NOTIFY_SOCKET): every call is then a no-op. */
  readonly enabled: boolean;
  /** The WATCHDOG=1 period, half of WatchdogSec; null when the unit has no watchdog. */
  readonly pingEveryMs: number | null;
  /** READY=1, then WATCHDOG=1 every pingEveryMs while the loop and every probe are healthy. */
  ready(): Promise<void>;
  /** Stops the pings and sends STOPPING=1, so systemd does not take a slow shutdown for a hang. */
  stopping(): Promise<void>;
}

/**
 * systemd-notify waits until systemd has read the message (its sd_notify barrier), so systemd can still
 * attribute it to the unit: the sender is a child of the edge, hence NotifyAccess=all in the unit.
 * 10 s is twice the barrier's own limit.
 */
const SEND_TIMEOUT_MS = 10_000;

/**
 * The edge's side of Type=notify and WatchdogSec=. Node cannot open the AF_UNIX datagram socket that
 * sd_notify(3) speaks, so each notification runs systemd-notify (from systemd itself, always on the Pi).
 * A failed send is logged with EDG_SYSTEMD_NOTIFY_SEND and never stops the service.
 */
export function createSystemdNotifier(options: SystemdNotifierOptions): SystemdNotifier {
  const log = options.logger.child({ module: 'systemd' });
  const env = readNotifyEnv(options.env ?? process.env, options.pid ?? process.pid);
  if (env.problem) log.warn({ code: env.problem.code }, `watchdog off: ${env.problem.detail}`);
  const { socket, pingEveryMs } = env;
  const runner = options.runner ?? createExecFileRunner({ timeoutMs: SEND_TIMEOUT_MS });
  const clock = options.clock ?? systemClock;
  const monotonic = options.monotonic ?? (() => performance.now());
  const probes = options.health ?? [];
  const maxLagMs = options.maxLagMs ?? pingEveryMs ?? 0;

  let timer: TimerHandle | undefined;
  let dueAt = 0;
  let stopped = false;
  let sending = false;
  let sendFailing = false;
  let withheld: string | null = null;

  /** `env NOTIFY_SOCKET=… systemd-notify …`: the socket is explicit, whatever the process environment holds. */
  const send = async (fields: readonly string[]): Promise<void> => {
    if (socket === null) return;
    let failure: string | null = null;
    try {
      const result = await runner.run('env', [`NOTIFY_SOCKET=${socket}`, 'systemd-notify', ...fields]);
      if (result.code !== 0) failure = `exited with ${result.code}: ${result.stderr.trim() || '(no output)'}`;
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    if (failure !== null && !sendFailing) {
      log.warn({ code: SystemdErrorCode.NOTIFY_SEND, fields }, `systemd-notify failed: ${failure}`);
    } else if (failure === null && sendFailing) {
      log.info({ fields }, 'systemd-notify works again');
    }
    sendFailing = failure !== null;
  };

  const unhealthy = (lagMs: number): string | null => {
    if (lagMs > maxLagMs) return `event loop stalled ${Math.round(lagMs)} ms`;
    for (const probe of probes) {
      try {
        const reason = probe();
        if (reason !== null) return reason;
      } catch (err) {
        return `health probe threw: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    return null;
  };

  const schedule = (every: number) => {
    dueAt = monotonic() + every;
    timer = clock.setTimeout(() => tick(every), every);
  };

  const tick = (every: number) => {
    if (stopped) return;
    const lagMs = monotonic() - dueAt;
    // The next ping is booked first, so a slow systemd-notify never pushes the one after it back.
    schedule(every);
    const reason = unhealthy(lagMs);
    if (reason !== null) {
      if (reason !== withheld) log.warn({ event: 'watchdog-withheld' }, `watchdog not fed: ${reason}`);
      withheld = reason;
      return;
    }
    if (withheld !== null) log.info({ event: 'watchdog-fed' }, 'watchdog fed again');
    withheld = null;
    // One systemd-notify at a time: a manager slow to answer must not pile up processes.
    if (sending) return;
    sending = true;
    void send(['WATCHDOG=1']).finally(() => {
      sending = false;
    });
  };

  return {
    enabled: socket !== null,
    pingEveryMs,
    async ready() {
      if (socket === null || stopped) return;
      await send(['READY=1']);
      if (pingEveryMs !== null && !stopped && timer === undefined) schedule(pingEveryMs);
    },
    async stopping() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      await send(['STOPPING=1']);
    },
  };
}

/**
 * The outbox's health as the watchdog sees it: the app's status still reads it (a removed or broken file
 * throws EDG_OUTBOX_IO). A full disk is not a failure here: the pipeline holds those records in memory
 * and retries, and a restart would lose them; doctor reports the disk instead.
 */
export function outboxAnswers(status: () => unknown): HealthProbe {
  return () => {
    try {
      status();
      return null;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return `the outbox does not answer (${typeof code === 'string' ? code : 'unknown error'})`;
    }
  };
}
