/**
 * Stable codes for Wi-Fi management (site survey, depot network, capacity). They follow the EDG_* scheme
 * of ../errors.ts, like the hotspot's own codes; tests assert the codes only.
 */
export const WifiErrorCode = {
  /** nmcli is not installed or cannot be started (no NetworkManager on this unit). */
  TOOL_MISSING: 'EDG_WIFI_TOOL_MISSING',
  /** nmcli ran and failed: exit status and NetworkManager's message are in the error. */
  COMMAND_FAILED: 'EDG_WIFI_COMMAND',
  /** nmcli answered with output this code cannot read (no scan line parsed, a state that is not a number). */
  OUTPUT: 'EDG_WIFI_OUTPUT',
  /** A depot network setting that nmcli would misread (control characters, a PSK of the wrong length). */
  BAD_INPUT: 'EDG_WIFI_INPUT',
  /** The shared radio could not change hands: hostapd would not stop or start, or NetworkManager refused it. */
  RADIO_HANDOVER: 'EDG_WIFI_RADIO',
  /** The depot PSK file cannot be read. */
  PSK_FILE: 'EDG_WIFI_PSK_FILE',
} as const;

export type WifiErrorCode = (typeof WifiErrorCode)[keyof typeof WifiErrorCode];

export class WifiError extends Error {
  override readonly name = 'WifiError';
  readonly code: WifiErrorCode;

  constructor(code: WifiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isWifiError(err: unknown, code?: WifiErrorCode): err is WifiError {
  return err instanceof WifiError && (code === undefined || err.code === code);
}
