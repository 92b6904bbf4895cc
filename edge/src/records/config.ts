import { type Static, type TProperties, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EdgeError, EdgeErrorCode } from '../errors.js';

/**
 * The `records` section of the edge config: report-by-exception, batching and the data budget.
 * Meant to be plugged into `EdgeConfigSchema` as is, so this stays the one source of the defaults.
 */

const band = (value: number, description: string) => Type.Number({ default: value, minimum: 0, description });
const section = <P extends TProperties>(properties: P) =>
  Type.Object(properties, { additionalProperties: false, default: {} });

export const DeadbandsSchema = section({
  battery: section({
    socPct: band(1, 'State of charge, %'),
    voltageV: band(0.1, 'Pack voltage, V'),
    currentA: band(0.5, 'Pack current, A'),
    remainingAh: band(0.2, 'Remaining capacity, Ah'),
    temperaturesC: band(1, 'Each pack temperature, °C'),
    cellsV: band(0.05, 'Each cell voltage, V (imbalance alarms are events, not records)'),
  }),
  motor: section({
    speedKmh: band(1, 'Wheel speed, km/h'),
    erpm: band(200, 'Electrical RPM; heartbeat-only by default (see heartbeatOnly)'),
    wheelRpm: band(10, 'Wheel RPM'),
    // The BMS is the reference for pack current and voltage; the controller's readings of them are
    // cross-checks, so their deadbands are coarser.
    inputCurrentA: band(1, 'Battery-side current, A'),
    motorCurrentA: band(2, 'Phase current, A'),
    powerW: band(50, 'Power, W (not sent between heartbeats when the controller only infers it)'),
    voltageV: band(0.5, 'Controller input voltage, V'),
    controllerTempC: band(1, 'Controller temperature, °C'),
    motorTempC: band(1, 'Motor temperature, °C'),
    dutyPct: band(5, 'Duty cycle, %'),
  }),
  position: section({
    movingDistanceM: band(20, 'Distance from the last sent position while moving, m'),
    movingMaxIntervalMs: band(10_000, 'While moving, a position at least this often (if it moved at all), ms'),
    parkedDistanceM: band(50, 'Distance while parked: above GPS jitter at a stop, m'),
    movingKmh: band(3, 'Moving when GPS (or wheel) speed is at least this, km/h'),
    speedKmh: band(1, 'GPS speed, km/h'),
    courseDeg: band(15, 'Course, degrees (wraps at 360)'),
    altitudeM: band(5, 'Altitude, m'),
    satellites: band(2, 'Satellites used'),
    hdop: band(0.5, 'HDOP'),
  }),
  aux: section({
    // A 10-bit ADC behind a divider resolves ~0.06 V of a 60-V range and drifts with temperature.
    batteryV: band(0.5, 'Battery voltage on the divider, V'),
    temperatureC: band(1, 'Box or modem temperature, °C'),
  }),
  uplink: section({
    signalPct: band(10, 'Modem signal quality, %'),
    outboxDepth: band(50, 'Records waiting in the outbox'),
  }),
  system: section({
    cpuTempC: band(2, 'SoC temperature, °C'),
    load1: band(0.5, 'One-minute load average'),
    memUsedPct: band(5, 'Memory in use, %'),
    diskUsedPct: band(1, 'Data partition in use, %'),
  }),
});

export const RecordsConfigSchema = section({
  sampleIntervalMs: Type.Integer({ default: 10_000, minimum: 200, maximum: 600_000, description: 'RBE tick' }),
  heartbeatMs: Type.Integer({
    default: 300_000,
    minimum: 10_000,
    maximum: 3_600_000,
    description: 'Each kind is sent in full at least this often',
  }),
  batchIntervalMs: Type.Integer({
    default: 300_000,
    minimum: 200,
    maximum: 3_600_000,
    description: 'One MQTT message per interval; keep mqtt.keepaliveS at or above it so no PINGREQ is ever needed',
  }),
  encoding: Type.Union(
    [Type.Literal('auto'), Type.Literal('deflate-raw-dict'), Type.Literal('deflate-raw'), Type.Literal('json')],
    {
      default: 'auto',
      description: 'Batch encoding (contract/encoding.ts); auto = deflate-raw-dict unless JSON is smaller',
    },
  ),
  /** Counters and values derivable from others: sent only in full records. */
  heartbeatOnly: Type.Array(Type.String({ pattern: '^[a-z]+\\.[A-Za-z0-9]+$' }), {
    default: [
      'motor.erpm',
      'position.fixAgeMs',
      'uplink.bytesSent',
      'uplink.bytesReceived',
      'uplink.monthBytes',
      'hotspot.bytesUp',
      'hotspot.bytesDown',
      'system.uptimeS',
    ],
    maxItems: 64,
  }),
  deadbands: DeadbandsSchema,
  budget: section({
    monthlyCapBytes: Type.Optional(Type.Integer({ minimum: 1, description: 'Monthly data cap, bytes (both ways)' })),
    maxStretch: Type.Integer({ default: 8, minimum: 1, maximum: 64, description: 'Largest interval multiplier' }),
    billingDay: Type.Integer({
      default: 1,
      minimum: 1,
      maximum: 28,
      description: 'Day of month the bill resets (UTC)',
    }),
  }),
});

export type RecordsConfig = Static<typeof RecordsConfigSchema>;
export type Deadbands = Static<typeof DeadbandsSchema>;

/** Defaults filled in over a partial `records` section (tests and tools; the app gets it from the config). */
export function recordsConfig(partial: unknown = {}): RecordsConfig {
  const filled = Value.Default(RecordsConfigSchema, Value.Clone(partial));
  const first = Value.Errors(RecordsConfigSchema, filled).First();
  if (first) throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `records${first.path}: ${first.message}`);
  return filled as RecordsConfig;
}
