import { isBridgeError } from '../errors.js';
import type { DecodeOutcome, ProtocolDecoder } from '../protocol.js';
import { decodeReplyPayload, VescCommand } from './codec.js';
import { vescFaultName } from './faults.js';
import { unwrapVescFrame, VescFrameSplitter } from './frame.js';

/**
 * The `vesc` protocol for the capture/decode tools. A capture may hold both directions, and a
 * request shares its command byte with its reply, so a payload exactly the shape of a request is
 * called one: `[0]`, `[4]`, `[50, mask]` (a selective reply that selects no known field looks the same, and says nothing anyway).
 */
export const vescDecoder: ProtocolDecoder = {
  name: 'vesc',
  createSplitter: () => new VescFrameSplitter(),
  decode(frame: Uint8Array): DecodeOutcome {
    try {
      const payload = unwrapVescFrame(frame);
      const request = asRequest(payload);
      if (request !== undefined) return { ok: true, message: { direction: 'request', ...request } };
      return { ok: true, message: { direction: 'reply', ...jsonable(decodeReplyPayload(payload)) } };
    } catch (err) {
      if (!isBridgeError(err)) throw err;
      return { ok: false, reason: err.code, detail: err.message };
    }
  },
};

function asRequest(payload: Uint8Array): Record<string, unknown> | undefined {
  const [command] = payload;
  if (payload.length === 1 && command === VescCommand.fwVersion) return { kind: 'fwVersion' };
  if (payload.length === 1 && command === VescCommand.getValues) return { kind: 'getValues' };
  if (payload.length === 5 && command === VescCommand.getValuesSelective) {
    return { kind: 'getValuesSelective', mask: new DataView(payload.buffer, payload.byteOffset + 1, 4).getUint32(0) };
  }
  return undefined;
}

/** Byte arrays as hex strings and the fault code's name next to it, so the message survives JSON.stringify. */
function jsonable(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field instanceof Uint8Array) out[key] = Array.from(field, (b) => b.toString(16).padStart(2, '0')).join('');
    else if (field !== null && typeof field === 'object' && !Array.isArray(field)) out[key] = jsonable(field);
    else out[key] = field;
    if (key === 'faultCode' && typeof field === 'number') out.faultName = vescFaultName(field);
  }
  return out;
}
