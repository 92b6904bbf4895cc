/**
 * Which MAC holds which address, from dnsmasq's lease events. The portal only sees an IP and hostapd
 * only a MAC; this table is what joins them. It lives in memory only and is never logged.
 */
export class LeaseTable {
  private readonly macByIp = new Map<string, string>();
  private readonly ipsByMac = new Map<string, Set<string>>();

  /** Records the lease; returns the MAC that held the address before, if it was another device. */
  set(ip: string, mac: string): string | undefined {
    const previous = this.macByIp.get(ip);
    if (previous === mac) return undefined;
    if (previous !== undefined) this.unlink(ip, previous);
    this.macByIp.set(ip, mac);
    let ips = this.ipsByMac.get(mac);
    if (ips === undefined) {
      ips = new Set();
      this.ipsByMac.set(mac, ips);
    }
    ips.add(ip);
    return previous;
  }

  delete(ip: string): void {
    const mac = this.macByIp.get(ip);
    if (mac !== undefined) this.unlink(ip, mac);
  }

  macOf(ip: string): string | undefined {
    return this.macByIp.get(ip);
  }

  ipsOf(mac: string): string[] {
    return [...(this.ipsByMac.get(mac) ?? [])];
  }

  get size(): number {
    return this.macByIp.size;
  }

  private unlink(ip: string, mac: string): void {
    this.macByIp.delete(ip);
    const ips = this.ipsByMac.get(mac);
    ips?.delete(ip);
    if (ips?.size === 0) this.ipsByMac.delete(mac);
  }
}
