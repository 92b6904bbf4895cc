import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { StationEvent, StationSource, Unsubscribe } from '../sessions/ports.js';
import { describeFailure } from '../sessions/scrub.js';
import type { CommandRunner } from '../system/command.js';
import { hostapdCliCommand, parseAllSta, parseHostapdEvent } from '../system/hostapd-events.js';

export interface HostapdStationsOptions {
  /** hostapd's control directory (wifi.controlDir). */
  controlDir: string;
  /** The residents' BSS, the radio's first (wifi.interface); the staff BSS is never read. */
  iface: string;
  /** Runs the one-shot `hostapd_cli all_sta` listings. */
  runner: CommandRunner;
  clock: Clock;
  logger: Logger;
  /** The first restart delay after hostapd_cli exits; it doubles up to restartMaxMs. */
  restartMinMs?: number;
  restartMaxMs?: number;
  /** A hostapd_cli that ran this long before it died is restarted at the first delay again. */
  stableMs?: number;
}

/** hostapd_cli prints this once attached (before, it retries the connection every second). */
const ATTACHED = /^Interactive mode\s*$/;
const STOP_GRACE_MS = 2000;

/**
 * The session layer's StationSource over hostapd: a long-running `hostapd_cli` attached to the
 * residents' BSS streams station joins and leaves. It is restarted with a growing delay if it dies, and
 * whenever it (re)attaches, or says its link to hostapd came back, the stations are listed again with
 * `all_sta`: those gone meanwhile are reported as left, those new as joined.
 */
export class HostapdStations implements StationSource {
  private readonly options: HostapdStationsOptions;
  private readonly log: Logger;
  private readonly listeners = new Set<(event: StationEvent) => void>();
  private present = new Set<string>();
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private delayMs: number;
  private restartTimer: TimerHandle | undefined;
  private listing: Promise<void> = Promise.resolve();
  private running = false;

  constructor(options: HostapdStationsOptions) {
    this.options = options;
    this.delayMs = options.restartMinMs ?? 1000;
    this.log = options.logger.child({ module: 'hotspot-stations' });
  }

  onStation(listener: (event: StationEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The stations associated now; those hostapd cannot list (not running yet) are caught up on attach. */
  async snapshot(): Promise<readonly string[]> {
    const macs = await this.list();
    if (macs !== undefined) this.present = new Set(macs);
    return [...this.present];
  }

  start(): void {
    this.running = true;
    this.spawnCli();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.restartTimer !== undefined) this.options.clock.clearTimeout(this.restartTimer);
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'close');
      // hostapd_cli leaves at the end of its stdin; the signal is for one that does not.
      child.stdin?.end();
      child.kill('SIGTERM');
      // A real timer, not the injected clock: the process must die even under a test's manual clock.
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await this.listing;
  }

  private spawnCli(): void {
    const { file, args } = hostapdCliCommand(this.options.controlDir, this.options.iface);
    // stdin stays open: interactive hostapd_cli would exit at its end.
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.startedAt = this.options.clock.now();
    child.stdin?.on('error', () => undefined);
    child.stderr?.resume();
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => this.onLine(line));
    let gone = false;
    const onGone = (reason: Record<string, unknown>) => {
      if (gone) return;
      gone = true;
      if (this.child === child) this.child = undefined;
      this.scheduleRestart(reason);
    };
    child.once('error', (err) => onGone({ failure: describeFailure(err) }));
    child.once('close', (code, signal) => onGone({ code, signal }));
  }

  private scheduleRestart(reason: Record<string, unknown>): void {
    if (!this.running) return;
    const { clock } = this.options;
    if (clock.now() - this.startedAt >= (this.options.stableMs ?? 30_000)) {
      this.delayMs = this.options.restartMinMs ?? 1000;
    }
    const delayMs = this.delayMs;
    this.delayMs = Math.min(delayMs * 2, this.options.restartMaxMs ?? 60_000);
    this.log.warn({ event: 'hostapd-cli-exited', ...reason, restartInMs: delayMs }, 'hostapd_cli stopped; restarting');
    this.restartTimer = clock.setTimeout(() => {
      if (this.running) this.spawnCli();
    }, delayMs);
  }

  private onLine(line: string): void {
    if (ATTACHED.test(line)) {
      this.relist();
      return;
    }
    const parsed = parseHostapdEvent(line);
    if (!parsed.ok) return;
    const event = parsed.value;
    switch (event.type) {
      case 'connected':
      case 'disconnected':
        if (event.interface !== null && event.interface !== this.options.iface) return;
        if (event.type === 'connected') this.present.add(event.mac);
        else this.present.delete(event.mac);
        this.emit({ type: event.type, mac: event.mac });
        return;
      case 'link-lost':
        this.log.warn({ event: 'hostapd-link-lost' }, 'hostapd_cli lost its link to hostapd');
        return;
      case 'link-restored':
        this.log.info({ event: 'hostapd-link-restored' }, 'hostapd_cli attached to hostapd again');
        this.relist();
        return;
      default:
        return;
    }
  }

  /** Lists the stations and reports the difference with what the events said; one listing at a time. */
  private relist(): void {
    this.listing = this.listing.then(async () => {
      const macs = await this.list();
      if (macs === undefined || !this.running) return;
      const now = new Set(macs);
      const before = this.present;
      this.present = now;
      for (const mac of before) if (!now.has(mac)) this.emit({ type: 'disconnected', mac });
      for (const mac of now) if (!before.has(mac)) this.emit({ type: 'connected', mac });
    });
  }

  private async list(): Promise<string[] | undefined> {
    const { controlDir, iface, runner } = this.options;
    try {
      const result = await runner.run('hostapd_cli', [`-p${controlDir}`, `-i${iface}`, 'all_sta']);
      if (result.code === 0) return parseAllSta(result.stdout);
      this.log.warn({ event: 'all-sta-failed', code: result.code }, 'hostapd_cli all_sta failed: is hostapd up?');
    } catch (err) {
      this.log.warn({ event: 'all-sta-failed', failure: describeFailure(err) }, 'hostapd_cli all_sta failed');
    }
    return undefined;
  }

  private emit(event: StationEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
