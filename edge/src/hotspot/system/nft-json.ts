import { isIpv4, normalizeMac } from './addresses.js';
import { HotspotError, HotspotErrorCode } from './errors.js';

/**
 * Readers for `nft -j` output (libnftables JSON schema 1, nft 1.0.x). They accept only the shapes this
 * table produces and say so with a coded error otherwise, rather than guess at a newer nft's output.
 */

export interface ByteCounter {
  packets: number;
  bytes: number;
}

export interface AllowedElement {
  ip: string;
  mac: string;
  /** Seconds until the kernel drops the element; null for an element added without a timeout. */
  expiresS: number | null;
  /** Upload through the Pi since the element was (re)added: the set's per-element counter. */
  up: ByteCounter;
}

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function bad(what: string): never {
  throw new HotspotError(HotspotErrorCode.NFT_OUTPUT, `unexpected nft JSON: ${what}`);
}

/** The objects of an `nft -j` listing; `fail` throws the caller's own coded error. */
export function nftEntries(stdout: string, fail: (what: string) => never = bad): Json[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    fail('not JSON');
  }
  if (!isObject(parsed) || !Array.isArray(parsed.nftables)) fail('no "nftables" array');
  return parsed.nftables.filter(isObject);
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) bad(`${what} is not a count`);
  return value;
}

function counterOf(value: unknown, what: string): ByteCounter {
  if (!isObject(value)) bad(`${what} has no counter`);
  return { packets: count(value.packets, `${what} packets`), bytes: count(value.bytes, `${what} bytes`) };
}

/** `nft -j list counters table inet <table>` → counters by name. */
export function parseCounters(stdout: string): Map<string, ByteCounter> {
  const counters = new Map<string, ByteCounter>();
  for (const entry of nftEntries(stdout)) {
    const counter = entry.counter;
    if (!isObject(counter)) continue;
    if (typeof counter.name !== 'string') bad('a counter without a name');
    counters.set(counter.name, counterOf(counter, `counter ${counter.name}`));
  }
  return counters;
}

/** `nft -j list set inet <table> allowed` (type ipv4_addr . ether_addr, with counters) → its elements. */
export function parseAllowedSet(stdout: string): AllowedElement[] {
  const set = nftEntries(stdout).find((entry) => isObject(entry.set))?.set;
  if (!isObject(set)) bad('no set in the listing');
  if (set.elem === undefined) return [];
  if (!Array.isArray(set.elem)) bad('set elements are not a list');
  return set.elem.map(parseElement);
}

function parseElement(raw: unknown): AllowedElement {
  // An element with a timeout or counter is wrapped as {"elem": {"val": …}}; a bare one is just its value.
  const wrapped = isObject(raw) && isObject(raw.elem) ? raw.elem : undefined;
  const value = wrapped ? wrapped.val : raw;
  const parts = isObject(value) ? value.concat : undefined;
  if (!Array.isArray(parts) || parts.length !== 2) bad('an element that is not an ip . mac pair');
  const [ip, rawMac] = parts;
  const mac = normalizeMac(rawMac);
  if (!isIpv4(ip) || mac === undefined) bad('an element whose ip or mac is malformed');
  const expires = wrapped?.expires;
  return {
    ip,
    mac,
    expiresS: expires === undefined ? null : Math.ceil(count(expires, 'expires')),
    up: wrapped?.counter === undefined ? { packets: 0, bytes: 0 } : counterOf(wrapped.counter, 'element'),
  };
}
