/**
 * Stable codes for technician commands sent from the fleet side. Never reuse a code; add new ones at the end.
 * Messages are French: they reach the technician as they are.
 */
export const CommandErrorCode = {
  BAD_ARGS: 'DSH_CMD_BAD_ARGS',
  UNKNOWN_COMMAND: 'DSH_CMD_UNKNOWN',
  UNKNOWN_UNIT: 'DSH_CMD_UNKNOWN_UNIT',
  UNIT_OFFLINE: 'DSH_CMD_UNIT_OFFLINE',
  BUSY: 'DSH_CMD_BUSY',
  TIMEOUT: 'DSH_CMD_TIMEOUT',
  /** The unit answered with a result outside the contract (e.g. a unit on other software). */
  BAD_REPLY: 'DSH_CMD_BAD_REPLY',
  SUBSCRIBE: 'DSH_CMD_SUBSCRIBE',
  PUBLISH: 'DSH_CMD_PUBLISH',
  CLOSED: 'DSH_CMD_CLOSED',
} as const;

export type CommandErrorCode = (typeof CommandErrorCode)[keyof typeof CommandErrorCode];

export class CommandClientError extends Error {
  override readonly name = 'CommandClientError';
  readonly code: CommandErrorCode;
  /** Correlation id of the request, once one was sent: it is what the unit logs. */
  readonly id: string | undefined;

  constructor(code: CommandErrorCode, message: string, options: { cause?: unknown; id?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.id = options.id;
  }
}

export function isCommandClientError(err: unknown, code?: CommandErrorCode): err is CommandClientError {
  return err instanceof CommandClientError && (code === undefined || err.code === code);
}
