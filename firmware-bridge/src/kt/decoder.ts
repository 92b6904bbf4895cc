import { BridgeError } from '../errors.js';
import type { ProtocolDecoder } from '../protocol.js';
import { decodeKtFrame } from './codec.js';
import { KtFrameSplitter } from './frame.js';

/** The KT display line for the capture/decode/replay tools: both directions, never throws. */
export const ktDecoder: ProtocolDecoder = {
  name: 'kt',
  createSplitter: () => new KtFrameSplitter(),
  decode(frame) {
    try {
      return { ok: true, message: { ...decodeKtFrame(frame) } };
    } catch (err) {
      const reason = err instanceof BridgeError ? err.code : 'BRG_FRAME_INVALID';
      return { ok: false, reason, detail: err instanceof Error ? err.message : String(err) };
    }
  },
};
