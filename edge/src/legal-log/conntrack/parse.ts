import { isIP } from 'node:net';
import type { NatRecord } from '../records.js';

/**
 * Parses one line of `conntrack -E -e NEW,DESTROY -o timestamp,extended` (conntrack-tools 1.4.7, as
 * conntrack(8) describes the options and this machine prints them):
 *
 *   [1795401393.679568]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.42.0.50 dst=203.0.113.10
 *   sport=40005 dport=80 [UNREPLIED] src=203.0.113.10 dst=192.168.8.100 sport=80 dport=51716
 *
 * The first `src=…` tuple is the original direction (the resident's private address and port); the
 * second is the reply direction, whose `dst`/`dport` are what masquerade translated them to. Only those
 * four values and the protocol are kept: the destination (`dst` of the first tuple) is read past, never
 * stored.
 */

export type ParsedLine =
  | { ok: true; record: NatRecord }
  /** A well-formed event this log has no use for (an UPDATE, should one be asked for). */
  | { ok: true; record: undefined }
  | { ok: false; reason: string };

/** Protocols whose tuples carry ports; the others (icmp, gre…) are logged by address alone. */
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);
const HEAD = /^\[(\d{1,12})\.(\d{1,9})\]\s+\[(NEW|DESTROY|UPDATE)\]\s+(.*)$/;
const PROTOCOL = /^[a-z0-9-]{1,16}$/;

export function parseConntrackLine(line: string): ParsedLine {
  const head = HEAD.exec(line.trim());
  if (head === null) return { ok: false, reason: 'no [timestamp] [EVENT] head' };
  const [, seconds = '', fraction = '', event = '', rest = ''] = head;
  if (event === 'UPDATE') return { ok: true, record: undefined };
  const tokens = rest.split(/\s+/);
  // ipv4 2 tcp 6 …: layer 3 name and number, then layer 4 name and number.
  const [l3, l3num, proto = '', l4num] = tokens;
  if ((l3 !== 'ipv4' && l3 !== 'ipv6') || !isNumber(l3num) || !PROTOCOL.test(proto) || !isNumber(l4num)) {
    return { ok: false, reason: 'no "ipv4|ipv6 <n> <protocol> <n>" after the event' };
  }
  const tuples = tupleValues(tokens.slice(4));
  const [original, reply] = tuples;
  if (original === undefined || reply === undefined) return { ok: false, reason: 'fewer than two tuples' };
  const ip = original.get('src');
  const natIp = reply.get('dst');
  if (ip === undefined || isIP(ip) === 0 || natIp === undefined || isIP(natIp) === 0) {
    return { ok: false, reason: 'a tuple lacks a valid src or dst address' };
  }
  const at = Number(seconds) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
  const record: NatRecord = { kind: 'nat', event: event === 'NEW' ? 'new' : 'destroy', at, proto, ip, natIp };
  if (PORT_PROTOCOLS.has(proto)) {
    const port = toPort(original.get('sport'));
    const natPort = toPort(reply.get('dport'));
    if (port === undefined || natPort === undefined) return { ok: false, reason: `a ${proto} tuple lacks its ports` };
    record.port = port;
    record.natPort = natPort;
  }
  return { ok: true, record };
}

/** key=value tokens grouped into tuples, each starting at a `src=`; bracketed flags and the rest skipped. */
function tupleValues(tokens: readonly string[]): Array<Map<string, string>> {
  const tuples: Array<Map<string, string>> = [];
  for (const token of tokens) {
    const equals = token.indexOf('=');
    if (equals <= 0) continue;
    const key = token.slice(0, equals);
    const value = token.slice(equals + 1);
    if (key === 'src') {
      if (tuples.length === 2) break;
      tuples.push(new Map());
    }
    const tuple = tuples[tuples.length - 1];
    // Keys after the reply tuple (portid=, id=, mark=…) never overwrite the tuple's own values.
    if (tuple !== undefined && !tuple.has(key)) tuple.set(key, value);
  }
  return tuples;
}

function isNumber(value: string | undefined): boolean {
  return value !== undefined && /^\d{1,5}$/.test(value);
}

function toPort(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 65_535 ? port : undefined;
}
