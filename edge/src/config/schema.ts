import { type Static, Type } from '@sinclair/typebox';
import { UNIT_ID_PATTERN } from '../contract/topics.js';
import { AuxDeviceSchema, BmsDeviceSchema, GpsDeviceSchema, MotorDeviceSchema } from '../devices/config.js';
import { HotspotSectionSchema } from '../hotspot/edge-config.js';
import { LegalLogSectionSchema } from '../legal-log/config.js';
import { ModemSectionSchema } from '../modem/config.js';
import { PrivacyConfigSchema } from '../privacy/config.js';
import { RecordsConfigSchema } from '../records/config.js';
import { DepotSectionSchema } from '../wifi/config.js';

/**
 * The edge config file, version 1. This schema is the single source of the type,
 * the defaults and the validation; see docs/configuration.md.
 */
export const CONFIG_VERSION = 1;

export const EdgeConfigSchema = Type.Object(
  {
    configVersion: Type.Literal(CONFIG_VERSION),
    unitId: Type.String({ pattern: UNIT_ID_PATTERN, description: 'Lower-case slug, e.g. "tri-lyon-01"' }),
    // The devices on the tricycle (docs/configuration.md); only the BMS is required.
    bms: BmsDeviceSchema,
    motor: Type.Optional(MotorDeviceSchema),
    gps: Type.Optional(GpsDeviceSchema),
    aux: Type.Optional(AuxDeviceSchema),
    mqtt: Type.Object(
      {
        url: Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://', description: 'Broker URL' }),
        username: Type.String({ minLength: 1 }),
        password: Type.String({ minLength: 1 }),
        caFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA bundle for mqtts://' })),
        // 4 = MQTT 3.1.1, what aedes (the embedded broker) speaks; 5 for Mosquitto and other MQTT 5 brokers.
        protocolVersion: Type.Union([Type.Literal(4), Type.Literal(5)], { default: 4 }),
        /** MQTT 5 only: how long the broker keeps the session (and queued commands) while the unit is away. */
        sessionExpiryS: Type.Integer({ default: 7 * 86_400, minimum: 60, maximum: 4_294_967_295 }),
        // One batch per telemetry.batchIntervalMs (5 min) already keeps the session busy; a shorter keep-alive
        // only adds PINGREQ/PINGRESP round trips to the bill. Lower it if the operator's NAT drops idle flows sooner.
        keepaliveS: Type.Integer({ default: 330, minimum: 10, maximum: 1200 }),
        /** First redial delay after a drop; doubled after each failed attempt up to reconnectMaxMs. */
        reconnectMs: Type.Integer({ default: 5000, minimum: 500, maximum: 300000 }),
        reconnectMaxMs: Type.Integer({ default: 120_000, minimum: 500, maximum: 3_600_000 }),
        /** A broker outage this long becomes an uplink-down event; shorter ones (a tunnel, a handover) do not. */
        downEventAfterS: Type.Integer({ default: 120, minimum: 10, maximum: 86_400 }),
      },
      { additionalProperties: false },
    ),
    // Report-by-exception, batching, encoding and the data budget (docs/telemetry.md), plus the batch size.
    telemetry: Type.Object(
      {
        ...RecordsConfigSchema.properties,
        /** Records per MQTT message at most; a backlog drains in several. */
        maxBatch: Type.Integer({ default: 100, minimum: 1, maximum: 500 }),
      },
      { additionalProperties: false, default: {} },
    ),
    // The residents' Wi-Fi: captive portal, firewall, sessions (docs/configuration.md). Absent: no hotspot.
    hotspot: Type.Optional(HotspotSectionSchema),
    // The French legal connection log, sealed to the association's public key (docs/legal-log.md).
    legalLog: Type.Optional(LegalLogSectionSchema),
    // 4G health from ModemManager (docs/configuration.md). Absent: no modem is read.
    modem: Type.Optional(ModemSectionSchema),
    // The depot's Wi-Fi when parked at base, else the 4G router (docs/configuration.md). Absent: no depot link.
    depot: Type.Optional(DepotSectionSchema),
    // The mediators' location privacy: pause by button or dashboard, working hours (docs/configuration.md).
    privacy: PrivacyConfigSchema,
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
