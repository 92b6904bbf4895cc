import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EdgeError, EdgeErrorCode } from '../errors.js';

/**
 * The device sections of the edge config (bms, motor, gps, aux), meant to be plugged into
 * `EdgeConfigSchema` as they are, so this file stays the one source of their defaults.
 * Each device family is its own object with a `type` literal, so every family has its own
 * defaults (a VESC talks at 115200 baud, a Bafang display line at 1200).
 */

const path = Type.String({
  minLength: 1,
  description: 'Serial device; prefer a stable name (/dev/serial/by-id/… or the udev names in hardware/)',
});
const baudRate = (value: number, description: string) =>
  Type.Integer({ default: value, minimum: 1200, maximum: 921600, description });
const pollIntervalMs = (value: number) =>
  Type.Integer({ default: value, minimum: 100, maximum: 600_000, description: 'Time between two polls, ms' });
const responseTimeoutMs = (value: number) =>
  Type.Integer({ default: value, minimum: 50, maximum: 10_000, description: 'Wait for one answer, ms' });
const positive = (description: string) => Type.Number({ exclusiveMinimum: 0, description });
const cells = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: 32,
    description: 'Series cells of the pack; a different count read from the BMS is flagged out-of-range',
  }),
);
const strict = { additionalProperties: false } as const;

export const JbdBmsSchema = Type.Object(
  {
    type: Type.Literal('jbd'),
    path,
    baudRate: baudRate(9600, 'JBD UART: 9600'),
    pollIntervalMs: pollIntervalMs(5000),
    responseTimeoutMs: responseTimeoutMs(1000),
    cells,
  },
  strict,
);

export const DalyBmsSchema = Type.Object(
  {
    type: Type.Literal('daly'),
    path,
    baudRate: baudRate(9600, 'Daly A5, UART or RS485: 9600'),
    pollIntervalMs: pollIntervalMs(5000),
    responseTimeoutMs: responseTimeoutMs(1000),
    nominalAh: positive('Rated capacity, Ah: A5 frames never carry it'),
    link: Type.Union([Type.Literal('uart'), Type.Literal('rs485')], {
      default: 'uart',
      description: "Host address the requests come from: 'uart' sends as 0x80 (UART, Bluetooth), 'rs485' as 0x40",
    }),
    currentSign: Type.Union([Type.Literal(1), Type.Literal(-1)], {
      default: 1,
      description: "1 when this unit's wire current above 30000 means charging, -1 when it means discharging",
    }),
    cells,
  },
  strict,
);

export const BmsDeviceSchema = Type.Union([JbdBmsSchema, DalyBmsSchema], {
  description: 'The battery management system: the one device the service cannot run without',
});

const wheelCircumferenceM = Type.Optional(
  positive('Rolling circumference of the driven wheel, m; without it, no speed from the controller'),
);
const nominalVoltageV = Type.Optional(positive('Pack nominal voltage, V, for power = V × A (the line carries none)'));

export const VescMotorSchema = Type.Object(
  {
    type: Type.Literal('vesc'),
    path,
    baudRate: baudRate(115_200, 'VESC UART app: 115200'),
    pollIntervalMs: pollIntervalMs(1000),
    responseTimeoutMs: responseTimeoutMs(500),
    motorPolePairs: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'Magnet poles ÷ 2; without it, no wheel RPM or speed' }),
    ),
    gearRatio: Type.Number({ default: 1, exclusiveMinimum: 0, description: 'Motor turns per wheel turn; 1 for a hub' }),
    wheelCircumferenceM,
  },
  strict,
);

/** KT and Bafang lines belong to the display: the Pi only listens (docs/firmware-bridge.md). */
export const KtMotorSchema = Type.Object(
  {
    type: Type.Literal('kt'),
    path,
    baudRate: baudRate(9600, 'KT display line: 9600'),
    wheelCircumferenceM,
    nominalVoltageV,
  },
  strict,
);

export const BafangMotorSchema = Type.Object(
  {
    type: Type.Literal('bafang'),
    path,
    baudRate: baudRate(1200, 'Bafang display line: 1200'),
    wheelCircumferenceM,
    nominalVoltageV,
  },
  strict,
);

export const MotorDeviceSchema = Type.Union([VescMotorSchema, KtMotorSchema, BafangMotorSchema], {
  description: 'The motor controller: polled (VESC) or listened to on the display line (KT, Bafang)',
});

export const NmeaGpsSchema = Type.Object(
  { type: Type.Literal('nmea'), path, baudRate: baudRate(9600, 'Most GPS modules: 9600') },
  strict,
);

export const GpsdGpsSchema = Type.Object(
  {
    type: Type.Literal('gpsd'),
    host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'gpsd host' }),
    port: Type.Integer({ default: 2947, minimum: 1, maximum: 65_535, description: 'gpsd TCP port' }),
    device: Type.Optional(Type.String({ minLength: 1, description: 'Watch only this receiver (e.g. /dev/ttyACM0)' })),
  },
  strict,
);

export const GpsDeviceSchema = Type.Union([NmeaGpsSchema, GpsdGpsSchema], {
  description: 'The GPS: a receiver on a serial line, or gpsd when it already owns the receiver',
});

const pin = (value: number, min: number, max: number, description: string) =>
  Type.Integer({ default: value, minimum: min, maximum: max, description });

export const AuxDeviceSchema = Type.Object(
  {
    type: Type.Literal('firmata'),
    path,
    baudRate: baudRate(57_600, 'StandardFirmata: 57600'),
    sampleIntervalMs: Type.Integer({
      default: 1000,
      minimum: 100,
      maximum: 600_000,
      description: 'At most one aux sample per this many ms',
    }),
    dividerRatio: Type.Number({
      default: 13,
      exclusiveMinimum: 0,
      description: 'Battery divider: V(battery) ÷ V(pin)',
    }),
    adcRefV: Type.Number({ default: 5, exclusiveMinimum: 0, maximum: 5.5, description: 'ADC reference, V' }),
    thermistor: Type.Object(
      {
        beta: Type.Number({ default: 3950, exclusiveMinimum: 0, description: 'NTC beta, K' }),
        r25Ohm: Type.Number({ default: 10_000, exclusiveMinimum: 0, description: 'NTC resistance at 25 °C' }),
        seriesOhm: Type.Number({ default: 10_000, exclusiveMinimum: 0, description: 'Fixed resistor of the divider' }),
      },
      { ...strict, default: {} },
    ),
    pins: Type.Object(
      {
        battery: pin(0, 0, 15, 'Analog channel of the battery divider (A0)'),
        thermistor: pin(1, 0, 15, 'Analog channel of the thermistor (A1)'),
        relay: pin(7, 2, 127, 'Digital pin of the 4G modem relay (D7)'),
        button: pin(2, 2, 127, 'Digital pin of the pause-location button (D2)'),
      },
      { ...strict, default: {} },
    ),
    pauseMode: Type.Union([Type.Literal('toggle'), Type.Literal('level')], {
      default: 'toggle',
      description: "'toggle': each press flips pause-location; 'level': paused while the switch is closed",
    }),
    relay: Type.Union([Type.Literal('normally-open'), Type.Literal('normally-closed')], {
      default: 'normally-open',
      description: 'How the modem is wired to the relay contacts',
    }),
    versionQueryAfterMs: Type.Integer({
      default: 5000,
      minimum: 100,
      maximum: 60_000,
      description: 'Ask for the firmware version if the board has not announced itself by then (no reset on open)',
    }),
  },
  strict,
);

export type JbdBmsConfig = Static<typeof JbdBmsSchema>;
export type DalyBmsConfig = Static<typeof DalyBmsSchema>;
export type BmsDeviceConfig = Static<typeof BmsDeviceSchema>;
export type VescMotorConfig = Static<typeof VescMotorSchema>;
export type KtMotorConfig = Static<typeof KtMotorSchema>;
export type BafangMotorConfig = Static<typeof BafangMotorSchema>;
export type MotorDeviceConfig = Static<typeof MotorDeviceSchema>;
export type NmeaGpsConfig = Static<typeof NmeaGpsSchema>;
export type GpsdGpsConfig = Static<typeof GpsdGpsSchema>;
export type GpsDeviceConfig = Static<typeof GpsDeviceSchema>;
export type AuxDeviceConfig = Static<typeof AuxDeviceSchema>;

/** Which config section feeds which sample kind. */
export interface DeviceConfigs {
  battery: BmsDeviceConfig;
  motor: MotorDeviceConfig;
  position: GpsDeviceConfig;
  aux: AuxDeviceConfig;
}

export const DEVICE_SCHEMAS = {
  battery: BmsDeviceSchema,
  motor: MotorDeviceSchema,
  position: GpsDeviceSchema,
  aux: AuxDeviceSchema,
} as const satisfies Record<keyof DeviceConfigs, TSchema>;

/**
 * Fills a device section's defaults and checks it (EDG_CONFIG_INVALID naming the field), for
 * callers that build a section by hand rather than through the edge config file.
 */
export function deviceConfig<K extends keyof DeviceConfigs>(kind: K, input: unknown): DeviceConfigs[K] {
  const schema = DEVICE_SCHEMAS[kind];
  const value = Value.Default(schema, Value.Clone(input));
  const errors = [...Value.Errors(schema, value)];
  if (errors.length > 0) {
    // A union reports every branch; the longest path is the one that names the field.
    const first = errors.reduce((a, b) => (b.path.length > a.path.length ? b : a));
    throw new EdgeError(
      EdgeErrorCode.CONFIG_INVALID,
      `${kind} device config field "${first.path.replace(/^\//, '') || '(root)'}": ${first.message}`,
    );
  }
  return value as DeviceConfigs[K];
}
