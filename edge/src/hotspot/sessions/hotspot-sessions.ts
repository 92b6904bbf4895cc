import type { TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { AcceptRefusal, AcceptResult, ClientView, SessionGate } from '../gate.js';
import { DailyDevices, normalizeMac } from './daily-devices.js';
import { FullEpisode } from './full-episode.js';
import { LeaseTable } from './lease-table.js';
import { LocalDay } from './local-day.js';
import {
  checkOptions,
  DEFAULT_RECONCILE_INTERVAL_MS,
  DEFAULT_TIME_ZONE,
  type HotspotSessionsOptions,
} from './options.js';
import type { AllowedEntry, LeaseEvent, StationEvent, Unsubscribe } from './ports.js';
import { describeFailure } from './scrub.js';
import { DayCounts, type HotspotTotals, type SessionEnd } from './totals.js';
import { TrafficMeter } from './traffic-meter.js';

interface Session {
  readonly ip: string;
  /** Absent for a session adopted from the kernel set at start whose lease was not (yet) known. */
  mac: string | undefined;
  /** `opening` until the kernel has the address; only `open` sessions count and answer accepted. */
  state: 'opening' | 'open';
  /** Set when the device left while its acceptance was in flight: the acceptance then undoes itself. */
  cancelled: boolean;
  endsAt: number;
  /** Stamp taken when the kernel confirmed the address: a listing started before it cannot judge it. */
  allowedEpoch: number;
  timer: TimerHandle | undefined;
}

/**
 * The session machinery behind the portal. Sessions are kept in the kernel's allowed set (which expires
 * idle clients itself); this class adds them, ends them when the device leaves or its time is up, reads
 * the set back to notice idle expiries, and counts everything without keeping who.
 */
export class HotspotSessions implements SessionGate {
  private readonly options: HotspotSessionsOptions;
  private readonly log: Logger;
  private readonly sessions = new Map<string, Session>();
  private readonly leases = new LeaseTable();
  private readonly stations = new Set<string>();
  private readonly devices: DailyDevices;
  private readonly day: LocalDay;
  private today: string;
  private counts = new DayCounts();
  private readonly traffic = new TrafficMeter();
  private readonly full: FullEpisode;
  /** Per-address queue: an acceptance never races the revocation of the same address. */
  private readonly queues = new Map<string, Promise<void>>();
  private epoch = 0;
  /** The kernel read in flight, shared; it maps each allowed address to when the kernel will drop it. */
  private listing: Promise<Map<string, number>> | undefined;
  private unsubscribers: Unsubscribe[] = [];
  private reconcileTimer: TimerHandle | undefined;
  private midnightTimer: TimerHandle | undefined;
  private running = false;

  constructor(options: HotspotSessionsOptions) {
    checkOptions(options);
    this.options = options;
    this.log = options.logger.child({ module: 'hotspot-sessions' });
    this.day = new LocalDay(options.timeZone ?? DEFAULT_TIME_ZONE);
    this.today = this.day.key(options.clock.now());
    this.devices = new DailyDevices(options.randomBytes);
    this.full = new FullEpisode(options.maxClients, options.onCapacity);
  }

  /** Subscribes to leases and stations, then adopts what a previous run left in the kernel set. */
  async start(): Promise<void> {
    const { leases, stations, firewall } = this.options;
    this.running = true;
    this.unsubscribers.push(leases.onLease((event) => this.onLease(event)));
    if (stations !== undefined) this.unsubscribers.push(stations.onStation((event) => this.onStation(event)));
    const exhausted = this.options.quota?.onExhausted?.((ip) => this.end(ip, 'quota'));
    if (exhausted !== undefined) this.unsubscribers.push(exhausted);
    for (const lease of (await leases.snapshot?.()) ?? []) {
      if (this.leases.macOf(lease.ip) === undefined) this.onLease({ action: 'old', ...lease });
    }
    for (const mac of (await stations?.snapshot?.()) ?? []) this.onStation({ type: 'connected', mac });
    for (const entry of await firewall.listAllowed()) {
      if (!this.sessions.has(entry.ip)) this.adopt(entry.ip);
    }
    this.traffic.update(await firewall.counters());
    this.scheduleReconcile();
    this.scheduleMidnight();
    this.log.info({ event: 'started', sessionsNow: this.openCount() }, 'hotspot sessions running');
  }

  /** Stops listening and destroys the day's salt. Sessions stay in the kernel; the next start adopts them. */
  async stop(): Promise<void> {
    this.running = false;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    const { clock } = this.options;
    if (this.reconcileTimer !== undefined) clock.clearTimeout(this.reconcileTimer);
    if (this.midnightTimer !== undefined) clock.clearTimeout(this.midnightTimer);
    for (const session of this.sessions.values()) if (session.timer !== undefined) clock.clearTimeout(session.timer);
    await this.drain();
    this.devices.rotate();
  }

  uplinkUp(): boolean {
    return this.options.uplinkUp();
  }

  async lookup(ip: string): Promise<ClientView> {
    this.rollIfNewDay();
    if (this.sessions.get(ip)?.state !== 'open') return { known: this.isKnown(ip), accepted: false };
    // Only accepted clients cost a kernel read, and a probe from one is the sign the kernel dropped it.
    const expiries = await this.reconcile();
    const session = this.sessions.get(ip);
    if (session?.state !== 'open') return { known: this.isKnown(ip), accepted: false };
    // Absent from a read that began before this session was confirmed: its idle clock just started.
    const idleEndsAt = expiries.get(ip) ?? this.options.clock.now() + this.options.idleTimeoutS * 1000;
    return this.viewOf(session, idleEndsAt);
  }

  accept(ip: string): Promise<AcceptResult> {
    return this.serial(ip, () => this.acceptNow(ip));
  }

  /** Reads the kernel set back (ending sessions it expired) and the byte counters. */
  async refresh(): Promise<void> {
    const [, counters] = await Promise.all([this.reconcile(), this.options.firewall.counters()]);
    this.traffic.update(counters);
  }

  /** The counts as they stand; `refresh()` first for up-to-date idle ends and bytes. */
  aggregate(): HotspotTotals {
    this.rollIfNewDay();
    const { counts } = this;
    return {
      kind: 'hotspot',
      at: this.options.clock.now(),
      sessionsNow: this.openCount(),
      sessionsToday: counts.started,
      distinctDevicesToday: this.devices.size,
      stationsNow: this.stations.size,
      capacity: this.options.maxClients,
      ...this.traffic.totals,
      refusedFullToday: counts.refusedFull,
      endedLeftToday: counts.ended.left,
      endedIdleToday: counts.ended.idle,
      endedTimeoutToday: counts.ended.timeout,
      endedQuotaToday: counts.ended.quota,
    };
  }

  /** Resolves once every queued acceptance and revocation has reached the kernel. */
  async drain(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  private async acceptNow(ip: string): Promise<AcceptResult> {
    this.rollIfNewDay();
    if (this.sessions.has(ip)) {
      // Idempotent, but checked against the kernel: an idled-out session ends here and a new one begins.
      const view = await this.lookup(ip);
      if (view.accepted) return { ok: true, view };
    }
    if (!this.isKnown(ip)) return this.refuse('unknown-client');
    // At the ceiling, clients the kernel idled out since the last read must not hold places.
    if (this.sessions.size >= this.options.maxClients) await this.reconcile();
    const mac = this.leases.macOf(ip);
    if (mac === undefined) return this.refuse('unknown-client');
    // Before the ceiling: a device whose day is used up is told so, not that the Wi-Fi is full.
    if (this.options.quota?.admits?.(mac) === false) return this.refuse('quota');
    if (this.sessions.size >= this.options.maxClients) return this.refuse('full');
    const session = this.track(ip, mac);
    try {
      await this.options.firewall.allow(ip, this.options.idleTimeoutS);
    } catch (err) {
      if (this.sessions.get(ip) === session) this.sessions.delete(ip);
      this.log.warn(
        { event: 'allow-failed', failure: describeFailure(err) },
        'could not add a client to the allowed set',
      );
      throw err;
    }
    if (session.cancelled) {
      await this.revoke(ip);
      return this.refuse('unknown-client');
    }
    this.open(session);
    this.options.observer?.sessionStarted({ ip, mac, at: this.options.clock.now() });
    this.counts.started += 1;
    this.log.info({ event: 'session-started', sessionsNow: this.openCount() }, 'session started');
    this.log.debug({ device: this.devices.add(mac).slice(0, 16) }, 'session started');
    return { ok: true, view: this.viewOf(session, this.options.clock.now() + this.options.idleTimeoutS * 1000) };
  }

  /** Holds the address's place from before the kernel is asked, so concurrent acceptances see the ceiling. */
  private track(ip: string, mac: string | undefined): Session {
    const session: Session = {
      ip,
      mac,
      state: 'opening',
      cancelled: false,
      endsAt: 0,
      allowedEpoch: 0,
      timer: undefined,
    };
    this.sessions.set(ip, session);
    return session;
  }

  /** The kernel holds the address: the session counts, and its timeout starts. */
  private open(session: Session): void {
    const { clock } = this.options;
    const timeoutMs = this.options.sessionTimeoutS * 1000;
    session.state = 'open';
    session.allowedEpoch = ++this.epoch;
    session.endsAt = clock.now() + timeoutMs;
    session.timer = clock.setTimeout(() => {
      if (this.sessions.get(session.ip) === session) this.end(session.ip, 'timeout');
    }, timeoutMs);
    this.options.quota?.opened?.(session.ip, session.mac);
  }

  /** An address found in the kernel set at start: a previous run accepted it. Its session clock restarts. */
  private adopt(ip: string): void {
    const mac = this.leases.macOf(ip);
    this.open(this.track(ip, mac));
    this.options.observer?.sessionStarted({ ip, mac, at: this.options.clock.now(), resumed: true });
  }

  private refuse(reason: AcceptRefusal): AcceptResult {
    if (reason === 'full') {
      this.counts.refusedFull += 1;
      this.full.refused(this.options.clock.now());
    }
    // Debug only: a client retrying could otherwise flood the journal.
    this.log.debug({ event: 'accept-refused', reason }, 'acceptance refused');
    return { ok: false, reason };
  }

  private end(ip: string, reason: SessionEnd): void {
    const session = this.sessions.get(ip);
    if (session === undefined) return;
    this.sessions.delete(ip);
    if (session.timer !== undefined) this.options.clock.clearTimeout(session.timer);
    if (session.state === 'opening') {
      session.cancelled = true;
      return;
    }
    this.counts.ended[reason] += 1;
    this.options.quota?.closed?.(ip);
    this.options.observer?.sessionEnded({ ip, mac: session.mac, at: this.options.clock.now(), reason });
    this.log.info({ event: 'session-ended', reason, sessionsNow: this.openCount() }, 'session ended');
    this.full.freed(this.options.clock.now(), this.openCount());
    if (session.mac !== undefined)
      this.log.debug({ device: this.devices.hash(session.mac).slice(0, 16), reason }, 'session ended');
    // The kernel already dropped an idle one; anything else must leave the set now.
    if (reason !== 'idle') void this.serial(ip, () => this.revoke(ip));
  }

  private async revoke(ip: string): Promise<void> {
    try {
      await this.options.firewall.revoke(ip);
    } catch (err) {
      this.log.warn(
        { event: 'revoke-failed', failure: describeFailure(err) },
        'could not remove a client from the allowed set; the kernel will expire it when idle',
      );
    }
  }

  /** One kernel read at a time; concurrent callers share it. */
  private reconcile(): Promise<Map<string, number>> {
    if (this.listing === undefined) {
      const epoch = this.epoch;
      const listedAt = this.options.clock.now();
      const listing = this.options.firewall
        .listAllowed()
        .then((entries) => this.applyListing(epoch, listedAt, entries))
        .finally(() => {
          if (this.listing === listing) this.listing = undefined;
        });
      this.listing = listing;
    }
    return this.listing;
  }

  /** Ends the sessions the kernel no longer holds; the expiries are made absolute so a shared read ages right. */
  private applyListing(epoch: number, listedAt: number, entries: readonly AllowedEntry[]): Map<string, number> {
    const expiries = new Map(entries.map((entry) => [entry.ip, listedAt + entry.expiresInS * 1000]));
    for (const session of [...this.sessions.values()]) {
      if (session.state === 'open' && session.allowedEpoch <= epoch && !expiries.has(session.ip)) {
        this.end(session.ip, 'idle');
      }
    }
    return expiries;
  }

  private onLease(event: LeaseEvent): void {
    this.rollIfNewDay();
    const mac = normalizeMac(event.mac);
    if (event.action === 'del') {
      // A late `del` from the address's previous holder must not end the new holder's session.
      if (this.leases.macOf(event.ip) !== mac) return;
      this.leases.delete(event.ip);
      this.end(event.ip, 'left');
      return;
    }
    if (this.leases.set(event.ip, mac) !== undefined) this.end(event.ip, 'left');
    const session = this.sessions.get(event.ip);
    if (session !== undefined) session.mac = mac;
    this.devices.add(mac);
  }

  private onStation(event: StationEvent): void {
    this.rollIfNewDay();
    const mac = normalizeMac(event.mac);
    if (event.type === 'connected') {
      this.stations.add(mac);
      this.devices.add(mac);
      return;
    }
    this.stations.delete(mac);
    const ips = new Set(this.leases.ipsOf(mac));
    for (const session of this.sessions.values()) if (session.mac === mac) ips.add(session.ip);
    for (const ip of ips) this.end(ip, 'left');
  }

  /** Runs at midnight (timer) and on every entry point (in case the clock jumped past the timer). */
  private rollIfNewDay(): void {
    const key = this.day.key(this.options.clock.now());
    if (key === this.today) return;
    this.today = key;
    this.devices.rotate();
    this.counts = new DayCounts();
    // Devices still here at midnight are among today's devices too.
    for (const mac of this.stations) this.devices.add(mac);
    for (const session of this.sessions.values()) if (session.mac !== undefined) this.devices.add(session.mac);
    this.log.info({ event: 'day-rollover' }, 'new day: device salt replaced, daily counts reset');
  }

  private scheduleMidnight(): void {
    const { clock } = this.options;
    const now = clock.now();
    this.midnightTimer = clock.setTimeout(() => {
      this.rollIfNewDay();
      if (this.running) this.scheduleMidnight();
    }, this.day.nextMidnight(now) - now);
  }

  private scheduleReconcile(): void {
    const { clock } = this.options;
    this.reconcileTimer = clock.setTimeout(() => {
      this.refresh()
        .catch((err: unknown) => {
          this.log.warn({ event: 'reconcile-failed', failure: describeFailure(err) }, 'could not read the allowed set');
        })
        .finally(() => {
          if (this.running) this.scheduleReconcile();
        });
    }, this.options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS);
  }

  private serial<T>(ip: string, task: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(ip) ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(ip, tail);
    void tail.then(() => {
      if (this.queues.get(ip) === tail) this.queues.delete(ip);
    });
    return run;
  }

  private viewOf(session: Session, idleEndsAt: number): ClientView {
    const secondsUntil = (at: number) => Math.max(0, Math.floor((at - this.options.clock.now()) / 1000));
    const view: ClientView = {
      known: this.isKnown(session.ip),
      accepted: true,
      secondsRemaining: secondsUntil(Math.min(session.endsAt, idleEndsAt)),
      sessionSecondsRemaining: secondsUntil(session.endsAt),
    };
    const bytes = this.options.quota?.bytesRemaining(session.ip);
    if (bytes !== undefined) view.bytesRemaining = bytes;
    return view;
  }

  private isKnown(ip: string): boolean {
    return this.leases.macOf(ip) !== undefined;
  }

  private openCount(): number {
    let open = 0;
    for (const session of this.sessions.values()) if (session.state === 'open') open += 1;
    return open;
  }
}
