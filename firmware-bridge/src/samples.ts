/**
 * Normalized samples: what every device family is turned into, whatever its wire format.
 * Units are in the field names so nobody has to guess (V, A, Ah, °C, %).
 */

/** Explicit device link state, as the driver sees it. */
export type DeviceState =
  /** Not polled yet, or polling started but no answer seen. */
  | 'connecting'
  /** Answering requests. */
  | 'connected'
  /** Stopped answering after having answered: a parked BMS sleeps, and that is normal. */
  | 'asleep'
  /** Never answered since start: wrong port, wrong device, or a cable fault. */
  | 'silent'
  /** The driver was stopped. */
  | 'stopped';

/** JBD protection bitmap, bit by bit (REFERENCE.md §1). */
export const JBD_PROTECTION_FLAGS = [
  'cellOverVoltage',
  'cellUnderVoltage',
  'packOverVoltage',
  'packUnderVoltage',
  'chargeOverTemperature',
  'chargeUnderTemperature',
  'dischargeOverTemperature',
  'dischargeUnderTemperature',
  'chargeOverCurrent',
  'dischargeOverCurrent',
  'shortCircuit',
  'frontEndIcError',
  'mosfetSoftwareLock',
] as const;

export type ProtectionFlag = (typeof JBD_PROTECTION_FLAGS)[number];

/**
 * How far a field can be trusted. A field missing from a sample's `quality` map is 'ok'.
 * - stale: the last good value, repeated because the device stopped answering;
 * - out-of-range: decoded correctly but implausible (a plausibility gate tripped); kept, not hidden;
 * - inferred: not measured by this device but computed (e.g. power = V × A, speed from wheel period).
 */
export type FieldQuality = 'ok' | 'stale' | 'out-of-range' | 'inferred';

export type QualityMap<T> = { [K in keyof T]?: FieldQuality };

export interface BatterySample {
  kind: 'battery';
  /** Which device family produced it. */
  source: 'jbd' | 'daly';
  /** Clock time (ms since epoch) at which the response was decoded. */
  at: number;
  voltageV: number;
  /** Negative while discharging. */
  currentA: number;
  socPct: number;
  remainingAh: number;
  nominalAh: number;
  cycles: number;
  /** Per-cell voltages in volts; absent when the cell register was not read. */
  cellsV?: number[];
  temperaturesC: number[];
  /** Active protection flags only; empty when the pack is healthy. */
  protection: ProtectionFlag[];
  fets: { charge: boolean; discharge: boolean };
  quality?: QualityMap<Omit<BatterySample, 'quality'>>;
}

export interface MotorSample {
  kind: 'motor';
  source: 'vesc' | 'kt' | 'bafang';
  at: number;
  /** Road speed, when the wheel circumference (config) lets us compute it. */
  speedKmh?: number;
  /** Electrical RPM (VESC) or wheel RPM (KT/Bafang), as the controller reports it. */
  erpm?: number;
  wheelRpm?: number;
  /** Current drawn from the battery. */
  inputCurrentA?: number;
  motorCurrentA?: number;
  powerW?: number;
  voltageV?: number;
  controllerTempC?: number;
  motorTempC?: number;
  dutyPct?: number;
  /** 0 means no fault. */
  faultCode: number;
  /** Stable machine name, e.g. 'none', 'over-voltage', 'motor-over-temperature'. */
  faultName: string;
  quality?: QualityMap<Omit<MotorSample, 'quality'>>;
}

export type GpsFix = 'none' | '2d' | '3d';

export interface PositionSample {
  kind: 'position';
  source: 'nmea' | 'gpsd';
  at: number;
  lat?: number;
  lon?: number;
  speedKmh?: number;
  courseDeg?: number;
  altitudeM?: number;
  fix: GpsFix;
  satellites?: number;
  hdop?: number;
  /** UTC time from the satellites, ms since epoch: the clock source of a Pi without an RTC. */
  gpsTime?: number;
  /** Set when lat/lon are repeated as 'stale' after the fix was lost: ms since they were measured. */
  fixAgeMs?: number;
  quality?: QualityMap<Omit<PositionSample, 'quality'>>;
}

export interface AuxSample {
  kind: 'aux';
  source: 'firmata';
  at: number;
  /** Battery voltage through the divider on the Arduino's analog input. */
  batteryV?: number;
  /** Thermistor temperature (the box or the 4G modem). */
  temperatureC?: number;
  /** Relay that powers the 4G modem: true = modem powered. */
  modemPowered: boolean;
  /** The mediators' "pause location" switch: true = do not record positions. */
  pauseLocation: boolean;
  quality?: QualityMap<Omit<AuxSample, 'quality'>>;
}

export type Sample = BatterySample | MotorSample | PositionSample | AuxSample;
