import type { Clock } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { EdgeError, EdgeErrorCode } from '../../errors.js';
import type { CapacityChange } from './full-episode.js';
import type { FirewallPort, LeaseSource, QuotaPort, SessionObserver, StationSource } from './ports.js';

export interface HotspotSessionsOptions {
  firewall: FirewallPort;
  leases: LeaseSource;
  /** Absent where no hostapd runs (the namespace tests): sessions then end at idle, timeout or lease end. */
  stations?: StationSource;
  clock: Clock;
  logger: Logger;
  /** The uplink's state (ModemManager, a probe): the portal says so honestly when it is down. */
  uplinkUp: () => boolean;
  /** The kernel set's per-element timeout, refreshed by the client's packets. */
  idleTimeoutS: number;
  /** The longest a session lasts whatever the traffic; a timer revokes it then. */
  sessionTimeoutS: number;
  /** The Wi-Fi chip's client ceiling (REFERENCE.md section 2): accepted sessions beyond it are refused. */
  maxClients: number;
  /** Whose midnight ends "today" and replaces the device salt. */
  timeZone?: string;
  /** How often the kernel set is read back to notice idle expiries and sample the byte counters. */
  reconcileIntervalMs?: number;
  quota?: QuotaPort;
  /** The legal connection log: told of every session's start and end, with its MAC and address. */
  observer?: SessionObserver;
  /** Told when residents start being turned away at the ceiling, and when a place frees up again. */
  onCapacity?: (change: CapacityChange) => void;
  /** The salt's source; tests pass one that lets them check the old salt was zeroed. */
  randomBytes?: (size: number) => Uint8Array;
}

export const DEFAULT_TIME_ZONE = 'Europe/Paris';
export const DEFAULT_RECONCILE_INTERVAL_MS = 15_000;

export function checkOptions(options: HotspotSessionsOptions): void {
  const positive: Array<[string, number | undefined]> = [
    ['idleTimeoutS', options.idleTimeoutS],
    ['sessionTimeoutS', options.sessionTimeoutS],
    ['maxClients', options.maxClients],
    ['reconcileIntervalMs', options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS],
  ];
  for (const [name, value] of positive) {
    if (value === undefined || !Number.isInteger(value) || value <= 0) {
      throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `hotspot sessions: ${name} must be a positive integer`);
    }
  }
}
