import { isInterfaceName, normalizeMac } from './addresses.js';
import { discard, type Parsed } from './parsed.js';

/**
 * hostapd's station events as hostapd_cli prints them when attached to a BSS's control socket (see
 * hostapdCliCommand), or as an action script receives them (`hostapd_cli -a script`: "<ifname> <event>
 * <mac>"). Sessions end on AP-STA-DISCONNECTED; a lost control connection means events may have been
 * missed, so the reader should list the stations again (`list_sta`) once it is restored.
 */
export type HostapdEvent =
  | { type: 'connected'; mac: string; interface: string | null }
  | { type: 'disconnected'; mac: string; interface: string | null }
  /** hostapd_cli lost its control socket (hostapd restarted or stopped). */
  | { type: 'link-lost' }
  /** hostapd_cli is attached again: list the stations (`all_sta`) to catch up. */
  | { type: 'link-restored' }
  /** Any other hostapd event (AP-ENABLED, AP-DISABLED, CTRL-EVENT-TERMINATING…), by name. */
  | { type: 'other'; name: string; interface: string | null };

/**
 * The command that streams one BSS's events on stdout, one per line, until its stdin closes. hostapd_cli
 * block-buffers stdout when it is a pipe, so events can sit unseen in its buffer: stdbuf makes it flush
 * every line. It pings hostapd every `pingS` seconds and says so when the link drops or comes back.
 */
export function hostapdCliCommand(controlDir: string, iface: string, pingS = 5): { file: string; args: string[] } {
  return { file: 'stdbuf', args: ['-oL', 'hostapd_cli', `-p${controlDir}`, `-i${iface}`, `-G${pingS}`] };
}

const EVENT_NAME = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$/;
const MAX_LINE_CHARS = 2048;

export function parseHostapdEvent(line: string): Parsed<HostapdEvent> {
  const fail = (reason: string) => discard<HostapdEvent>(line, reason);
  if (line.length > MAX_LINE_CHARS) return fail('line too long');
  // Interactive hostapd_cli prefixes events with its "> " prompt; lines end with a space or CR.
  let text = line.trim().replace(/^(?:>\s*)+/, '');
  if (text.startsWith('Connection to hostapd lost')) return { ok: true, value: { type: 'link-lost' } };
  if (text.startsWith('Connection to hostapd re-established')) return { ok: true, value: { type: 'link-restored' } };

  let iface: string | null = null;
  const global = /^IFNAME=(\S+)\s+/.exec(text);
  if (global?.[1] !== undefined) {
    if (!isInterfaceName(global[1])) return fail('bad interface name');
    iface = global[1];
    text = text.slice(global[0].length);
  }
  const tokens = text.replace(/^<[0-9]>/, '').split(/\s+/);
  // Action-script form: the interface comes first.
  if (tokens.length >= 2 && !EVENT_NAME.test(tokens[0] ?? '') && EVENT_NAME.test(tokens[1] ?? '')) {
    if (!isInterfaceName(tokens[0])) return fail('bad interface name');
    iface = tokens.shift() ?? null;
  }
  const [name = '', first] = tokens;
  if (!EVENT_NAME.test(name)) return fail('not a hostapd event');
  if (name === 'AP-STA-CONNECTED' || name === 'AP-STA-DISCONNECTED') {
    // Further fields (keyid=, ip_addr=, p2p_dev_addr=) may follow the MAC; the MAC is all we need.
    const mac = normalizeMac(first);
    if (mac === undefined) return fail('station event without a MAC');
    return {
      ok: true,
      value: { type: name === 'AP-STA-CONNECTED' ? 'connected' : 'disconnected', mac, interface: iface },
    };
  }
  return { ok: true, value: { type: 'other', name, interface: iface } };
}

/**
 * The stations `hostapd_cli all_sta` lists: each starts with its MAC alone on a line, followed by
 * key=value lines. Used to catch up after a restart or a lost control connection.
 */
export function parseAllSta(text: string): string[] {
  const macs: string[] = [];
  for (const line of text.split('\n')) {
    const mac = normalizeMac(line.trim());
    if (mac !== undefined) macs.push(mac);
  }
  return macs;
}
