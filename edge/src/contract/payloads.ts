import { type Static, Type } from '@sinclair/typebox';

/**
 * Payload schemas, version 1. JSON over MQTT 3.1.1 (aedes speaks nothing newer),
 * so nothing here relies on MQTT 5 properties.
 */

const Num = (description: string) => Type.Number({ description });

export const DeviceStateSchema = Type.Union(
  [
    Type.Literal('connecting'),
    Type.Literal('connected'),
    Type.Literal('asleep'),
    Type.Literal('silent'),
    Type.Literal('stopped'),
  ],
  { description: 'Link state of the serial device, as the driver sees it.' },
);

export const BatteryRecordSchema = Type.Object(
  {
    state: DeviceStateSchema,
    socPct: Type.Number({ minimum: 0, maximum: 100, description: 'State of charge, %' }),
    voltageV: Num('Pack voltage, V'),
    currentA: Num('Pack current, A; negative while discharging'),
    remainingAh: Num('Remaining capacity, Ah'),
    nominalAh: Num('Nominal capacity, Ah'),
    cycles: Type.Integer({ minimum: 0 }),
    cellsV: Type.Optional(Type.Array(Type.Number(), { maxItems: 32, description: 'Cell voltages, V' })),
    temperaturesC: Type.Array(Type.Number(), { maxItems: 16 }),
    protection: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 16, description: 'Active protection flags' }),
    fets: Type.Object({ charge: Type.Boolean(), discharge: Type.Boolean() }),
  },
  { additionalProperties: false },
);

export const TelemetryRecordSchema = Type.Object(
  {
    seq: Type.Integer({ minimum: 0, description: 'Per-boot sequence number; (bootId, seq) is unique' }),
    ts: Type.Integer({ minimum: 0, description: 'Unit clock, ms since epoch' }),
    historical: Type.Boolean({ description: 'True when replayed from the outbox after a disconnect' }),
    battery: Type.Optional(BatteryRecordSchema),
  },
  { additionalProperties: false },
);

export const TelemetryPayloadSchema = Type.Object(
  {
    v: Type.Literal(1),
    bootId: Type.String({ minLength: 8, maxLength: 64 }),
    records: Type.Array(TelemetryRecordSchema, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);

export const StatePayloadSchema = Type.Object(
  {
    v: Type.Literal(1),
    state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    bootId: Type.String({ minLength: 8, maxLength: 64 }),
    ts: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export type BatteryRecord = Static<typeof BatteryRecordSchema>;
export type TelemetryRecord = Static<typeof TelemetryRecordSchema>;
export type TelemetryPayload = Static<typeof TelemetryPayloadSchema>;
export type StatePayload = Static<typeof StatePayloadSchema>;
