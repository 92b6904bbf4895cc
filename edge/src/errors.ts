/** Stable error codes for the edge service. Never reuse a code; add new ones at the end. */
export const EdgeErrorCode = {
  CONFIG_READ: 'EDG_CONFIG_READ',
  CONFIG_JSON: 'EDG_CONFIG_JSON',
  CONFIG_INVALID: 'EDG_CONFIG_INVALID',
  SERIAL_OPEN: 'EDG_SERIAL_OPEN',
  MQTT_AUTH: 'EDG_MQTT_AUTH',
  MQTT_UNREACHABLE: 'EDG_MQTT_UNREACHABLE',
  MQTT_PUBLISH: 'EDG_MQTT_PUBLISH',
  /** A technician tool got input it cannot use (unknown protocol, bad hex, unreadable file). */
  TOOL_INPUT: 'EDG_TOOL_INPUT',
  /** A command request that is not JSON, breaks the request schema, or carries bad args. */
  CMD_INVALID: 'EDG_CMD_INVALID',
  /** A command name the unit does not know. */
  CMD_UNKNOWN: 'EDG_CMD_UNKNOWN',
  /** A command request over MAX_COMMAND_BYTES, refused unread. */
  CMD_TOO_LARGE: 'EDG_CMD_TOO_LARGE',
  /** A command published retained: refused, or it would run again at every reconnect. */
  CMD_RETAINED: 'EDG_CMD_RETAINED',
  /** Too many commands running at once; try again. */
  CMD_BUSY: 'EDG_CMD_BUSY',
  /** The command's handler threw, or returned something outside the contract. */
  CMD_FAILED: 'EDG_CMD_FAILED',
  /** The command's handler did not finish within its time limit. */
  CMD_TIMEOUT: 'EDG_CMD_TIMEOUT',
  /** The broker refused the unit's subscription to its own cmd topics (ACL). */
  CMD_SUBSCRIBE: 'EDG_CMD_SUBSCRIBE',
  /** The outbox file cannot be opened: not a database, corrupt, unwritable, or from a newer schema. */
  OUTBOX_OPEN: 'EDG_OUTBOX_OPEN',
  /** The disk (or the outbox's page cap) is full: none of that append's records were stored. */
  OUTBOX_FULL: 'EDG_OUTBOX_FULL',
  /** A record handed to the outbox is malformed (empty bootId, non-integer seq or ts, non-string payload). */
  OUTBOX_RECORD: 'EDG_OUTBOX_RECORD',
  /** The outbox already holds that (bootId, seq): the caller numbered two records alike. */
  OUTBOX_DUPLICATE: 'EDG_OUTBOX_DUPLICATE',
  /** Any other storage failure on an open outbox (I/O error, use after close). */
  OUTBOX_IO: 'EDG_OUTBOX_IO',
  /** An event the unit built does not match the events contract (a bug, never sent). */
  EVENT_INVALID: 'EDG_EVENT_INVALID',
} as const;

export type EdgeErrorCode = (typeof EdgeErrorCode)[keyof typeof EdgeErrorCode];

export class EdgeError extends Error {
  override readonly name = 'EdgeError';
  readonly code: EdgeErrorCode;

  constructor(code: EdgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isEdgeError(err: unknown, code?: EdgeErrorCode): err is EdgeError {
  return err instanceof EdgeError && (code === undefined || err.code === code);
}
