/**
 * One error class for the whole bridge, with stable string codes.
 * Codes are never reused: add new ones at the end, retire old ones by leaving them in place.
 */
export const BridgeErrorCode = {
  /** A request got no matching response before its deadline. */
  TIMEOUT: 'BRG_TIMEOUT',
  /** A response arrived but its status byte says the device refused the request. */
  DEVICE_ERROR: 'BRG_DEVICE_ERROR',
  /** A frame passed the checksum but its payload is shorter than its register needs. */
  PAYLOAD_SHORT: 'BRG_PAYLOAD_SHORT',
  /** The serial port could not be opened (missing path, permissions, busy). */
  PORT_OPEN: 'BRG_PORT_OPEN',
  /** A write was attempted on a closed or failed transport. */
  PORT_CLOSED: 'BRG_PORT_CLOSED',
  /** A request was abandoned because the driver was stopped. */
  ABORTED: 'BRG_ABORTED',
  /** An argument given to an encoder is outside what the wire format can carry. */
  ENCODE_RANGE: 'BRG_ENCODE_RANGE',
  /** Bytes handed to a decoder are not one well-formed frame (start, length, checksum or end byte). */
  FRAME_INVALID: 'BRG_FRAME_INVALID',
  /** No pseudo-terminal pair could be made (socat missing, exited early, or too slow to start). */
  PTY_UNAVAILABLE: 'BRG_PTY_UNAVAILABLE',
  /** A VESC selective reply echoed a different field mask than the one requested. */
  MASK_MISMATCH: 'BRG_MASK_MISMATCH',
  /** A driver or simulator option is invalid (checked at construction). */
  OPTION_INVALID: 'BRG_OPTION_INVALID',
  /** gpsd answered something that is not its JSON protocol, or closed the connection. */
  GPSD_PROTOCOL: 'BRG_GPSD_PROTOCOL',
  /** The Firmata board did not report ready (wrong sketch, wrong baud rate, not an Arduino). */
  BOARD_NOT_READY: 'BRG_BOARD_NOT_READY',
  /** Something tried to transmit on a listen-only line (a KT or Bafang display bus). */
  TRANSMIT_FORBIDDEN: 'BRG_TRANSMIT_FORBIDDEN',
  /** An open port went away: the USB adapter was unplugged or the pty's other end died. */
  PORT_LOST: 'BRG_PORT_LOST',
  /** Text given as hex is not hex (decode --hex). */
  HEX_INVALID: 'BRG_HEX_INVALID',
  /** A capture file line is not in the capture format. */
  CAPTURE_FORMAT: 'BRG_CAPTURE_FORMAT',
} as const;

export type BridgeErrorCode = (typeof BridgeErrorCode)[keyof typeof BridgeErrorCode];

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  readonly code: BridgeErrorCode;

  constructor(code: BridgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isBridgeError(err: unknown, code?: BridgeErrorCode): err is BridgeError {
  return err instanceof BridgeError && (code === undefined || err.code === code);
}
