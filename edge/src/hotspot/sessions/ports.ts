import type { SessionEnd } from './totals.js';

/**
 * The three things the session machinery needs from the system layer (edge/src/hotspot/system), kept
 * this small so the system layer can be adapted to them in a few lines and tests can give fakes.
 */

/** One element of the kernel's allowed set, as `nft list set` shows it. */
export interface AllowedEntry {
  ip: string;
  /** Seconds until the kernel expires the element unless the client's packets refresh it. */
  expiresInS: number;
}

/** The nft counters on the forward path, as the kernel reports them (reset when the ruleset reloads). */
export interface TrafficCounters {
  /** Client → Internet. */
  bytesUp: number;
  /** Internet → client. */
  bytesDown: number;
}

export interface FirewallPort {
  /** Adds the address to the allowed set with a per-element idle timeout; resolves once the kernel has it. */
  allow(ip: string, timeoutS: number): Promise<void>;
  /** Removes the address; an address already gone is not an error. */
  revoke(ip: string): Promise<void>;
  /** The set's elements now; the kernel has already dropped the ones that idled out. */
  listAllowed(): Promise<readonly AllowedEntry[]>;
  counters(): Promise<TrafficCounters>;
}

export type Unsubscribe = () => void;

/** dnsmasq's `--dhcp-script` actions: `add` a new lease, `old` a renewed or re-read one, `del` a lease gone. */
export interface LeaseEvent {
  action: 'add' | 'old' | 'del';
  mac: string;
  ip: string;
  /** Accepted for the system layer's convenience and ignored: a device name is an identifier too. */
  hostname?: string;
}

export interface LeaseSource {
  onLease(listener: (event: LeaseEvent) => void): Unsubscribe;
  /** The leases held right now (the lease file), read once at start so a restart forgets nobody. */
  snapshot?(): Promise<ReadonlyArray<{ mac: string; ip: string }>>;
}

/** hostapd's `AP-STA-CONNECTED` / `AP-STA-DISCONNECTED` on the residents' open SSID only. */
export interface StationEvent {
  type: 'connected' | 'disconnected';
  mac: string;
}

export interface StationSource {
  onStation(listener: (event: StationEvent) => void): Unsubscribe;
  /** MACs associated right now (`hostapd_cli all_sta`), read once at start. */
  snapshot?(): Promise<readonly string[]>;
}

/**
 * Who held which address when, for the legal connection log (CPCE L34-1, R10-13 IV). Called as sessions
 * begin and end; an observer queues and returns, it never throws into the session machinery.
 */
export interface SessionObserver {
  /** `resumed`: adopted from the kernel's allowed set at start, so it began before this run. */
  sessionStarted(event: { ip: string; mac: string | undefined; at: number; resumed?: boolean }): void;
  sessionEnded(event: { ip: string; mac: string | undefined; at: number; reason: SessionEnd }): void;
}

/**
 * Volume quotas (quota-meter.ts): `bytes-remaining` for the gate, and the hooks through which the
 * session layer tells the meter about sessions and learns which ones have used their allowance.
 */
export interface QuotaPort {
  bytesRemaining(ip: string): number | undefined;
  /** A session opened; `device` is its MAC, undefined for one adopted from the kernel without a lease. */
  opened?(ip: string, device: string | undefined): void;
  closed?(ip: string): void;
  /** False once the device has used its daily allowance: its acceptance is refused with 'quota'. */
  admits?(device: string): boolean;
  /** Reports each address whose allowance is used up; its session then ends with reason 'quota'. */
  onExhausted?(listener: (ip: string) => void): Unsubscribe;
}
