import { BridgeError } from '../errors.js';
import type { DecodeOutcome, ProtocolDecoder } from '../protocol.js';
import { DalyHostAddress, decodeRequest, decodeResponse, isHostAddress, kindOf } from './codec.js';
import { DalyFrameSplitter } from './frame.js';

const LINK_BY_ADDRESS: Record<number, string> = {
  [DalyHostAddress.rs485]: 'rs485',
  [DalyHostAddress.uart]: 'uart',
  [DalyHostAddress.gprs]: 'gprs',
};

/**
 * Daly A5 as the capture/decode tools see it. A sniffed line carries both directions, so requests
 * decode too (`direction: 'request'`). Every field of the message is plain JSON.
 */
export const dalyDecoder: ProtocolDecoder = {
  name: 'daly',
  createSplitter: () => new DalyFrameSplitter(),
  decode(frame: Uint8Array): DecodeOutcome {
    try {
      if (frame.length > 1 && isHostAddress(frame[1] ?? 0)) {
        const request = decodeRequest(frame);
        return {
          ok: true,
          message: {
            direction: 'request',
            kind: kindOf(request.id) ?? 'other',
            link: LINK_BY_ADDRESS[request.address],
            ...request,
          },
        };
      }
      return { ok: true, message: { direction: 'response', ...decodeResponse(frame) } };
    } catch (err) {
      if (err instanceof BridgeError) return { ok: false, reason: err.code, detail: err.message };
      return { ok: false, reason: 'unexpected', detail: String(err) };
    }
  },
};
