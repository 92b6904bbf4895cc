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
