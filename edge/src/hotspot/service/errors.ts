/**
 * Codes for the joins between the hotspot's layers. They follow the EDG_* scheme of ../../errors.ts and,
 * like ../system/errors.ts, are meant to move there; tests assert the codes only.
 */
export const HotspotServiceErrorCode = {
  /** The firewall was asked to allow an address that holds no DHCP lease: no MAC to bind it to. */
  NO_LEASE: 'EDG_HOTSPOT_NO_LEASE',
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
