/**
 * The seam between the captive portal (HTTP, edge/src/hotspot/portal) and the session machinery
 * (firewall set, DHCP leases, hostapd events, counting: edge/src/hotspot/sessions). The portal only
 * ever knows a client by the source IP of its request; the MAC stays below this line.
 */

export interface ClientView {
  /** The address holds a lease on the hotspot subnet (dnsmasq). Unknown addresses get no session. */
  known: boolean;
  /** In the firewall's allowed set right now. */
  accepted: boolean;
  /**
   * Left before the client is captive again if it stays silent (session timeout or idle expiry,
   * whichever is sooner), when accepted: RFC 8908's seconds-remaining.
   */
  secondsRemaining?: number;
  /** Left before the session timeout, however busy the client is: what the pages tell the resident. */
  sessionSecondsRemaining?: number;
  /** Left of the volume quota, when one applies and the client is accepted. */
  bytesRemaining?: number;
}

export type AcceptRefusal =
  /** No lease for this address: a request from outside the hotspot subnet, or a spoofed source. */
  | 'unknown-client'
  /** The Wi-Fi chip's client ceiling is reached (issue 8's capacity page). */
  | 'full'
  /** The device has used its daily volume allowance (hotspot config `quota.bytesPerDay`). */
  | 'quota';

export type AcceptResult = { ok: true; view: ClientView } | { ok: false; reason: AcceptRefusal };

export interface SessionGate {
  lookup(ip: string): Promise<ClientView>;
  /** Puts the client in the allowed set before it resolves: the next probe already goes out. */
  accept(ip: string): Promise<AcceptResult>;
  /** False while the 4G uplink is down: the portal says so and never fakes a probe's success. */
  uplinkUp(): boolean;
}
