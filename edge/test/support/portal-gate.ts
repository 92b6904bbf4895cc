import type { Clock } from '@triporteur/firmware-bridge';
import type { AcceptResult, ClientView, SessionGate } from '../../src/hotspot/gate.js';

/**
 * A test double for the portal/sessions seam, and only that: the real SessionGate (nftables set,
 * dnsmasq leases, hostapd events) is edge/src/hotspot/sessions. Clients are known by a lease the test
 * grants; accepted ones stay accepted until the session time runs out on the injected clock. Like the
 * real one, it reports the idle window as seconds-remaining when that is sooner than the session's end.
 */
export class InMemoryGate implements SessionGate {
  private readonly leases = new Set<string>();
  private readonly sessions = new Map<string, number>();
  /** Every address passed to accept(), in order. */
  readonly acceptCalls: string[] = [];
  uplink = true;
  /** New clients are refused with 'full' while set. */
  full = false;
  bytesQuota: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly sessionS = 4 * 3600,
    private readonly idleS = 15 * 60,
  ) {}

  lease(...ips: string[]): this {
    for (const ip of ips) this.leases.add(ip);
    return this;
  }

  async lookup(ip: string): Promise<ClientView> {
    return this.view(ip);
  }

  async accept(ip: string): Promise<AcceptResult> {
    this.acceptCalls.push(ip);
    if (!this.leases.has(ip)) return { ok: false, reason: 'unknown-client' };
    if (this.full && !this.view(ip).accepted) return { ok: false, reason: 'full' };
    this.sessions.set(ip, this.clock.now() + this.sessionS * 1000);
    return { ok: true, view: this.view(ip) };
  }

  uplinkUp(): boolean {
    return this.uplink;
  }

  private view(ip: string): ClientView {
    const known = this.leases.has(ip);
    const until = this.sessions.get(ip);
    const left = until === undefined ? 0 : until - this.clock.now();
    if (!known || left <= 0) return { known, accepted: false };
    return {
      known,
      accepted: true,
      secondsRemaining: Math.min(left / 1000, this.idleS),
      sessionSecondsRemaining: left / 1000,
      ...(this.bytesQuota === undefined ? {} : { bytesRemaining: this.bytesQuota }),
    };
  }
}
