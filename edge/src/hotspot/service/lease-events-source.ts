import { type FSWatcher, watch } from 'node:fs';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { LeaseEvent, LeaseSource, Unsubscribe } from '../sessions/ports.js';
import { describeFailure } from '../sessions/scrub.js';
import { cidrContains, type Ipv4Network, parseCidr } from '../system/addresses.js';
import { readLeaseEvents } from '../system/lease-log.js';
import { type LeaseEvent as HookEvent, parseLeaseFile } from '../system/leases.js';

export interface LeaseEventsSourceOptions {
  /** Where the lease hook appends its JSON lines (paths.leaseEvents). */
  eventsPath: string;
  /** dnsmasq's lease file (paths.leaseFile): who holds what right now. */
  leaseFile: string;
  /** Only the residents' leases reach the sessions; the staff's are not theirs to count or accept. */
  residents: { interface: string; subnet: string };
  clock: Clock;
  logger: Logger;
  /** The fallback read when fs.watch says nothing (a missing directory, an unsupported filesystem). */
  pollMs?: number;
  /** Once read this far, the events file is renamed away; the hook starts a new one at its next event. */
  rotateAtBytes?: number;
}

export const DEFAULT_LEASE_POLL_MS = 250;
export const DEFAULT_LEASE_ROTATE_BYTES = 1024 * 1024;

/**
 * The session layer's LeaseSource over dnsmasq: the lease hook's events file, tailed by offset and read
 * as soon as fs.watch reports a change (with a poll behind it), and the lease file for the state at
 * start. It keeps the address → MAC table the firewall needs to bind an acceptance to its lease.
 */
export class LeaseEventsSource implements LeaseSource {
  private readonly options: LeaseEventsSourceOptions;
  private readonly subnet: Ipv4Network;
  private readonly log: Logger;
  private readonly listeners = new Set<(event: LeaseEvent) => void>();
  private readonly macByIp = new Map<string, string>();
  private offset = 0;
  /** The events file's inode when last read: a new one means the file was replaced (rotated). */
  private inode: number | undefined;
  /** A file this source rotated away, read once more in case a hook run was still writing to it. */
  private rotated: { path: string; offset: number } | undefined;
  /** Reads and snapshots run one at a time, in order, so no event is emitted twice or out of turn. */
  private queue: Promise<void> = Promise.resolve();
  private pending = false;
  private watcher: FSWatcher | undefined;
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(options: LeaseEventsSourceOptions) {
    this.options = options;
    const subnet = parseCidr(options.residents.subnet);
    if (subnet === undefined) throw new RangeError('residents.subnet is not a network address');
    this.subnet = subnet;
    this.log = options.logger.child({ module: 'hotspot-leases' });
  }

  onLease(listener: (event: LeaseEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The MAC holding this address now, from the lease file and every event since. */
  macOf(ip: string): string | undefined {
    return this.macByIp.get(ip);
  }

  /** Skips the events already in the file (the lease file says who holds what now), then follows it. */
  async start(): Promise<void> {
    this.running = true;
    await this.exclusive(() => this.catchUp(false));
    await this.exclusive(() => this.readLeaseFile());
    this.watchDirectory();
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  /** The residents' leases in dnsmasq's lease file, merged with what the events said. */
  async snapshot(): Promise<ReadonlyArray<{ mac: string; ip: string }>> {
    let leases: Array<{ mac: string; ip: string }> = [];
    await this.exclusive(async () => {
      await this.readLeaseFile();
      leases = [...this.macByIp].map(([ip, mac]) => ({ ip, mac }));
    });
    return leases;
  }

  /** Reads what the hook appended; coalesces calls that arrive while a read is under way. */
  private kick(): void {
    if (this.pending || !this.running) return;
    this.pending = true;
    void this.exclusive(() => {
      this.pending = false;
      return this.catchUp(true);
    });
  }

  private exclusive(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task).catch((err: unknown) => {
      this.log.warn({ event: 'lease-read-failed', failure: describeFailure(err) }, 'could not read the lease events');
    });
    this.queue = run;
    return run;
  }

  private async catchUp(emit: boolean): Promise<void> {
    const { eventsPath } = this.options;
    if (this.rotated) {
      const { path } = this.rotated;
      await this.drain(path, this.rotated.offset, emit);
      this.rotated = undefined;
      await rm(path, { force: true });
    }
    const inode = await inodeOf(eventsPath);
    if (inode === undefined) return;
    if (this.inode !== undefined && inode !== this.inode) this.offset = 0;
    this.inode = inode;
    this.offset = await this.drain(eventsPath, this.offset, emit);
    if (this.offset >= (this.options.rotateAtBytes ?? DEFAULT_LEASE_ROTATE_BYTES)) await this.rotate();
  }

  /**
   * Reads a file from `offset` to its last complete line; returns the offset to go on from. Without
   * `emit` the events are skipped: at start, the lease file says who holds what.
   */
  private async drain(path: string, offset: number, emit: boolean): Promise<number> {
    let from = offset;
    for (;;) {
      const read = await readLeaseEvents(path, from);
      if (emit) for (const event of read.events) this.apply(event);
      if (read.discarded.length > 0) {
        // The reasons only: a discarded line may hold a MAC.
        const reasons = [...new Set(read.discarded.map((d) => d.reason))];
        this.log.warn(
          { event: 'lease-lines-discarded', count: read.discarded.length, reasons },
          'bad lease event lines',
        );
      }
      if (read.nextOffset === from) return from;
      from = read.nextOffset;
    }
  }

  /** Renames the file away; the hook re-creates it at its next event, and the rest of this one is read next time. */
  private async rotate(): Promise<void> {
    const { eventsPath } = this.options;
    const old = `${eventsPath}.old`;
    await rename(eventsPath, old);
    this.rotated = { path: old, offset: this.offset };
    this.offset = 0;
    this.inode = undefined;
    this.log.debug({ event: 'lease-events-rotated' }, 'lease events file rotated');
  }

  private apply(event: HookEvent): void {
    if (!this.isResident(event.ip, event.interface)) return;
    const { action, mac, ip } = event;
    if (action === 'del') {
      // A late `del` from the address's previous holder leaves the new holder's lease alone.
      if (this.macByIp.get(ip) === mac) this.macByIp.delete(ip);
    } else {
      this.macByIp.set(ip, mac);
    }
    for (const listener of this.listeners) listener({ action, mac, ip });
  }

  private async readLeaseFile(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.options.leaseFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const nowS = this.options.clock.now() / 1000;
    const file = parseLeaseFile(text);
    for (const lease of file.leases) {
      if (lease.expiresAt !== null && lease.expiresAt < nowS) continue;
      if (this.isResident(lease.ip, null)) this.macByIp.set(lease.ip, lease.mac);
    }
  }

  private isResident(ip: string, iface: string | null): boolean {
    if (iface !== null && iface !== this.options.residents.interface) return false;
    return cidrContains(this.subnet, ip);
  }

  /** The directory, not the file: a rotated file is replaced, and a watch on it would follow the old one. */
  private watchDirectory(): void {
    if (this.watcher !== undefined || !this.running) return;
    const name = basename(this.options.eventsPath);
    try {
      this.watcher = watch(dirname(this.options.eventsPath), { persistent: false }, (_type, file) => {
        if (file === null || file === name) this.kick();
      });
    } catch {
      // No directory yet (the hook makes it at its first event): the poll reads, and tries again.
      return;
    }
    this.watcher.on('error', () => {
      this.watcher?.close();
      this.watcher = undefined;
    });
  }

  private schedulePoll(): void {
    this.timer = this.options.clock.setTimeout(() => {
      if (!this.running) return;
      this.watchDirectory();
      this.kick();
      this.schedulePoll();
    }, this.options.pollMs ?? DEFAULT_LEASE_POLL_MS);
  }
}

async function inodeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).ino;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
