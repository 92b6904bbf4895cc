import { isBridgeError } from '../errors.js';
import type { DecodeOutcome, ProtocolDecoder } from '../protocol.js';
import { decodeSentence } from './codec.js';
import { NmeaSplitter } from './splitter.js';

/** NMEA 0183 for the capture/decode/replay tools: the strict splitter, and one sentence per frame. */
export const nmeaDecoder: ProtocolDecoder = {
  name: 'nmea',
  createSplitter: () => new NmeaSplitter(),
  decode(frame: Uint8Array): DecodeOutcome {
    try {
      const message: Record<string, unknown> = {};
      // Absent fields are left out rather than carried as undefined, so the message is plain JSON.
      for (const [key, value] of Object.entries(decodeSentence(frame))) if (value !== undefined) message[key] = value;
      return { ok: true, message };
    } catch (err) {
      if (isBridgeError(err)) return { ok: false, reason: err.code, detail: err.message };
      return { ok: false, reason: 'unexpected', detail: String(err) };
    }
  },
};
