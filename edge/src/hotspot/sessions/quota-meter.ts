import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { QuotaPort, Unsubscribe } from './ports.js';
import { describeFailure } from './scrub.js';

export interface QuotaLimits {
  /** Bytes down + up one session may move. */
  bytesPerSession?: number;
  /** Bytes down + up one device may move per local day, over all its sessions. */
  bytesPerDay?: number;
}

export interface QuotaMeterOptions {
  limits: QuotaLimits;
  /** The kernel's running byte count per address (sharing/usage.ts): only differences are used. */
  readUsage: () => Promise<ReadonlyMap<string, number>>;
  clock: Clock;
  /** The local day of an instant (LocalDay.key): the daily allowance restarts when it changes. */
  dayOf: (at: number) => string;
  logger: Logger;
  /** How often the counters are read while running. */
  checkIntervalMs: number;
}

interface Metered {
  device: string;
  used: number;
  /** The kernel's count at the last read; undefined until a read that began after the session opened. */
  last: number | undefined;
  /** Reads started before the session opened; only a later one may set its baseline. */
  openedAfterRead: number;
}

/**
 * Volume quotas over the kernel's per-address counters. The session layer tells it when sessions open
 * and close (the hooks of QuotaPort); it reads the counters every few seconds, charges each session and
 * its device's day, and reports the addresses whose allowance is used up, which the session layer then
 * ends with reason 'quota'. Devices are held by MAC in memory only, and forgotten at local midnight.
 */
export class QuotaMeter implements QuotaPort {
  private readonly sessions = new Map<string, Metered>();
  private dayUsed = new Map<string, number>();
  private day: string;
  private readonly listeners = new Set<(ip: string) => void>();
  private queue: Promise<void> = Promise.resolve();
  private readsStarted = 0;
  private timer: TimerHandle | undefined;
  private running = false;
  private readonly log: Logger;

  constructor(private readonly options: QuotaMeterOptions) {
    this.day = options.dayOf(options.clock.now());
    this.log = options.logger.child({ module: 'hotspot-quota' });
  }

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
  }

  opened(ip: string, device: string | undefined): void {
    this.sessions.set(ip, {
      device: device ?? `ip:${ip}`,
      used: 0,
      last: undefined,
      openedAfterRead: this.readsStarted,
    });
    // The baseline: whatever the address moved before this session (its previous holder) is not charged.
    void this.poll();
  }

  closed(ip: string): void {
    this.sessions.delete(ip);
  }

  admits(device: string): boolean {
    const { bytesPerDay } = this.options.limits;
    this.rollIfNewDay();
    return bytesPerDay === undefined || (this.dayUsed.get(device) ?? 0) < bytesPerDay;
  }

  bytesRemaining(ip: string): number | undefined {
    const session = this.sessions.get(ip);
    if (session === undefined) return undefined;
    this.rollIfNewDay();
    const { bytesPerSession, bytesPerDay } = this.options.limits;
    const left = [
      ...(bytesPerSession === undefined ? [] : [bytesPerSession - session.used]),
      ...(bytesPerDay === undefined ? [] : [bytesPerDay - (this.dayUsed.get(session.device) ?? 0)]),
    ];
    return left.length === 0 ? undefined : Math.max(0, Math.min(...left));
  }

  onExhausted(listener: (ip: string) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One read of the counters, after any read in flight; resolves when every session is charged. */
  poll(): Promise<void> {
    const read = this.queue.then(() => this.readOnce());
    this.queue = read.catch((err: unknown) => {
      this.log.warn({ event: 'quota-read-failed', failure: describeFailure(err) }, 'could not read the byte counters');
    });
    return read;
  }

  private async readOnce(): Promise<void> {
    const read = ++this.readsStarted;
    const usage = await this.options.readUsage();
    this.rollIfNewDay();
    for (const [ip, session] of this.sessions) {
      const now = usage.get(ip) ?? 0;
      if (session.last === undefined) {
        if (session.openedAfterRead < read) session.last = now;
        continue;
      }
      // A count below the last one: the ruleset was replaced and the kernel started again from zero.
      const moved = now >= session.last ? now - session.last : now;
      session.last = now;
      session.used += moved;
      this.dayUsed.set(session.device, (this.dayUsed.get(session.device) ?? 0) + moved);
    }
    for (const ip of [...this.sessions.keys()]) {
      if (this.bytesRemaining(ip) === 0) for (const listener of this.listeners) listener(ip);
    }
  }

  private rollIfNewDay(): void {
    const day = this.options.dayOf(this.options.clock.now());
    if (day === this.day) return;
    this.day = day;
    this.dayUsed = new Map();
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => {
      void this.poll()
        .catch(() => undefined)
        .finally(() => {
          if (this.running) this.schedule();
        });
    }, this.options.checkIntervalMs);
  }
}
