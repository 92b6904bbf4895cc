import { BridgeError } from '../errors.js';
import type { ProtocolDecoder } from '../protocol.js';
import { jsonable } from '../tools/hex.js';
import { decodeResponse } from './codec.js';
import { JbdFrameSplitter } from './frame.js';

/** JBD as the decode/replay tools see it: what the Pi receives from the BMS. */
export const jbdDecoder: ProtocolDecoder = {
  name: 'jbd',
  createSplitter: () => new JbdFrameSplitter({ direction: 'response' }),
  decode(frame) {
    try {
      return { ok: true, message: jsonable(decodeResponse(frame)) as Record<string, unknown> };
    } catch (err) {
      if (err instanceof BridgeError) return { ok: false, reason: err.code, detail: err.message };
      throw err;
    }
  },
};
