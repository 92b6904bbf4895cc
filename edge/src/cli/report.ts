import { BridgeErrorCode, isBridgeError } from '@triporteur/firmware-bridge';
import { EdgeErrorCode, isEdgeError } from '../errors.js';
import { isLegalLogError, LegalLogErrorCode } from '../legal-log/errors.js';

/** Exit codes a systemd unit or a technician's script can act on. */
/** `config` also covers any bad input a person gave on the command line. */
export const EXIT = { ok: 0, unexpected: 1, config: 2, serial: 3, brokerAuth: 4, storage: 5 } as const;

/**
 * Turns any failure into one line a person understands, prefixed by its stable code,
 * and the exit code to use. Never a bare stack trace.
 */
export function describeFailure(err: unknown): { line: string; exitCode: number } {
  if (isEdgeError(err)) {
    const exitCode =
      err.code === EdgeErrorCode.SERIAL_OPEN
        ? EXIT.serial
        : err.code === EdgeErrorCode.MQTT_AUTH
          ? EXIT.brokerAuth
          : err.code.startsWith('EDG_OUTBOX')
            ? EXIT.storage
            : err.code.startsWith('EDG_CONFIG') || err.code === EdgeErrorCode.TOOL_INPUT
              ? EXIT.config
              : EXIT.unexpected;
    return { line: `error ${err.code}: ${err.message}`, exitCode };
  }
  if (isLegalLogError(err)) {
    // Everything the export and keygen refuse comes from what the person typed or the files they gave.
    const badInput = err.code !== LegalLogErrorCode.CONNTRACK_START && err.code !== LegalLogErrorCode.WRITE_FAILED;
    return { line: `error ${err.code}: ${err.message}`, exitCode: badInput ? EXIT.config : EXIT.unexpected };
  }
  if (isBridgeError(err)) {
    const badInput = err.code === BridgeErrorCode.HEX_INVALID || err.code === BridgeErrorCode.CAPTURE_FORMAT;
    return { line: `error ${err.code}: ${err.message}`, exitCode: badInput ? EXIT.config : EXIT.unexpected };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { line: `error EDG_UNEXPECTED: ${message} (please report this with the log)`, exitCode: EXIT.unexpected };
}
