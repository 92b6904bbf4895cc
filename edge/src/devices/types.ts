import type {
  BridgeError,
  ByteTransport,
  DeviceState,
  daly,
  firmata,
  Mismatch,
  PortState,
  Sample,
  Unsubscribe,
  vesc,
} from '@triporteur/firmware-bridge';
import type { Host } from '../host.js';
import type { DeviceKind } from '../records/sources.js';

/** The sample kind each device feeds: battery, motor, position or aux. */
export type { DeviceKind };

/** What the device layer needs from the edge host. */
export type DeviceDeps = Pick<Host, 'openSerial' | 'clock' | 'logger'>;

/** Things worth a log line, a counter or an alarm that are neither samples nor link states. */
export type DeviceEvent =
  /** Bytes that made no frame (line noise, a wrong baud rate): already logged at warn. */
  | { type: 'discard'; reason: string; bytes: number }
  /** A driver problem (undecodable answer, refused register, lost port): already logged at warn. */
  | { type: 'error'; error: BridgeError }
  /** Daly only: a current sign that contradicts the state byte, or frames of a reply that never came. */
  | { type: 'warning'; warning: daly.DalyWarning }
  /** VESC only: FW_VERSION, read once per connection (for the birth message). */
  | { type: 'firmware'; firmware: vesc.VescFwVersion }
  /** Aux board only: the mediators' pause-location button. */
  | { type: 'button'; button: firmata.AuxButtonEvent }
  /**
   * BMS and controller disagree (or agree again, with an empty list): sent when the set of
   * disagreements changes, not with every sample.
   */
  | { type: 'mismatch'; mismatches: Mismatch[] };

export type DeviceHandleEvents = {
  /** Gated samples: implausible fields marked 'out-of-range'; the last one repeated as 'stale' when it ages. */
  sample: [sample: Sample];
  /** Every port state change; `state` is the contract's coarser view of it. */
  state: [state: DeviceState, portState: PortState, reason?: BridgeError];
  event: [event: DeviceEvent];
};

export interface DeviceHandle {
  readonly kind: DeviceKind;
  /** The configured family: jbd, daly, vesc, kt, bafang, nmea, gpsd, firmata. */
  readonly type: string;
  /** For records and status: connecting (also while unplugged), connected, asleep, silent, stopped. */
  readonly state: DeviceState;
  /** For diagnostics: opening, connected, asleep, silent, wiring-fault, unplugged, stopped. */
  readonly portState: PortState;
  /** The last sample emitted (possibly the stale repeat), for status pages. */
  readonly lastSample: Sample | undefined;
  /**
   * The open serial line, for a raw capture; undefined while it is closed and for gpsd. A listen-only
   * line (KT, Bafang) is handed out through listenOnly(): nobody may write to it.
   */
  transport(): ByteTransport | undefined;
  on<K extends keyof DeviceHandleEvents>(event: K, listener: (...args: DeviceHandleEvents[K]) => void): Unsubscribe;
  /**
   * Opens the line and keeps it open: failures and losses are retried with backoff, except the
   * first open with `failFast`, which rejects with the underlying error (BRG_PORT_OPEN). Calling
   * it on a running device does nothing.
   */
  start(options?: { failFast?: boolean }): Promise<void>;
  /** Closes the line and opens it again with a fresh driver (a remote "restart subsystem"). */
  restart(): Promise<void>;
  /** Stops the driver, closes the line and cancels every timer. Safe to call twice. */
  stop(): Promise<void>;
}

export interface DeviceOptions {
  /** Reopen delays: initialMs, doubled after each failure, capped at maxMs. Defaults 1000 and 30000. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export interface StartOptions extends DeviceOptions {
  /**
   * Reject with the underlying error (BRG_PORT_OPEN) if the first open fails, instead of retrying
   * with backoff. Later losses are always retried.
   */
  failFast?: boolean;
}
