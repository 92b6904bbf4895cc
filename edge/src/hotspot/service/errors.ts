/**
 * Codes for the joins between the hotspot's layers. They follow the EDG_* scheme of ../../errors.ts and,
 * like ../system/errors.ts, are meant to move there; tests assert the codes only.
 */
export const HotspotServiceErrorCode = {
  /** The firewall was asked to allow an address that holds no DHCP lease: no MAC to bind it to. */
  NO_LEASE: 'EDG_HOTSPOT_NO_LEASE',
  /** `hostapd_cli status` answered with text that is not hostapd's status (no state=, ENABLED without a channel). */
  HOSTAPD_STATUS: 'EDG_HOTSPOT_HOSTAPD_STATUS',
  /** The runtime hostapd.conf (wifi.hostapdConfPath) could not be written; hostapd was not restarted. */
  HOSTAPD_CONF: 'EDG_HOTSPOT_HOSTAPD_CONF',
  /** `systemctl restart <wifi.hostapdUnit>` failed or could not run; the hotspot carries on without a new channel. */
  HOSTAPD_RESTART: 'EDG_HOTSPOT_HOSTAPD_RESTART',
} as const;

export type HotspotServiceErrorCode = (typeof HotspotServiceErrorCode)[keyof typeof HotspotServiceErrorCode];

export class HotspotServiceError extends Error {
  override readonly name = 'HotspotServiceError';
  readonly code: HotspotServiceErrorCode;

  constructor(code: HotspotServiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
