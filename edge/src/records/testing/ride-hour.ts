import type { AuxSample, BatterySample, MotorSample, PositionSample } from '@triporteur/firmware-bridge';
import type { HotspotAggregate, SystemSample, UplinkHealth } from '../sources.js';
import { prng } from './prng.js';

/**
 * A synthetic, deterministic hour of one tricycle at 10-s ticks, for tests and measurements:
 *  0–4 min parked at the depot · 4–22 riding (two red lights, 30 s without GPS under a bridge)
 * 22–40 parked in a square with Wi-Fi users (location paused 30–35 for a break)
 * 40–57 riding (an over-current protection and a motor fault near minute 50) · 57–60 parked.
 * Noise levels are those of the real parts: ±1 km/h of speed wobble, ±4 A of current while pedalling,
 * a few metres of GPS jitter, ±1 °C on the SoC temperature.
 */

export interface Tick {
  at: number;
  moving: boolean;
  battery: BatterySample;
  motor: MotorSample;
  position: PositionSample;
  aux: AuxSample;
  system: SystemSample;
  hotspot: HotspotAggregate;
  uplink: UplinkHealth;
}

export const RIDE_HOUR_START = Date.UTC(2025, 5, 12, 8, 0, 0);
export const TICK_MS = 10_000;

const ridingPlan = (min: number) => (min >= 4 && min < 22) || (min >= 40 && min < 57);
const redLight = (min: number) => (min >= 9 && min < 9.5) || (min >= 17 && min < 17.5) || (min >= 46 && min < 46.5);
const M_PER_DEG_LAT = 111_195;

export interface RideHourOptions {
  seed?: number;
  /** Ride the whole hour (red lights only): the worst case for the data bill. */
  allRiding?: boolean;
}

export function rideHour(options: RideHourOptions = {}): Tick[] {
  const { next, gauss } = prng(options.seed ?? 42);
  const riding = options.allRiding ? () => true : ridingPlan;
  const ticks: Tick[] = [];
  let lat = 45.7578;
  let lon = 4.832;
  let courseDeg = 80;
  let speed = 0;
  let wobble = 0;
  let gpsErrN = 0;
  let gpsErrE = 0;
  let soc = 86;
  let temps = [18, 18.5];
  let controllerT = 24;
  let motorT = 26;
  let boxT = 24;
  let sats = 10;
  let sessionsNow = 0;
  let sessionsToday = 14;
  let distinct = 11;
  let reconnects = 0;
  let outbox = 0;
  let signalLevel = 62;
  let lastFix = { lat, lon, at: RIDE_HOUR_START };
  const cellOffsets = Array.from({ length: 13 }, () => gauss() * 0.004);

  for (let i = 0; i < 360; i++) {
    const at = RIDE_HOUR_START + i * TICK_MS;
    const min = i / 6;
    const moving = riding(min) && !redLight(min);
    // Speed: a first-order approach to the cruise speed, with a correlated wobble.
    wobble = 0.7 * wobble + gauss() * 0.9;
    const target = moving ? 16 + wobble : 0;
    const accel = (target - speed) / 10;
    speed = moving ? Math.max(2, speed + (target - speed) * 0.6) : speed * 0.2 < 1 ? 0 : speed * 0.2;
    if (moving && next() < 0.06) courseDeg = (courseDeg + (next() < 0.5 ? 90 : 270)) % 360;
    const heading = (courseDeg + gauss() * 3 + 360) % 360;
    const step = (speed / 3.6) * (TICK_MS / 1000);
    lat += (step * Math.cos((heading * Math.PI) / 180)) / M_PER_DEG_LAT;
    lon += (step * Math.sin((heading * Math.PI) / 180)) / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));

    // Battery: current from road power, voltage from open-circuit voltage minus the IR drop.
    const powerW = speed > 0 ? 150 + 20 * speed + 400 * Math.max(0, accel) + gauss() * 90 : 0;
    const currentA = -(powerW / 50 + 0.25 + gauss() * 0.03);
    soc += (currentA * (TICK_MS / 3_600_000) * 100) / 20;
    const ocv = 13 * (3.3 + (0.9 * soc) / 100);
    const voltageV = ocv + currentA * 0.12 + gauss() * 0.01;
    temps = temps.map((t) => t + (speed > 0 ? 0.012 : -0.004) + gauss() * 0.03);
    const overCurrent = min >= 50 && min < 50 + 1 / 3;
    const battery: BatterySample = {
      kind: 'battery',
      source: 'jbd',
      at,
      voltageV,
      currentA,
      socPct: soc,
      remainingAh: (soc / 100) * 20,
      nominalAh: 20,
      cycles: 212,
      cellsV: cellOffsets.map((o) => ocv / 13 + o + (currentA * 0.12) / 13 + gauss() * 0.002),
      temperaturesC: temps,
      protection: overCurrent ? ['dischargeOverCurrent'] : [],
      fets: { charge: true, discharge: !overCurrent },
    };

    controllerT += (speed > 0 ? 0.03 : -0.01) + gauss() * 0.05;
    motorT += (speed > 0 ? 0.05 : -0.015) + gauss() * 0.05;
    const inputA = -currentA - 0.25;
    const faulted = min >= 50 && min < 50 + 1 / 6;
    const motor: MotorSample = {
      kind: 'motor',
      source: 'vesc',
      at,
      speedKmh: speed > 0 ? speed + gauss() * 0.2 : 0,
      erpm: speed * 190,
      inputCurrentA: speed > 0 ? inputA : 0,
      motorCurrentA: speed > 0 ? inputA * 1.6 + gauss() * 0.3 : 0,
      powerW: speed > 0 ? voltageV * inputA : 0,
      voltageV: voltageV + gauss() * 0.03,
      controllerTempC: controllerT,
      motorTempC: motorT,
      dutyPct: (speed / 35) * 100,
      faultCode: faulted ? 3 : 0,
      faultName: faulted ? 'over-current' : 'none',
      quality: { powerW: 'inferred' },
    };

    // GPS: correlated error, larger when parked near buildings; a 30-s outage under a bridge at minute 12.
    const sigma = speed > 0 ? 1.5 : 3;
    gpsErrN = 0.8 * gpsErrN + gauss() * sigma;
    gpsErrE = 0.8 * gpsErrE + gauss() * sigma;
    if (next() < 0.05) sats = Math.min(12, Math.max(6, sats + (next() < 0.5 ? -1 : 1)));
    const outage = min >= 12 && min < 12.5;
    const fixLat = lat + gpsErrN / M_PER_DEG_LAT;
    const fixLon = lon + gpsErrE / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));
    if (!outage) lastFix = { lat: fixLat, lon: fixLon, at };
    const position: PositionSample = outage
      ? {
          kind: 'position',
          source: 'gpsd',
          at,
          lat: lastFix.lat,
          lon: lastFix.lon,
          fix: 'none',
          satellites: 2,
          fixAgeMs: at - lastFix.at,
          quality: { lat: 'stale', lon: 'stale' },
        }
      : {
          kind: 'position',
          source: 'gpsd',
          at,
          lat: fixLat,
          lon: fixLon,
          speedKmh: speed > 0 ? speed + gauss() * 0.4 : Math.abs(gauss() * 0.5),
          courseDeg: heading,
          altitudeM: 172 + gauss() * 1.5,
          fix: '3d',
          satellites: sats,
          hdop: 0.9 + Math.abs(gauss() * 0.15),
          gpsTime: at,
        };

    boxT += (boxT < 31 ? 0.02 : 0) + gauss() * 0.05;
    const aux: AuxSample = {
      kind: 'aux',
      source: 'firmata',
      at,
      batteryV: voltageV + gauss() * 0.05,
      temperatureC: boxT,
      modemPowered: true,
      pauseLocation: min >= 30 && min < 35,
    };

    const system: SystemSample = {
      kind: 'system',
      at,
      cpuTempC: 52 + gauss() * 0.8 + (next() < 0.05 ? 4 : 0),
      load1: Math.max(0, 0.35 + gauss() * 0.12),
      memUsedPct: 31.2 + gauss() * 0.2,
      diskUsedPct: 12.4 + i * 0.002,
      uptimeS: 2 * 86_400 + i * 10,
    };

    // Wi-Fi users come and go only where the tricycle is parked among people.
    const inSquare = min >= 22 && min < 40;
    if (inSquare && next() < 0.12) {
      sessionsNow += 1;
      sessionsToday += 1;
      if (next() < 0.8) distinct += 1;
    }
    if (sessionsNow > 0 && next() < (inSquare ? 0.06 : 0.5)) sessionsNow -= 1;
    const hotspot: HotspotAggregate = {
      kind: 'hotspot',
      at,
      sessionsNow,
      sessionsToday,
      distinctDevicesToday: distinct,
    };

    // Signal quality moves in CSQ steps (~3 %): a step now and then parked, a random walk while riding.
    signalLevel += speed > 0 ? gauss() * 1.2 : gauss() * 0.3 + (62 - signalLevel) * 0.05;
    const signal = Math.min(100, Math.max(0, Math.round(Math.round(signalLevel / 3.2) * 3.2)));
    if (min >= 47 && min < 47 + 1 / 6) {
      reconnects = 1;
      outbox = 30;
    } else outbox = Math.max(0, outbox - 10);
    const uplink: UplinkHealth = {
      kind: 'uplink',
      at,
      signalPct: signal,
      bytesSent: 40_000 + i * 40,
      bytesReceived: 9_000 + i * 12,
      reconnects,
      outboxDepth: outbox,
    };
    ticks.push({ at, moving: speed > 0, battery, motor, position, aux, system, hotspot, uplink });
  }
  return ticks;
}
