/**
 * Stable codes for 4G health read from ModemManager. They follow the EDG_* scheme of ../errors.ts;
 * tests assert the codes only.
 */
export const ModemErrorCode = {
  /** mmcli is not installed or cannot be started (no ModemManager: a router-only unit). */
  TOOL_MISSING: 'EDG_MODEM_TOOL_MISSING',
  /** mmcli ran and failed (ModemManager not running, modem gone mid-read) or did not finish in time. */
  COMMAND_FAILED: 'EDG_MODEM_COMMAND',
  /** mmcli's output is not the JSON it documents: the reading is refused, the last good one kept. */
  OUTPUT: 'EDG_MODEM_OUTPUT',
} as const;

export type ModemErrorCode = (typeof ModemErrorCode)[keyof typeof ModemErrorCode];

export class ModemError extends Error {
  override readonly name = 'ModemError';
  readonly code: ModemErrorCode;

  constructor(code: ModemErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isModemError(err: unknown, code?: ModemErrorCode): err is ModemError {
  return err instanceof ModemError && (code === undefined || err.code === code);
}
