/**
 * Stable codes for the hotspot's system layer (nft, dnsmasq, hostapd). They follow the EDG_* scheme of
 * ../../errors.ts and are meant to move there, with this class replaced by EdgeError; tests assert the
 * codes only, so the move changes no test.
 */
export const HotspotErrorCode = {
  /** A system command ran and exited non-zero (nft refused a ruleset, an element, a listing). */
  COMMAND_FAILED: 'EDG_HOTSPOT_COMMAND',
  /** A system command could not be started at all (not installed, not executable). */
  COMMAND_START: 'EDG_HOTSPOT_COMMAND_START',
  /** A system command did not finish within its time limit and was killed. */
  COMMAND_TIMEOUT: 'EDG_HOTSPOT_COMMAND_TIMEOUT',
  /** An address, MAC or timeout handed to the firewall is malformed: refused before any command runs. */
  BAD_INPUT: 'EDG_HOTSPOT_INPUT',
  /** nft answered with JSON this code does not understand (a newer nft, or another table's shape). */
  NFT_OUTPUT: 'EDG_HOTSPOT_NFT_OUTPUT',
} as const;

export type HotspotErrorCode = (typeof HotspotErrorCode)[keyof typeof HotspotErrorCode];

export class HotspotError extends Error {
  override readonly name = 'HotspotError';
  readonly code: HotspotErrorCode;

  constructor(code: HotspotErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
