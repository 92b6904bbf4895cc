import { type Static, Type } from '@sinclair/typebox';
import { UNIT_ID_PATTERN } from '../contract/topics.js';

/**
 * The edge config file, version 1. This schema is the single source of the type,
 * the defaults and the validation; see docs/configuration.md.
 */
export const CONFIG_VERSION = 1;

export const EdgeConfigSchema = Type.Object(
  {
    configVersion: Type.Literal(CONFIG_VERSION),
    unitId: Type.String({ pattern: UNIT_ID_PATTERN, description: 'Lower-case slug, e.g. "tri-lyon-01"' }),
    bms: Type.Object(
      {
        type: Type.Literal('jbd'),
        path: Type.String({ minLength: 1, description: 'Serial device, e.g. /dev/triporteur-bms' }),
        baudRate: Type.Integer({ default: 9600, minimum: 1200, maximum: 921600 }),
        pollIntervalMs: Type.Integer({ default: 5000, minimum: 200, maximum: 600000 }),
        responseTimeoutMs: Type.Integer({ default: 1000, minimum: 50, maximum: 10000 }),
      },
      { additionalProperties: false },
    ),
    mqtt: Type.Object(
      {
        url: Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://', description: 'Broker URL' }),
        username: Type.String({ minLength: 1 }),
        password: Type.String({ minLength: 1 }),
        caFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA bundle for mqtts://' })),
        // Cellular NATs drop idle mappings after a few minutes; 60 s keeps the one session alive cheaply.
        keepaliveS: Type.Integer({ default: 60, minimum: 10, maximum: 1200 }),
        reconnectMs: Type.Integer({ default: 5000, minimum: 500, maximum: 300000 }),
      },
      { additionalProperties: false },
    ),
    telemetry: Type.Object(
      {
        publishIntervalMs: Type.Integer({ default: 10000, minimum: 200, maximum: 3600000 }),
        /** Records per MQTT message at most; a backlog drains in several. */
        maxBatch: Type.Integer({ default: 100, minimum: 1, maximum: 500 }),
      },
      { additionalProperties: false, default: {} },
    ),
    outbox: Type.Object(
      {
        /** SQLite file that holds every record until the broker acknowledges it (docs/outbox.md). */
        path: Type.String({ minLength: 1, default: '/var/lib/triporteur/outbox.db' }),
        maxRows: Type.Integer({ default: 200_000, minimum: 100 }),
        // 48 h, like Victron's backlog: long enough for a weekend in a dead zone.
        maxAgeMs: Type.Integer({ default: 48 * 3600_000, minimum: 60_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type EdgeConfig = Static<typeof EdgeConfigSchema>;
