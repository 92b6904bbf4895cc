/**
 * Stable codes for fair sharing and filtering (tc shaping, kernel byte counts, the DNS blocklist), in
 * the EDG_* scheme of ../../errors.ts like ../system/errors.ts; tests assert the codes only.
 */
export const SharingErrorCode = {
  /** A blocklist line that is not a domain name; the message names the file's line. */
  BLOCKLIST_INVALID: 'EDG_HOTSPOT_BLOCKLIST_INVALID',
  /** The blocklist file cannot be read, or its dnsmasq form cannot be written. */
  BLOCKLIST_IO: 'EDG_HOTSPOT_BLOCKLIST_IO',
  /** tc refused the shaping tree (other than a missing interface, which is reported, not thrown). */
  SHAPER_FAILED: 'EDG_HOTSPOT_SHAPER',
  /** tc or nft answered with output this code does not understand. */
  TOOL_OUTPUT: 'EDG_HOTSPOT_SHARING_OUTPUT',
  /** A ceiling or quota that the DHCP range cannot carry (more addresses than classes or counters). */
  CONFIG: 'EDG_HOTSPOT_SHARING_CONFIG',
} as const;

export type SharingErrorCode = (typeof SharingErrorCode)[keyof typeof SharingErrorCode];

export class SharingError extends Error {
  override readonly name = 'SharingError';
  readonly code: SharingErrorCode;

  constructor(code: SharingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
