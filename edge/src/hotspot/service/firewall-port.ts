import type { FirewallPort, TrafficCounters } from '../sessions/ports.js';
import { type Firewall, MAX_ELEMENT_TIMEOUT_S } from '../system/firewall.js';
import { HotspotServiceError, HotspotServiceErrorCode } from './errors.js';

/**
 * The session layer's FirewallPort over the system layer's Firewall. The kernel set is keyed by address
 * and MAC (the pair a DHCP lease binds), while sessions speak in addresses: the MAC comes from the
 * lease table here, so an address nobody leased is never let through.
 */
export class FirewallPortAdapter implements FirewallPort {
  constructor(
    private readonly firewall: Firewall,
    private readonly macOf: (ip: string) => string | undefined,
  ) {}

  async allow(ip: string, timeoutS: number): Promise<void> {
    const mac = this.macOf(ip);
    if (mac === undefined) {
      // No address in the message: it may reach a warn-level log.
      throw new HotspotServiceError(HotspotServiceErrorCode.NO_LEASE, 'no DHCP lease for the address to allow');
    }
    await this.firewall.allow({ ip, mac }, timeoutS);
  }

  async revoke(ip: string): Promise<void> {
    await this.firewall.revoke(ip);
  }

  async listAllowed() {
    const elements = await this.firewall.listAllowed();
    // Every element the edge adds has a timeout; one without (added by hand) lasts as long as any may.
    return elements.map((element) => ({ ip: element.ip, expiresInS: element.expiresS ?? MAX_ELEMENT_TIMEOUT_S }));
  }

  async counters(): Promise<TrafficCounters> {
    const { residentsUp, residentsDown } = await this.firewall.counters();
    return { bytesUp: residentsUp.bytes, bytesDown: residentsDown.bytes };
  }
}
