import { type Static, Type } from '@sinclair/typebox';

/**
 * Events payload, version 1 (`…/events`, QoS 1): alarms and state changes as the unit saw them, sent at
 * once rather than waiting for the next telemetry batch. (bootId, seq) is unique per unit, as for records,
 * so a redelivery is dropped. Counts and codes only: never a MAC, an IP or a resident's data.
 */
export const EVENT_KINDS = [
  'bms-protection',
  'low-battery',
  'over-temperature',
  'motor-fault',
  'uplink-down',
  'portal-full',
  'state-change',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EventPayloadSchema = Type.Object(
  {
    v: Type.Literal(1),
    bootId: Type.String({ minLength: 8, maxLength: 64 }),
    seq: Type.Integer({ minimum: 0, description: 'Per-boot event sequence number' }),
    ts: Type.Integer({ minimum: 0, description: 'Unit clock, ms since epoch' }),
    kind: Type.Union(EVENT_KINDS.map((kind) => Type.Literal(kind))),
    /** True when the condition starts, false when it ends. */
    active: Type.Boolean(),
    severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
    /** Machine-readable specifics, e.g. {"flags": "cellOvervoltage"} or {"faultCode": 3}. */
    data: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{0,31}$' }),
        Type.Union([Type.Number(), Type.String({ maxLength: 120 }), Type.Boolean()]),
        // Without it a Record checks the keys that match the pattern and lets any other key through.
        { maxProperties: 16, additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type EventPayload = Static<typeof EventPayloadSchema>;
