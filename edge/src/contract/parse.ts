import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type EventPayload, EventPayloadSchema } from './events.js';
import { type StatePayload, StatePayloadSchema, type TelemetryPayload, TelemetryPayloadSchema } from './payloads.js';

/** Largest payload we accept; anything bigger is refused before JSON.parse sees it. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: ContractViolation; detail: string };

/** Why a payload was refused; stable strings the dashboard counts by. */
export type ContractViolation = 'too-large' | 'not-json' | 'schema';

function compile<T extends TSchema, V>(schema: T) {
  const check = TypeCompiler.Compile(schema);
  return (payload: Uint8Array | string): ParseResult<V> => {
    const size = typeof payload === 'string' ? payload.length : payload.byteLength;
    if (size > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'too-large', detail: `${size} bytes` };
    let json: unknown;
    try {
      json = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
    } catch (err) {
      return { ok: false, reason: 'not-json', detail: (err as Error).message };
    }
    if (!check.Check(json)) {
      const first = check.Errors(json).First();
      const detail = first ? `${first.path || '/'}: ${first.message}` : 'does not match schema';
      return { ok: false, reason: 'schema', detail };
    }
    return { ok: true, value: json as V };
  };
}

export const parseTelemetry = compile<typeof TelemetryPayloadSchema, TelemetryPayload>(TelemetryPayloadSchema);
export const parseState = compile<typeof StatePayloadSchema, StatePayload>(StatePayloadSchema);
export const parseEvent = compile<typeof EventPayloadSchema, EventPayload>(EventPayloadSchema);
