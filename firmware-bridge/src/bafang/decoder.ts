import { BridgeError } from '../errors.js';
import type { ProtocolDecoder } from '../protocol.js';
import { decodeBafangFrame } from './codec.js';
import { BafangFrameSplitter } from './frame.js';

/** The Bafang display line for the capture/decode/replay tools: exchanges and writes, never throws. */
export const bafangDecoder: ProtocolDecoder = {
  name: 'bafang',
  createSplitter: () => new BafangFrameSplitter(),
  decode(frame) {
    try {
      return { ok: true, message: { ...decodeBafangFrame(frame) } };
    } catch (err) {
      const reason = err instanceof BridgeError ? err.code : 'BRG_FRAME_INVALID';
      return { ok: false, reason, detail: err instanceof Error ? err.message : String(err) };
    }
  },
};
