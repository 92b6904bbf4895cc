import type { DecodeOutcome, ProtocolDecoder } from '../protocol.js';
import { decodeFirmataMessage } from './codec.js';
import { type FirmataDirection, FirmataFrameSplitter } from './frame.js';

/**
 * Firmata for the capture/decode/replay tools. Defaults to the board's side of the line (what the
 * Pi hears); the host side differs only in that a lone F9 is a whole message there.
 *
 * Typed without `ProtocolDecoder['name']` until 'firmata' joins ProtocolName (see the report).
 */
/** The decoder of one direction; the name is always 'firmata'. */
export type FirmataProtocolDecoder = ProtocolDecoder & { readonly name: 'firmata' };

export function createFirmataDecoder(direction: FirmataDirection = 'fromBoard'): FirmataProtocolDecoder {
  return {
    name: 'firmata',
    createSplitter: () => new FirmataFrameSplitter({ direction }),
    decode: decodeFirmataFrame,
  };
}

export const firmataDecoder: FirmataProtocolDecoder = createFirmataDecoder();

/** Like decodeFirmataMessage, with byte fields as hex strings so the result is JSON-able. */
export function decodeFirmataFrame(frame: Uint8Array): DecodeOutcome {
  const result = decodeFirmataMessage(frame);
  if (!result.ok) return result;
  const { message } = result;
  if (message.kind !== 'sysex') return { ok: true, message };
  return {
    ok: true,
    message: { ...message, data: Array.from(message.data, (b) => b.toString(16).padStart(2, '0')).join(' ') },
  };
}
