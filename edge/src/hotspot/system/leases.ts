import { isInterfaceName, isIpv4, normalizeMac } from './addresses.js';
import { type Discarded, discard, type Parsed } from './parsed.js';

/**
 * Readers for what dnsmasq tells the edge about DHCP leases: its lease file (the state at any moment)
 * and the lines the lease hook appends (the changes). The client's hostname and client id are in the
 * file but never come out of here: they are personal data the hotspot has no use for.
 */

export interface Lease {
  ip: string;
  mac: string;
  /** Epoch seconds when the lease ends; null for an infinite lease. */
  expiresAt: number | null;
}

export type LeaseAction = 'add' | 'old' | 'del';

export interface LeaseEvent extends Lease {
  /** add: a new lease; old: renewed, or re-reported when dnsmasq starts; del: released or expired. */
  action: LeaseAction;
  /** The interface the lease is on (residents' or staff), when dnsmasq said. */
  interface: string | null;
  /** Epoch seconds when the hook ran. */
  at: number;
}

const EPOCH = /^(0|[1-9][0-9]{0,11})$/;
/** Lines longer than this are no lease line: refuse them rather than parse a flood. */
export const MAX_LINE_CHARS = 1024;

/**
 * One line of dnsmasq's lease file: `<expiry> <mac> <ip> <hostname|*> <client-id|*>`.
 * DHCPv6 lines (the `duid` line and IAID-keyed leases) are not ours and come back as discarded.
 */
export function parseLeaseLine(line: string): Parsed<Lease> {
  const fail = (reason: string) => discard<Lease>(line, reason);
  if (line.length > MAX_LINE_CHARS) return fail('line too long');
  const fields = line.trim().split(/\s+/);
  if (fields[0] === 'duid') return fail('DHCPv6 server id');
  if (fields.length < 3 || fields.length > 5) return fail('not 3 to 5 fields');
  const [expiry = '', rawMac, ip] = fields;
  if (!EPOCH.test(expiry)) return fail('expiry is not an epoch');
  if (!isIpv4(ip)) return fail('not an IPv4 lease');
  const mac = normalizeMac(rawMac);
  if (mac === undefined) return fail('not an Ethernet MAC');
  return { ok: true, value: { ip, mac, expiresAt: expiry === '0' ? null : Number(expiry) } };
}

export interface LeaseFile {
  leases: Lease[];
  discarded: Discarded[];
}

export function parseLeaseFile(text: string): LeaseFile {
  const file: LeaseFile = { leases: [], discarded: [] };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parsed = parseLeaseLine(line);
    if (parsed.ok) file.leases.push(parsed.value);
    else file.discarded.push(parsed.discarded);
  }
  return file;
}

/** One line appended by hardware/hotspot/lease-hook.sh (format version 1). */
export function parseLeaseEvent(line: string): Parsed<LeaseEvent> {
  const fail = (reason: string) => discard<LeaseEvent>(line, reason);
  if (line.length > MAX_LINE_CHARS) return fail('line too long');
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return fail('not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not a JSON object');
  const event = raw as Record<string, unknown>;
  if (event.v !== 1) return fail('unknown format version');
  const { action, ip, expires, at } = event;
  if (action !== 'add' && action !== 'old' && action !== 'del') return fail('unknown action');
  if (!isIpv4(ip)) return fail('not an IPv4 address');
  const mac = normalizeMac(event.mac);
  if (mac === undefined) return fail('not an Ethernet MAC');
  if (!isEpoch(expires) || !isEpoch(at)) return fail('expires or at is not an epoch');
  const iface = event.interface;
  if (iface !== '' && !isInterfaceName(iface)) return fail('bad interface name');
  return {
    ok: true,
    value: { action, ip, mac, expiresAt: expires === 0 ? null : expires, interface: iface === '' ? null : iface, at },
  };
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
