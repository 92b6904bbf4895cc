import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { HotspotSessions } from '../../src/hotspot/sessions/hotspot-sessions.js';
import type { HotspotSessionsOptions } from '../../src/hotspot/sessions/options.js';
import type {
  AllowedEntry,
  FirewallPort,
  LeaseEvent,
  LeaseSource,
  StationEvent,
  StationSource,
  TrafficCounters,
} from '../../src/hotspot/sessions/ports.js';

type FirewallCall = { op: 'allow'; ip: string; timeoutS: number } | { op: 'revoke'; ip: string } | { op: 'list' };

/**
 * The kernel's allowed set on a manual clock: each element expires `timeoutS` after it was added or
 * last refreshed by the client's packets (`traffic()`), exactly as `update @set { … timeout … }` does.
 */
export class RecordingFirewall implements FirewallPort {
  readonly calls: FirewallCall[] = [];
  private readonly elements = new Map<string, { timeoutS: number; expiresAt: number }>();
  private readonly bytes: TrafficCounters = { bytesUp: 0, bytesDown: 0 };
  private held: Promise<void> | undefined;
  failAllowWith: Error | undefined;
  failRevokeWith: Error | undefined;

  constructor(private readonly clock: { now(): number }) {}

  async allow(ip: string, timeoutS: number): Promise<void> {
    this.calls.push({ op: 'allow', ip, timeoutS });
    await this.held;
    if (this.failAllowWith !== undefined) throw this.failAllowWith;
    this.elements.set(ip, { timeoutS, expiresAt: this.clock.now() + timeoutS * 1000 });
  }

  async revoke(ip: string): Promise<void> {
    this.calls.push({ op: 'revoke', ip });
    if (this.failRevokeWith !== undefined) throw this.failRevokeWith;
    this.elements.delete(ip);
  }

  async listAllowed(): Promise<AllowedEntry[]> {
    this.calls.push({ op: 'list' });
    const now = this.clock.now();
    const entries: AllowedEntry[] = [];
    for (const [ip, element] of this.elements) {
      if (element.expiresAt <= now) this.elements.delete(ip);
      else entries.push({ ip, expiresInS: Math.ceil((element.expiresAt - now) / 1000) });
    }
    return entries;
  }

  async counters(): Promise<TrafficCounters> {
    return { ...this.bytes };
  }

  /** Packets from an allowed client: refresh its timeout and count the bytes, as the ruleset does. */
  traffic(ip: string, up = 0, down = 0): void {
    const element = this.elements.get(ip);
    if (element === undefined || element.expiresAt <= this.clock.now()) return;
    element.expiresAt = this.clock.now() + element.timeoutS * 1000;
    this.bytes.bytesUp += up;
    this.bytes.bytesDown += down;
  }

  /** `nft flush ruleset` and reload: the counters start again from zero. */
  resetCounters(): void {
    this.bytes.bytesUp = 0;
    this.bytes.bytesDown = 0;
  }

  has(ip: string): boolean {
    const element = this.elements.get(ip);
    return element !== undefined && element.expiresAt > this.clock.now();
  }

  /** An element a previous run left behind. */
  preload(ip: string, timeoutS: number): void {
    this.elements.set(ip, { timeoutS, expiresAt: this.clock.now() + timeoutS * 1000 });
  }

  /** Holds every `allow` until the returned function is called. */
  holdAllows(): () => void {
    let release = () => {};
    this.held = new Promise<void>((resolve) => {
      release = () => {
        this.held = undefined;
        resolve();
      };
    });
    return release;
  }

  count(op: FirewallCall['op']): number {
    return this.calls.filter((call) => call.op === op).length;
  }
}

export class FakeLeases implements LeaseSource {
  private readonly listeners = new Set<(event: LeaseEvent) => void>();
  held: Array<{ mac: string; ip: string }> = [];

  onLease(listener: (event: LeaseEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot() {
    return this.held;
  }

  emit(action: LeaseEvent['action'], mac: string, ip: string, hostname?: string): void {
    for (const listener of this.listeners)
      listener(hostname === undefined ? { action, mac, ip } : { action, mac, ip, hostname });
  }
}

export class FakeStations implements StationSource {
  private readonly listeners = new Set<(event: StationEvent) => void>();
  associated: string[] = [];

  onStation(listener: (event: StationEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot() {
    return this.associated;
  }

  emit(type: StationEvent['type'], mac: string): void {
    for (const listener of this.listeners) listener({ type, mac });
  }
}

/** A pino logger whose JSON lines land in an array. */
export function captureLogs(level: string) {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

export interface SessionsRig {
  clock: ManualClock;
  firewall: RecordingFirewall;
  leases: FakeLeases;
  stations: FakeStations;
  sessions: HotspotSessions;
  lines: string[];
  /** Every salt drawn, in order, so a test can check the old ones were zeroed. */
  salts: Uint8Array[];
  uplink: { up: boolean };
  /** A client arrives: associates, then gets a lease. */
  join(mac: string, ip: string): void;
  /** Lets queued kernel work (revocations, timer-driven reads) finish. */
  settle(): Promise<void>;
  /** Lets pending promise callbacks run, without waiting for held firewall calls. */
  flush(): Promise<void>;
}

export const IDLE_S = 900;
export const SESSION_S = 3600;
export const RECONCILE_MS = 15_000;

export async function sessionsRig(
  overrides: Partial<HotspotSessionsOptions> & {
    start?: number;
    logLevel?: string;
    before?: (rig: SessionsRig) => void;
  } = {},
): Promise<SessionsRig> {
  const { start, logLevel, before, ...options } = overrides;
  const clock = new ManualClock(start ?? Date.UTC(2025, 5, 10, 10, 0));
  const firewall = new RecordingFirewall(clock);
  const leases = new FakeLeases();
  const stations = new FakeStations();
  const { logger, lines } = captureLogs(logLevel ?? 'info');
  const salts: Uint8Array[] = [];
  const uplink = { up: true };
  const sessions = new HotspotSessions({
    firewall,
    leases,
    stations,
    clock,
    logger,
    uplinkUp: () => uplink.up,
    idleTimeoutS: IDLE_S,
    sessionTimeoutS: SESSION_S,
    maxClients: 8,
    reconcileIntervalMs: RECONCILE_MS,
    randomBytes: (size) => {
      const salt = randomBytes(size);
      salts.push(salt);
      return salt;
    },
    ...options,
  });
  const settle = async () => {
    await nextTurn();
    await sessions.drain();
  };
  const rig: SessionsRig = {
    clock,
    firewall,
    leases,
    stations,
    sessions,
    lines,
    salts,
    uplink,
    join: (mac, ip) => {
      stations.emit('connected', mac);
      leases.emit('add', mac, ip);
    },
    settle,
    flush: async () => {
      await nextTurn();
    },
  };
  // What a previous run or the system left behind, in place before start() reads it.
  before?.(rig);
  await sessions.start();
  return rig;
}
