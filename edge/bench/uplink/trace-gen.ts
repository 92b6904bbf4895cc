import type { AuxSample, BatterySample, MotorSample, PositionSample } from '@triporteur/firmware-bridge';
import type { HotspotAggregate, SystemSample } from '../../src/records/sources.js';
import { prng } from '../../src/records/testing/prng.js';
import type { Trace, TraceHeader, TraceSample } from './trace.js';

/**
 * One hour of one tricycle, second by second, sampled at the rates the real drivers use: the JBD BMS is
 * polled every 5 s, the VESC and the GPS answer at 1 Hz, the Firmata aux board reports at 1 Hz, system
 * health is read every 10 s, and the hotspot pushes its counts on every change and once a minute.
 * Values carry the resolution the devices give (JBD: 10 mV, 10 mA, 1 mV a cell, 0.1 °C; NMEA/gpsd: 1e-7°;
 * a 10-bit ADC behind a 60-V divider: 58.7 mV), so the file looks like a capture, not like floats.
 * Deterministic for a seed.
 */

export const TRACE_SEED = 20250612;
export const TRACE_START = Date.UTC(2025, 5, 12, 14, 0, 0);
const HOUR_S = 3600;
const M_PER_DEG_LAT = 111_195;
const ADC_STEP_V = 60 / 1023;

const PHASES = [
  { fromMin: 0, toMin: 1, what: 'parked at the depot, the service starting' },
  {
    fromMin: 1,
    toMin: 30,
    what: 'riding through town: four red lights, a 3-minute climb, 30 s without GPS under a bridge (10:00), a 15-s BMS discharge over-current protection (23:00)',
  },
  {
    fromMin: 30,
    toMin: 60,
    what: 'parked in a square with the Wi-Fi hotspot open: residents join and leave; location paused 40:00–45:00 for a break',
  },
];

const RED_LIGHTS_MIN = [6, 13, 21, 26];
const inRed = (min: number) => RED_LIGHTS_MIN.some((m) => min >= m && min < m + 2 / 3);
const riding = (min: number) => min >= 1 && min < 30;
const climbing = (min: number) => min >= 16 && min < 19;
const descending = (min: number) => min >= 19 && min < 20.5;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits + 0;

export function generateTrace(seed = TRACE_SEED): Trace {
  const { next, gauss } = prng(seed);
  const samples: TraceSample[] = [];
  const ar = (previous: number, keep: number, sigma: number) =>
    keep * previous + gauss() * sigma * Math.sqrt(1 - keep * keep);

  let speed = 0;
  let wobble = 0;
  let course = 75;
  let lat = 45.76042;
  let lon = 4.83571;
  let altitude = 171;
  let errN = 0;
  let errE = 0;
  let errAlt = 0;
  let sats = 10;
  let lastFix = { lat, lon, at: TRACE_START };
  let soc = 88;
  let temps = [19.5, 20.1];
  let controllerT = 23;
  let motorT = 24;
  let boxT = 24;
  let cpuT = 49;
  const cellOffsets = Array.from({ length: 13 }, () => gauss() * 0.004);
  const hotspot = { sessionsNow: 0, sessionsToday: 14, distinctDevicesToday: 11 };
  const sessionEnds: number[] = [];

  for (let s = 0; s < HOUR_S; s++) {
    const t0 = TRACE_START + s * 1000;
    const min = s / 60;
    const protection = s >= 23 * 60 && s < 23 * 60 + 15;
    const go = riding(min) && !inRed(min) && !protection;
    const before = speed;
    wobble = ar(wobble, 0.93, 1);
    if (go) speed += ((climbing(min) ? 12 : 17) + wobble - speed) * 0.3;
    else speed = speed * (protection ? 0.9 : 0.6) < 0.8 ? 0 : speed * (protection ? 0.9 : 0.6);
    const accel = (speed - before) / 3.6;
    if (go && next() < 0.004) course = (course + (next() < 0.5 ? 90 : 270)) % 360;
    const heading = (course + gauss() * 2 + 360) % 360;
    const step = speed / 3.6;
    lat += (step * Math.cos((heading * Math.PI) / 180)) / M_PER_DEG_LAT;
    lon += (step * Math.sin((heading * Math.PI) / 180)) / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));
    const grade = climbing(min) ? 0.045 : descending(min) ? -0.06 : 0;
    altitude += grade * step;

    // Electrical: motor power for rolling, air, the climb and accelerating 200 kg, the rider doing ~40 %.
    const v = speed / 3.6;
    const mech = speed > 0 ? 19.6 * v + 0.54 * v ** 3 + 1962 * grade * v + 200 * Math.max(0, accel) * v : 0;
    const motorW = speed > 0 && !protection ? Math.max(0, (0.6 * mech) / 0.8 + gauss() * 35) : 0;
    const ocv = 13 * (3.3 + (0.9 * soc) / 100);
    // With the discharge FET open, nothing flows: the pack rests at its open-circuit voltage.
    const voltage = protection ? ocv : ocv - (motorW / ocv + 0.3) * 0.12;
    const current = protection ? 0 : -(motorW / voltage + 0.3 + gauss() * 0.02);
    soc += (current / 3600 / 20) * 100;
    temps = temps.map((x) => x + (speed > 0 ? 0.0012 : -0.0004) + gauss() * 0.003);
    controllerT += (speed > 0 ? 0.003 : -0.001) + gauss() * 0.005;
    motorT += (speed > 0 ? 0.005 : -0.0015) + gauss() * 0.005;

    // GPS at the top of the second; correlated error, larger among the buildings of a square.
    errN = ar(errN, 0.97, speed > 0 ? 1.5 : 3);
    errE = ar(errE, 0.97, speed > 0 ? 1.5 : 3);
    errAlt = ar(errAlt, 0.95, 1.5);
    if (next() < 0.005) sats = Math.min(12, Math.max(6, sats + (next() < 0.5 ? -1 : 1)));
    const outage = s >= 10 * 60 && s < 10 * 60 + 30;
    const fixLat = round(lat + errN / M_PER_DEG_LAT, 7);
    const fixLon = round(lon + errE / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)), 7);
    const gpsAt = t0 + 120;
    if (!outage) lastFix = { lat: fixLat, lon: fixLon, at: gpsAt };
    const position: PositionSample = outage
      ? {
          kind: 'position',
          source: 'gpsd',
          at: gpsAt,
          lat: lastFix.lat,
          lon: lastFix.lon,
          fix: 'none',
          satellites: 2,
          fixAgeMs: gpsAt - lastFix.at,
          quality: { lat: 'stale', lon: 'stale' },
        }
      : {
          kind: 'position',
          source: 'gpsd',
          at: gpsAt,
          lat: fixLat,
          lon: fixLon,
          speedKmh: round(speed > 0 ? Math.max(0, speed + gauss() * 0.3) : Math.abs(gauss() * 0.3), 2),
          courseDeg: round(heading, 1),
          altitudeM: round(altitude + errAlt, 1),
          fix: '3d',
          satellites: sats,
          hdop: round(0.8 + Math.abs(gauss() * 0.12), 2),
          gpsTime: t0,
        };
    samples.push(position);

    const input = protection ? 0 : motorW / voltage;
    const motor: MotorSample = {
      kind: 'motor',
      source: 'vesc',
      at: t0 + 350,
      speedKmh: round(speed > 0 ? speed + gauss() * 0.15 : 0, 1),
      erpm: Math.round(speed * 190),
      inputCurrentA: round(input, 2),
      motorCurrentA: round(speed > 0 && !protection ? input * 1.6 + gauss() * 0.3 : 0, 1),
      powerW: round(voltage * input, 1),
      voltageV: round(voltage + gauss() * 0.03, 1),
      controllerTempC: round(controllerT, 1),
      motorTempC: round(motorT, 1),
      dutyPct: round((speed / 35) * 100, 1),
      faultCode: 0,
      faultName: 'none',
      quality: { powerW: 'inferred' },
    };
    samples.push(motor);

    boxT += (boxT < 31 ? 0.002 : 0) + gauss() * 0.01;
    const aux: AuxSample = {
      kind: 'aux',
      source: 'firmata',
      at: t0 + 600,
      batteryV: round(Math.round((voltage + gauss() * 0.04) / ADC_STEP_V) * ADC_STEP_V, 3),
      temperatureC: round(boxT, 1),
      modemPowered: true,
      pauseLocation: min >= 40 && min < 45,
    };
    samples.push(aux);

    if (s % 5 === 0) {
      const battery: BatterySample = {
        kind: 'battery',
        source: 'jbd',
        at: t0 + 800,
        voltageV: round(voltage + gauss() * 0.01, 2),
        currentA: round(current, 2),
        socPct: Math.round(soc),
        remainingAh: round((soc / 100) * 20, 2),
        nominalAh: 20,
        cycles: 212,
        cellsV: cellOffsets.map((o) => round(voltage / 13 + o + gauss() * 0.002, 3)),
        temperaturesC: temps.map((x) => round(x, 1)),
        protection: protection ? ['dischargeOverCurrent'] : [],
        fets: { charge: true, discharge: !protection },
      };
      samples.push(battery);
    }

    if (s % 10 === 5 || s === 0) {
      cpuT += (51 - cpuT) * 0.05 + gauss() * 0.4;
      const system: SystemSample = {
        kind: 'system',
        at: t0 + 50,
        // The SoC sensor reads in steps of about half a degree (millidegrees in /sys).
        cpuTempC: round(Math.round((cpuT + (next() < 0.05 ? 4 : 0)) / 0.487) * 0.487, 3),
        load1: round(Math.max(0, 0.3 + gauss() * 0.1), 2),
        memUsedPct: round(31.2 + gauss() * 0.2, 2),
        diskUsedPct: round(12.4 + s * 0.0002, 2),
        uptimeS: 3 * 86_400 + s,
      };
      samples.push(system);
    }

    // Residents come to the tricycle only while it stands in the square.
    let changed = s === 0;
    if (min >= 31 && min < 59 && next() < 0.015) {
      hotspot.sessionsNow += 1;
      hotspot.sessionsToday += 1;
      if (next() < 0.8) hotspot.distinctDevicesToday += 1;
      sessionEnds.push(s + 60 + Math.round(-Math.log(1 - next()) * 8 * 60));
      changed = true;
    }
    for (let i = sessionEnds.length - 1; i >= 0; i--) {
      if ((sessionEnds[i] ?? Number.POSITIVE_INFINITY) > s) continue;
      sessionEnds.splice(i, 1);
      hotspot.sessionsNow -= 1;
      changed = true;
    }
    if (changed || s % 60 === 30) {
      const aggregate: HotspotAggregate = { kind: 'hotspot', at: t0 + 900, ...hotspot };
      samples.push(aggregate);
    }
  }
  samples.sort((a, b) => a.at - b.at);
  const header: TraceHeader = {
    trace: 'ride-park-hour',
    format: 1,
    seed,
    startMs: TRACE_START,
    durationMs: HOUR_S * 1000,
    generator: 'edge/bench/uplink/trace-gen.ts; regenerate with node edge/dist/bench/uplink/make-trace.js',
    phases: PHASES,
    rates: {
      battery: 'every 5 s (JBD poll)',
      motor: '1 Hz (VESC COMM_GET_VALUES)',
      position: '1 Hz (gpsd TPV)',
      aux: '1 Hz (Firmata analog report)',
      hotspot: 'on every join or leave, and once a minute',
      system: 'every 10 s',
    },
  };
  return { header, samples };
}
