import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { LegalLogErrorCode } from '../errors.js';
import type { GapRecord, NatRecord } from '../records.js';
import { parseConntrackLine } from './parse.js';
import { createProcessSpawner, type ProcessExit, type ProcessSpawner, type StreamingProcess } from './spawner.js';

export interface ConntrackSourceOptions {
  /** The residents' IPv4 subnet (CIDR): only their masqueraded connections are logged. */
  subnet: string;
  clock: Clock;
  logger: Logger;
  onRecord: (record: NatRecord | GapRecord) => void;
  spawner?: ProcessSpawner;
  /** The conntrack binary (Debian's conntrack-tools). */
  conntrackPath?: string;
  /** Netlink receive buffer: bigger means fewer events lost to ENOBUFS in a burst. */
  bufferBytes?: number;
  /** First restart delay after conntrack exits; doubles on each quick exit up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A run at least this long counts as healthy: the next restart waits `restartDelayMs` again. */
  stableAfterMs?: number;
}

const DEFAULTS = {
  conntrackPath: 'conntrack',
  bufferBytes: 4 * 1024 * 1024,
  restartDelayMs: 1_000,
  maxRestartDelayMs: 60_000,
  stableAfterMs: 30_000,
};
/** Malformed lines warned about per conntrack run; the rest go to debug so a bad build cannot flood the journal. */
const MAX_LINE_WARNINGS_PER_RUN = 20;
const QUIET_STDERR = /^NOTICE:|flow events have been shown|This message means|Please, check/;

/**
 * The NAT mappings of the residents' connections, from `conntrack -E`. Each NEW and DESTROY becomes a
 * record; a malformed line is a coded warning and is skipped; if conntrack exits it is started again
 * with backoff, and the time it was down is recorded as a gap, so a reader knows what the log cannot say.
 */
export class ConntrackSource {
  private readonly options: ConntrackSourceOptions;
  private readonly settings: typeof DEFAULTS;
  private readonly log: Logger;
  private readonly spawner: ProcessSpawner;
  private child: StreamingProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: TimerHandle | undefined;
  private delayMs: number;
  private startedAt = 0;
  /** When the stream broke: a gap record covers it once conntrack is back. */
  private downSince: number | undefined;
  private lastLineAt: number;
  private lineWarnings = 0;
  private running = false;
  /** How many times conntrack has been started again after an exit (for tests and diagnostics). */
  restarts = 0;

  constructor(options: ConntrackSourceOptions) {
    this.options = options;
    this.settings = {
      conntrackPath: options.conntrackPath ?? DEFAULTS.conntrackPath,
      bufferBytes: options.bufferBytes ?? DEFAULTS.bufferBytes,
      restartDelayMs: options.restartDelayMs ?? DEFAULTS.restartDelayMs,
      maxRestartDelayMs: options.maxRestartDelayMs ?? DEFAULTS.maxRestartDelayMs,
      stableAfterMs: options.stableAfterMs ?? DEFAULTS.stableAfterMs,
    };
    this.delayMs = this.settings.restartDelayMs;
    this.log = options.logger.child({ module: 'legal-log-conntrack' });
    this.spawner = options.spawner ?? createProcessSpawner();
    this.lastLineAt = options.clock.now();
  }

  /** The argv given to conntrack: NEW and DESTROY of source-NATed flows from the residents' subnet. */
  get args(): string[] {
    return [
      '-E',
      '-e',
      'NEW,DESTROY',
      '-o',
      'timestamp,extended',
      '--src-nat',
      '--orig-src',
      this.options.subnet,
      '--buffer-size',
      String(this.settings.bufferBytes),
    ];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.spawnConntrack();
  }

  /** Ends conntrack and any pending restart; resolves once the process has exited. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.restartTimer !== undefined) this.options.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.child?.kill('SIGTERM');
    await this.exited;
  }

  private spawnConntrack(): void {
    const { clock } = this.options;
    const child = this.spawner.spawn(this.settings.conntrackPath, this.args);
    this.child = child;
    this.startedAt = clock.now();
    this.lineWarnings = 0;
    this.exited = new Promise((resolve) => child.onExit(() => resolve()));
    child.onStdoutLine((line) => this.onLine(line));
    child.onStderrLine((line) => this.onStderr(line));
    child.onExit((exit) => this.onExit(child, exit));
    if (this.downSince !== undefined) {
      this.options.onRecord({ kind: 'gap', reason: 'conntrack-down', from: this.downSince, at: clock.now() });
      this.downSince = undefined;
    }
  }

  private onLine(line: string): void {
    this.lastLineAt = this.options.clock.now();
    const parsed = parseConntrackLine(line);
    if (!parsed.ok) {
      // The line names a resident and where they went: only its length is logged, never its text.
      const detail = { event: 'conntrack-line-skipped', code: LegalLogErrorCode.CONNTRACK_LINE, reason: parsed.reason };
      const level = this.lineWarnings < MAX_LINE_WARNINGS_PER_RUN ? 'warn' : 'debug';
      this.lineWarnings += 1;
      this.log[level]({ ...detail, length: line.length }, 'conntrack line not understood: skipped');
      return;
    }
    if (parsed.record !== undefined) this.options.onRecord(parsed.record);
  }

  private onStderr(line: string): void {
    if (/ENOBUFS/.test(line)) {
      const now = this.options.clock.now();
      this.log.warn(
        { event: 'conntrack-events-lost', code: LegalLogErrorCode.CONNTRACK_LOST },
        'the kernel dropped conntrack events (ENOBUFS): a gap is recorded',
      );
      this.options.onRecord({ kind: 'gap', reason: 'events-lost', from: this.lastLineAt, at: now });
      return;
    }
    if (QUIET_STDERR.test(line)) {
      this.log.debug({ event: 'conntrack-stderr', line }, 'conntrack said');
      return;
    }
    this.log.warn({ event: 'conntrack-stderr', line: line.slice(0, 200) }, 'conntrack said');
  }

  private onExit(child: StreamingProcess, exit: ProcessExit): void {
    if (child !== this.child) return;
    this.child = undefined;
    if (!this.running) return;
    const { clock } = this.options;
    const now = clock.now();
    this.downSince ??= now;
    if (now - this.startedAt >= this.settings.stableAfterMs) this.delayMs = this.settings.restartDelayMs;
    const restartInMs = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.settings.maxRestartDelayMs);
    if (exit.startError !== undefined) {
      this.log.error(
        { event: 'conntrack-start-failed', code: LegalLogErrorCode.CONNTRACK_START, err: exit.startError, restartInMs },
        'conntrack could not be started (is conntrack-tools installed?): NAT mappings are not logged',
      );
    } else {
      this.log.warn(
        {
          event: 'conntrack-exited',
          code: LegalLogErrorCode.CONNTRACK_EXIT,
          exitCode: exit.code,
          signal: exit.signal,
          restartInMs,
        },
        'conntrack exited: restarting it, the gap is recorded',
      );
    }
    this.restartTimer = clock.setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.running) return;
      this.restarts += 1;
      this.spawnConntrack();
    }, restartInMs);
  }
}
