import type { AuxSample, BatterySample, MotorSample, PositionSample } from '@triporteur/firmware-bridge';
import type { HotspotAggregate, SystemSample, UplinkHealth } from '../sources.js';

/** Plausible samples for unit tests; each takes overrides. */

export const battery = (over: Partial<BatterySample> = {}): BatterySample => ({
  kind: 'battery',
  source: 'jbd',
  at: 0,
  voltageV: 50,
  currentA: -5,
  socPct: 80,
  remainingAh: 16,
  nominalAh: 20,
  cycles: 12,
  temperaturesC: [20, 21],
  protection: [],
  fets: { charge: true, discharge: true },
  ...over,
});

export const motor = (over: Partial<MotorSample> = {}): MotorSample => ({
  kind: 'motor',
  source: 'vesc',
  at: 0,
  speedKmh: 0,
  inputCurrentA: 0,
  powerW: 0,
  voltageV: 50,
  faultCode: 0,
  faultName: 'none',
  ...over,
});

export const position = (over: Partial<PositionSample> = {}): PositionSample => ({
  kind: 'position',
  source: 'gpsd',
  at: 0,
  lat: 45.75,
  lon: 4.85,
  speedKmh: 0,
  courseDeg: 90,
  fix: '3d',
  satellites: 9,
  ...over,
});

export const aux = (over: Partial<AuxSample> = {}): AuxSample => ({
  kind: 'aux',
  source: 'firmata',
  at: 0,
  batteryV: 50,
  temperatureC: 25,
  modemPowered: true,
  pauseLocation: false,
  ...over,
});

export const system = (over: Partial<SystemSample> = {}): SystemSample => ({
  kind: 'system',
  at: 0,
  cpuTempC: 50,
  load1: 0.3,
  memUsedPct: 30,
  diskUsedPct: 12,
  uptimeS: 1000,
  ...over,
});

export const hotspot = (over: Partial<HotspotAggregate> = {}): HotspotAggregate => ({
  kind: 'hotspot',
  at: 0,
  sessionsNow: 0,
  sessionsToday: 0,
  distinctDevicesToday: 0,
  ...over,
});

export const uplink = (over: Partial<UplinkHealth> = {}): UplinkHealth => ({
  kind: 'uplink',
  at: 0,
  signalPct: 60,
  bytesSent: 0,
  bytesReceived: 0,
  reconnects: 0,
  outboxDepth: 0,
  ...over,
});

/** Metres in a degree of latitude on the sphere haversineM uses. */
const M_PER_DEG = (Math.PI * 6_371_008.8) / 180;

/** Moves a point `metres` north (positive) along its meridian. */
export const north = (lat: number, metres: number) => lat + metres / M_PER_DEG;
