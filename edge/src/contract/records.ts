import { type Static, type TInteger, type TObject, type TProperties, Type } from '@sinclair/typebox';
import { BatteryRecordSchema, DeviceStateSchema } from './payloads.js';

/**
 * Telemetry payload version 2: report-by-exception records (docs/telemetry.md).
 *
 * A record is one instant (`ts`) and carries only the kinds that changed then. Each kind is either
 * - full (`full: true`): every field the unit knows, plus `q`, the fields whose quality is not "ok".
 *   Sent first in a boot, on every state or quality change, and at least once per heartbeat;
 * - a delta (no `full`): only the fields that moved past their deadband since the value last sent.
 *   Every field left out is still within its deadband of the last value sent for it.
 * Folding records in (bootId, seq) order with `applyRecord` rebuilds the unit's state.
 */

const Num = (description: string) => Type.Number({ description });
const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Pct = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });

export const FieldQualitySchema = Type.Union([
  Type.Literal('stale'),
  Type.Literal('out-of-range'),
  Type.Literal('inferred'),
]);

/** Fields whose quality is not "ok"; a field missing from it is "ok". */
export const QualityMapSchema = Type.Record(Type.String({ maxLength: 32 }), FieldQualitySchema, {
  maxProperties: 32,
});

/** A kind's two shapes: full (required fields present) or a delta (any subset, no `full`). */
function kindSchema<P extends TProperties>(properties: P, description: string) {
  const full = Type.Object(
    { ...properties, full: Type.Literal(true), q: Type.Optional(QualityMapSchema) },
    { additionalProperties: false, description: `${description}: every field` },
  );
  const delta = Type.Partial(Type.Object(properties, { additionalProperties: false }), {
    description: `${description}: fields past their deadband`,
  });
  return Type.Union([full, delta]);
}

export const BatteryUpdateSchema = kindSchema(BatteryRecordSchema.properties, 'Battery (BMS)');

export const MotorUpdateSchema = kindSchema(
  {
    state: Type.Optional(DeviceStateSchema),
    speedKmh: Type.Optional(Num('Road speed from the wheel, km/h')),
    erpm: Type.Optional(Num('Electrical RPM (VESC)')),
    wheelRpm: Type.Optional(Num('Wheel RPM (KT, Bafang)')),
    inputCurrentA: Type.Optional(Num('Current drawn from the battery, A')),
    motorCurrentA: Type.Optional(Num('Phase current, A')),
    powerW: Type.Optional(Num('Electrical power, W')),
    voltageV: Type.Optional(Num('Controller input voltage, V')),
    controllerTempC: Type.Optional(Num('Controller temperature, °C')),
    motorTempC: Type.Optional(Num('Motor temperature, °C')),
    dutyPct: Type.Optional(Num('Duty cycle, %')),
    faultCode: Count('0 means no fault'),
    faultName: Type.String({ maxLength: 40 }),
  },
  'Motor controller',
);

export const GpsFixSchema = Type.Union([Type.Literal('none'), Type.Literal('2d'), Type.Literal('3d')]);

export const PositionUpdateSchema = kindSchema(
  {
    state: Type.Optional(DeviceStateSchema),
    fix: GpsFixSchema,
    /** Set while the mediators' "pause location" switch is on: no lat, lon, speed, course or altitude then. */
    paused: Type.Optional(Type.Literal(true)),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    speedKmh: Type.Optional(Num('GPS speed, km/h')),
    courseDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
    altitudeM: Type.Optional(Num('Altitude, m')),
    satellites: Type.Optional(Count('Satellites used')),
    hdop: Type.Optional(Num('Horizontal dilution of precision')),
    fixAgeMs: Type.Optional(Count('Age of stale lat/lon after the fix was lost, ms')),
  },
  'Position (GPS)',
);

export const AuxUpdateSchema = kindSchema(
  {
    state: Type.Optional(DeviceStateSchema),
    batteryV: Type.Optional(Num('Battery voltage through the divider, V')),
    temperatureC: Type.Optional(Num('Box or modem temperature, °C')),
    modemPowered: Type.Boolean(),
    pauseLocation: Type.Boolean(),
  },
  'Auxiliary board',
);

/**
 * The portal's optional digital-needs questionnaire: each question and its options, in the order the
 * page shows them. One list for the portal's form and for everything that reads the counts.
 */
export const QUESTIONNAIRE = {
  reason: ['admin', 'job', 'family', 'school', 'other'],
  autonomy: ['alone', 'help', 'hard'],
  access: ['home', 'mobile', 'none'],
} as const;
export type QuestionId = keyof typeof QUESTIONNAIRE;
export const QUESTION_IDS = Object.keys(QUESTIONNAIRE) as QuestionId[];

type OptionCounts<Q extends QuestionId> = TObject<Record<(typeof QUESTIONNAIRE)[Q][number], TInteger>>;
const optionCounts = <Q extends QuestionId>(q: Q) =>
  Type.Object(Object.fromEntries(QUESTIONNAIRE[q].map((option) => [option, Type.Integer({ minimum: 0 })])), {
    additionalProperties: false,
  }) as OptionCounts<Q>;

/** Every option of every question is present (0 when never chosen), and nothing else. */
export const QuestionnaireTodaySchema = Type.Object(
  {
    responses: Count('Logins that carried at least one answer since local midnight'),
    answers: Type.Object(
      {
        reason: optionCounts('reason'),
        autonomy: optionCounts('autonomy'),
        access: optionCounts('access'),
      } satisfies Record<QuestionId, TObject>,
      { additionalProperties: false, description: 'Per question, per option: times chosen since local midnight' },
    ),
  },
  {
    additionalProperties: false,
    description: 'Questionnaire counts since local midnight; aggregates only, never per resident or timed',
  },
);
export type QuestionnaireToday = Static<typeof QuestionnaireTodaySchema>;

/** Counts only, computed on the unit: never a MAC, an IP or a per-device identifier. */
export const HotspotUpdateSchema = kindSchema(
  {
    sessionsNow: Count('Open portal sessions'),
    sessionsToday: Count('Sessions opened since local midnight'),
    distinctDevicesToday: Count('Distinct devices since midnight (daily salt, destroyed)'),
    stationsNow: Type.Optional(Count('Stations associated to the open SSID now (hostapd)')),
    capacity: Type.Optional(
      Count('Client ceiling: sessions the hotspot accepts at once (hotspot.wifi.maxStations, else the DHCP pool)'),
    ),
    bytesUp: Type.Optional(Count('Client to Internet bytes through the hotspot this boot (nft counters)')),
    bytesDown: Type.Optional(Count('Internet to client bytes through the hotspot this boot (nft counters)')),
    refusedFullToday: Type.Optional(Count('Acceptances refused at the client ceiling since local midnight')),
    endedLeftToday: Type.Optional(Count('Sessions ended since local midnight because the device left')),
    endedIdleToday: Type.Optional(Count('Sessions ended since local midnight at the idle timeout (kernel set expiry)')),
    endedTimeoutToday: Type.Optional(Count('Sessions ended since local midnight at the session timeout')),
    endedQuotaToday: Type.Optional(Count('Sessions ended since local midnight because their volume quota was used up')),
    /** Present only while the questionnaire is enabled (hotspot.pages.questionnaire.enabled). */
    questionnaireToday: Type.Optional(QuestionnaireTodaySchema),
    channel: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 233, description: "The hotspot radio's channel, settled at hotspot start" }),
    ),
    channelSource: Type.Optional(
      Type.Union([Type.Literal('scan'), Type.Literal('configured'), Type.Literal('running')], {
        description: "Where the channel came from: the start's site survey, the config, or a hostapd already serving",
      }),
    ),
    networksSeen: Type.Optional(
      Count('2.4 GHz networks the site survey heard (a count: never an SSID or a BSSID); only with channelSource scan'),
    ),
  },
  'Hotspot aggregates',
);

export const UplinkUpdateSchema = kindSchema(
  {
    signalPct: Type.Optional(Pct('Modem signal quality, % (ModemManager)')),
    bytesSent: Count('Bytes sent this boot'),
    bytesReceived: Count('Bytes received this boot'),
    reconnects: Count('Broker reconnects this boot'),
    outboxDepth: Count('Records waiting in the outbox'),
    monthBytes: Type.Optional(Count('Bytes both ways this billing month (the data budget)')),
    stretch: Type.Optional(Type.Number({ minimum: 1, description: 'Data-budget multiplier in force; 1 = normal' })),
    rsrpDbm: Type.Optional(Num('LTE reference signal received power, dBm (ModemManager)')),
    rsrqDb: Type.Optional(Num('LTE reference signal received quality, dB (ModemManager)')),
    sinrDb: Type.Optional(Num('LTE signal to interference plus noise, dB (ModemManager "snr")')),
    operator: Type.Optional(Type.String({ maxLength: 40, description: 'Mobile network the modem is on' })),
    tech: Type.Optional(Type.String({ maxLength: 16, description: 'Access technology: lte, 5gnr, hspa-plus…' })),
    registered: Type.Optional(Type.Boolean({ description: 'Registered for mobile data, home or roaming' })),
    modemBytesRx: Type.Optional(Count("Bytes the modem's connected bearer received (modem-side counter)")),
    modemBytesTx: Type.Optional(Count("Bytes the modem's connected bearer sent (modem-side counter)")),
    via: Type.Optional(
      Type.Union([Type.Literal('depot-wifi'), Type.Literal('4g-router')], {
        description: "Which way the unit's traffic goes: the depot's Wi-Fi while parked at base, else the 4G router",
      }),
    ),
  },
  'Uplink health',
);

export const SystemUpdateSchema = kindSchema(
  {
    cpuTempC: Type.Optional(Num('SoC temperature, °C')),
    load1: Type.Optional(Type.Number({ minimum: 0, description: 'One-minute load average' })),
    memUsedPct: Type.Optional(Pct('Memory in use, %')),
    diskUsedPct: Type.Optional(Pct('Data partition in use, %')),
    uptimeS: Type.Optional(Count('Seconds since the OS booted')),
  },
  'System health',
);

export const TelemetryRecordV2Schema = Type.Object(
  {
    seq: Type.Integer({ minimum: 0, description: 'Per-boot sequence number; (bootId, seq) is unique' }),
    ts: Type.Integer({ minimum: 0, description: 'Unit clock, ms since epoch' }),
    historical: Type.Optional(Type.Boolean({ description: 'True when replayed from the outbox; absent = live' })),
    battery: Type.Optional(BatteryUpdateSchema),
    motor: Type.Optional(MotorUpdateSchema),
    position: Type.Optional(PositionUpdateSchema),
    aux: Type.Optional(AuxUpdateSchema),
    hotspot: Type.Optional(HotspotUpdateSchema),
    uplink: Type.Optional(UplinkUpdateSchema),
    system: Type.Optional(SystemUpdateSchema),
  },
  { additionalProperties: false },
);

export const TelemetryBatchV2Schema = Type.Object(
  {
    v: Type.Literal(2),
    bootId: Type.String({ minLength: 8, maxLength: 64 }),
    records: Type.Array(TelemetryRecordV2Schema, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);

export type TelemetryRecordV2 = Static<typeof TelemetryRecordV2Schema>;
export type TelemetryBatchV2 = Static<typeof TelemetryBatchV2Schema>;

export const RECORD_KINDS = ['battery', 'motor', 'position', 'aux', 'hotspot', 'uplink', 'system'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
/** What a record carries for one kind: full or delta. */
export type KindUpdate<K extends RecordKind> = NonNullable<TelemetryRecordV2[K]>;
/** The full shape of a kind, without the `full` marker. */
export type KindFields<K extends RecordKind> = Omit<Extract<KindUpdate<K>, { full: true }>, 'full'>;
/** A record before the outbox numbers it: an instant and the kinds that changed. */
export type RecordBody = Omit<TelemetryRecordV2, 'seq' | 'historical'>;

export interface KindState<K extends RecordKind> {
  /** Partial until the first full update of this kind in the boot arrives. */
  values: Partial<KindFields<K>>;
  complete: boolean;
  /** `ts` of the last record that carried this kind. */
  updatedAt: number;
}

export type ReconstructedState = { [K in RecordKind]?: KindState<K> };

/**
 * Folds one record into the dashboard-side state. Apply records in (bootId, seq) order and start from
 * `{}` at each new bootId (the first record of a boot carries every kind in full). Never mutates `state`.
 */
export function applyRecord(state: ReconstructedState, record: RecordBody): ReconstructedState {
  const next: ReconstructedState = { ...state };
  for (const kind of RECORD_KINDS) {
    const update = record[kind];
    if (update === undefined) continue;
    // One generic path for all kinds: the schemas above guarantee the field names line up.
    const slot = next as Record<RecordKind, KindState<RecordKind> | undefined>;
    if ('full' in update) {
      const { full: _full, ...values } = update;
      slot[kind] = { values, complete: true, updatedAt: record.ts };
    } else {
      const previous = slot[kind];
      slot[kind] = {
        values: { ...previous?.values, ...update },
        complete: previous?.complete ?? false,
        updatedAt: record.ts,
      };
    }
  }
  return next;
}
