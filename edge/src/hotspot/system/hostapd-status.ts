/**
 * What `hostapd_cli -p<dir> -i<iface> status` prints: key=value lines written by hostapd's
 * hostapd_ctrl_iface_status() (src/ap/ctrl_iface_ap.c): `state=` first, one of hostapd_state_text()'s
 * words (UNINITIALIZED, DISABLED, COUNTRY_UPDATE, ACS, HT_SCAN, DFS, NO_IR, ENABLED, UNKNOWN), then the
 * radio's `channel=` and, per BSS, bssid[n]= and ssid[n]=. Only the state and the channel are read: the
 * rest names the unit's own networks and is never kept or logged.
 */
export interface HostapdStatus {
  state: string;
  /** Absent while the interface is not set up (hostapd reports the configured channel, or 0). */
  channel?: number;
}

/** The one state in which hostapd is beaconing and serving stations. */
export const HOSTAPD_ENABLED = 'ENABLED';

const STATE = /^[A-Z][A-Z_]*$/;

/**
 * The state and channel of a status answer, or a reason why it is not one (a banner, a newer format):
 * the reason never quotes the answer.
 */
export function parseHostapdStatus(stdout: string): { ok: true; value: HostapdStatus } | { ok: false; reason: string } {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    // Interactive hostapd_cli echoes "Selected interface 'x'" first; only the first value of a key counts.
    if (!fields.has(key)) fields.set(key, line.slice(eq + 1).trim());
  }
  const state = fields.get('state');
  if (state === undefined) return { ok: false, reason: 'no state= line' };
  if (!STATE.test(state)) return { ok: false, reason: 'state= is not a hostapd state word' };
  const raw = fields.get('channel');
  const channel = raw !== undefined && /^\d{1,3}$/.test(raw) ? Number(raw) : undefined;
  if (state === HOSTAPD_ENABLED && (channel === undefined || channel < 1)) {
    return { ok: false, reason: 'state=ENABLED without a channel= number' };
  }
  return { ok: true, value: channel !== undefined && channel > 0 ? { state, channel } : { state } };
}
