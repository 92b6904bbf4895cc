import { createHmac, randomBytes } from 'node:crypto';

const SALT_BYTES = 32;

/**
 * Distinct devices of one local day, counted as HMAC-SHA256(salt, MAC) so the set holds no MAC. The
 * salt lives only in memory; `rotate()` overwrites it with zeros before drawing a new one, so once the
 * day is over nobody (not even this process) can recompute yesterday's hashes and link them to today's.
 */
export class DailyDevices {
  private salt: Uint8Array;
  private readonly seen = new Set<string>();

  constructor(private readonly draw: (size: number) => Uint8Array = randomBytes) {
    this.salt = this.draw(SALT_BYTES);
  }

  /** Counts the device (once a day) and returns its hash of the day, the only form that may be logged. */
  add(mac: string): string {
    const hash = this.hash(mac);
    this.seen.add(hash);
    return hash;
  }

  /** The device's hash of the day, without counting it. */
  hash(mac: string): string {
    return createHmac('sha256', this.salt).update(normalizeMac(mac)).digest('hex');
  }

  get size(): number {
    return this.seen.size;
  }

  /** Starts a new day: the old salt is zeroed in place and the hash set emptied. */
  rotate(): void {
    this.salt.fill(0);
    this.salt = this.draw(SALT_BYTES);
    this.seen.clear();
  }
}

/** hostapd and dnsmasq both print lower-case colon form; anything else is folded to it. */
export function normalizeMac(mac: string): string {
  return mac.trim().toLowerCase().replaceAll('-', ':');
}
