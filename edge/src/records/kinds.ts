import type { RecordKind } from '../contract/records.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import type { RecordsConfig } from './config.js';
import type { FieldRule } from './fields.js';

/**
 * The field table of every record kind: which fields a record carries, at what resolution, and how
 * report-by-exception judges each. Built once from the config's deadbands.
 */

export type KindRules = Readonly<Record<string, FieldRule>>;

/** Fields the pause-location switch strips from position records (CNIL délibération 2015-165). */
export const LOCATION_FIELDS = ['lat', 'lon', 'speedKmh', 'courseDeg', 'altitudeM', 'fixAgeMs'] as const;

export function buildRules(config: RecordsConfig): Readonly<Record<RecordKind, KindRules>> {
  const d = config.deadbands;
  const num = (deadband: number, digits: number): FieldRule => ({ type: 'number', deadband, digits });
  const state: FieldRule = { type: 'state' };
  const alarm: FieldRule = { type: 'state', alarm: true };
  const exact: FieldRule = { type: 'exact' };
  const rules: Record<RecordKind, Record<string, FieldRule>> = {
    battery: {
      state,
      socPct: num(d.battery.socPct, 0),
      voltageV: num(d.battery.voltageV, 2),
      currentA: num(d.battery.currentA, 1),
      remainingAh: num(d.battery.remainingAh, 2),
      nominalAh: exact,
      cycles: exact,
      cellsV: { type: 'numbers', deadband: d.battery.cellsV, digits: 3 },
      temperaturesC: { type: 'numbers', deadband: d.battery.temperaturesC, digits: 1 },
      protection: alarm,
      fets: state,
    },
    motor: {
      state,
      speedKmh: num(d.motor.speedKmh, 1),
      erpm: num(d.motor.erpm, 0),
      wheelRpm: num(d.motor.wheelRpm, 0),
      inputCurrentA: num(d.motor.inputCurrentA, 1),
      motorCurrentA: num(d.motor.motorCurrentA, 1),
      powerW: num(d.motor.powerW, 0),
      voltageV: num(d.motor.voltageV, 1),
      controllerTempC: num(d.motor.controllerTempC, 1),
      motorTempC: num(d.motor.motorTempC, 1),
      dutyPct: num(d.motor.dutyPct, 0),
      faultCode: alarm,
      faultName: state,
    },
    position: {
      state,
      fix: state,
      paused: state,
      lat: { type: 'position', digits: 5 },
      lon: { type: 'position', digits: 5 },
      speedKmh: num(d.position.speedKmh, 1),
      courseDeg: { type: 'angle', deadband: d.position.courseDeg, digits: 0 },
      altitudeM: num(d.position.altitudeM, 0),
      satellites: num(d.position.satellites, 0),
      hdop: num(d.position.hdop, 1),
      fixAgeMs: num(0, -3),
    },
    aux: {
      state,
      batteryV: num(d.aux.batteryV, 2),
      temperatureC: num(d.aux.temperatureC, 1),
      modemPowered: state,
      pauseLocation: state,
    },
    hotspot: {
      sessionsNow: exact,
      sessionsToday: exact,
      distinctDevicesToday: exact,
      stationsNow: exact,
      capacity: exact,
      bytesUp: exact,
      bytesDown: exact,
      refusedFullToday: exact,
      endedLeftToday: exact,
      endedIdleToday: exact,
      endedTimeoutToday: exact,
      endedQuotaToday: exact,
      // One object: any count that moved sends the whole of it (compared deeply).
      questionnaireToday: exact,
      // Settled once per hotspot start: a new channel is a new state of the radio.
      channel: state,
      channelSource: state,
      networksSeen: exact,
    },
    uplink: {
      signalPct: num(d.uplink.signalPct, 0),
      bytesSent: exact,
      bytesReceived: exact,
      reconnects: exact,
      outboxDepth: num(d.uplink.outboxDepth, 0),
      monthBytes: exact,
      stretch: state,
      // Radio figures swing a few dB at a standstill: only moves past these are news.
      rsrpDbm: num(6, 0),
      rsrqDb: num(3, 0),
      sinrDb: num(5, 0),
      operator: state,
      tech: state,
      registered: state,
      // Counters that climb all the time: in full records only, in kB.
      modemBytesRx: { type: 'heartbeat', digits: -3 },
      modemBytesTx: { type: 'heartbeat', digits: -3 },
      // Joining or leaving the depot network changes where everything goes: sent in full.
      via: state,
    },
    system: {
      cpuTempC: num(d.system.cpuTempC, 1),
      load1: num(d.system.load1, 2),
      memUsedPct: num(d.system.memUsedPct, 1),
      diskUsedPct: num(d.system.diskUsedPct, 1),
      uptimeS: num(0, 0),
    },
  };
  for (const name of config.heartbeatOnly) {
    const [kind, field] = name.split('.') as [RecordKind, string];
    const rule = rules[kind]?.[field];
    // A state field must keep forcing full records, and a typo must not silently do nothing.
    if (!rule || rule.type === 'state' || rule.type === 'position') {
      throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `telemetry.heartbeatOnly: "${name}" cannot be heartbeat-only`);
    }
    rules[kind][field] = { type: 'heartbeat', digits: 'digits' in rule ? rule.digits : 0 };
  }
  return rules;
}
