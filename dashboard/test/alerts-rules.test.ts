import { Value } from '@sinclair/typebox/value';
import { applyRecord, type ReconstructedState, type RecordBody } from '@triporteur/edge/contract';
import { describe, expect, it } from 'vitest';
import {
  type AlertsConfig,
  AlertsConfigSchema,
  alertsConfigProblems,
  DEFAULT_ALERTS_CONFIG,
} from '../src/alerts/config.js';
import { roughDuration } from '../src/alerts/french.js';
import { evaluatePresence, evaluateState, evaluateZoneEvent } from '../src/alerts/rules.js';
import { type AlertSignal, EMPTY_MEMORY, type UnitFacts, type UnitMemory } from '../src/alerts/types.js';
import { RIDE } from './records-v2.js';

const UNIT = 'tri-lyon-01';
const T0 = 1_750_000_000_000;
const MIN = 60_000;

/** One unit as the ingest sees it: records folded in order, the rules run after each, memory kept. */
function unit(config: AlertsConfig = DEFAULT_ALERTS_CONFIG, facts: UnitFacts = {}) {
  let state: ReconstructedState = {};
  let memory: UnitMemory = EMPTY_MEMORY;
  return {
    push(record: RecordBody): AlertSignal[] {
      const next = applyRecord(state, record);
      const result = evaluateState({ unitId: UNIT, prev: state, next, facts }, memory, config);
      state = next;
      memory = result.memory;
      return result.signals;
    },
    presence(to: 'online' | 'offline' | 'unknown', at: number, lastSeenAt?: number): AlertSignal[] {
      const result = evaluatePresence(UNIT, { to, at, lastSeenAt }, memory);
      memory = result.memory;
      return result.signals;
    },
    zone(kind: 'enter' | 'leave', zone: string): AlertSignal[] {
      const result = evaluateZoneEvent(UNIT, { kind, zone }, memory, config);
      memory = result.memory;
      return result.signals;
    },
    get memory() {
      return memory;
    },
  };
}

/** A BMS in good health, as the first record of a boot carries it. */
function fullBattery(overrides: Partial<NonNullable<RecordBody['battery']>> = {}): RecordBody['battery'] {
  return {
    state: 'connected',
    socPct: 80,
    voltageV: 52,
    currentA: -6,
    remainingAh: 16,
    nominalAh: 20,
    cycles: 120,
    temperaturesC: [24, 26],
    protection: [],
    fets: { charge: true, discharge: true },
    full: true,
    ...overrides,
  } as RecordBody['battery'];
}

const fullMotor = (overrides: object = {}): RecordBody['motor'] =>
  ({
    state: 'connected',
    speedKmh: 0,
    motorTempC: 40,
    controllerTempC: 35,
    faultCode: 0,
    faultName: 'none',
    full: true,
    ...overrides,
  }) as RecordBody['motor'];

const fullUplink = (overrides: object = {}): RecordBody['uplink'] =>
  ({
    bytesSent: 0,
    bytesReceived: 0,
    reconnects: 0,
    outboxDepth: 0,
    signalPct: 70,
    full: true,
    ...overrides,
  }) as RecordBody['uplink'];

const brief = (signals: AlertSignal[]) =>
  signals.map((s) => ({ key: s.key, active: s.active, severity: s.severity, detail: s.detail }));

describe('low battery', () => {
  it('raises at 20 %, stays raised up to 25 %, clears at 25 %, and does not re-raise at 21 %', () => {
    const u = unit();
    // Plugged in: no discharge to extrapolate, so the outlook says it charges.
    expect(u.push({ ts: T0, battery: fullBattery({ socPct: 30, currentA: 0 }) })).toEqual([]);
    expect(u.push({ ts: T0 + MIN, battery: { socPct: 21 } })).toEqual([]);
    const raised = u.push({ ts: T0 + 2 * MIN, battery: { socPct: 20, currentA: 4 } });
    expect(brief(raised)).toEqual([
      { key: `${UNIT}:low-battery`, active: true, severity: 'warning', detail: 'Batterie à 20 %, en charge' },
    ]);
    // Inside the band: still raised, the new reading merges into it.
    expect(brief(u.push({ ts: T0 + 3 * MIN, battery: { socPct: 23 } }))).toEqual([
      { key: `${UNIT}:low-battery`, active: true, severity: 'warning', detail: 'Batterie à 23 %, en charge' },
    ]);
    expect(u.push({ ts: T0 + 4 * MIN, battery: { voltageV: 52.2 } })).toEqual([]);
    expect(brief(u.push({ ts: T0 + 5 * MIN, battery: { socPct: 25 } }))).toEqual([
      { key: `${UNIT}:low-battery`, active: false, severity: 'warning', detail: 'Batterie à 23 %, en charge' },
    ]);
    expect(u.push({ ts: T0 + 6 * MIN, battery: { socPct: 21 } })).toEqual([]);
  });

  it('estimates the remaining time from the SoC slope over the window: 0.25 %/min at 20 % is ≈ 1 h 20 min', () => {
    const u = unit();
    u.push({ ts: T0, battery: fullBattery({ socPct: 30, currentA: -25 }) });
    const signals: AlertSignal[] = [];
    // One percent every 4 minutes while riding; the instantaneous current (-25 A) would say 38 min.
    for (let step = 1; step <= 10; step++) {
      signals.push(...u.push({ ts: T0 + step * 4 * MIN, battery: { socPct: 30 - step } }));
    }
    expect(brief(signals)).toEqual([
      {
        key: `${UNIT}:low-battery`,
        active: true,
        severity: 'warning',
        detail: 'Batterie à 20 % (≈ 1 h 20 min restantes)',
      },
    ]);
    // Only the last 30 minutes count: the readings from before are dropped.
    expect(u.memory.soc[0]).toEqual({ ts: T0 + 12 * MIN, pct: 27 });
  });

  it('falls back to remaining capacity over the discharge current before the window has a slope', () => {
    const u = unit();
    // 4 Ah left at 6 A: 40 minutes.
    expect(brief(u.push({ ts: T0, battery: fullBattery({ socPct: 15, currentA: -6, remainingAh: 4 }) }))).toEqual([
      { key: `${UNIT}:low-battery`, active: true, severity: 'warning', detail: 'Batterie à 15 % (≈ 40 min restantes)' },
    ]);
    expect(brief(u.push({ ts: T0 + MIN, battery: { socPct: 9, currentA: 0, remainingAh: 1.8 } }))).toEqual([
      {
        key: `${UNIT}:low-battery`,
        active: true,
        severity: 'critical',
        detail: 'Batterie à 9 % (autonomie restante inconnue)',
      },
    ]);
  });

  it('ignores a stale SoC and a BMS that stopped answering instead of clearing on old values', () => {
    const u = unit();
    u.push({ ts: T0, battery: fullBattery({ socPct: 12 }) });
    expect(u.push({ ts: T0 + MIN, battery: fullBattery({ socPct: 60, q: { socPct: 'stale' } }) })).toEqual([]);
    expect(u.push({ ts: T0 + 2 * MIN, battery: fullBattery({ socPct: 60, state: 'silent' }) })).toEqual([]);
    expect(u.memory.active[`${UNIT}:low-battery`]?.severity).toBe('warning');
  });

  it('rounds estimates as coarsely as they deserve', () => {
    expect([3, 12, 57, 80, 125, 180].map((m) => roughDuration(m * MIN))).toEqual([
      '3 min',
      '10 min',
      '55 min',
      '1 h 20 min',
      '2 h 05 min',
      '3 h',
    ]);
  });
});

describe('BMS protection, motor fault, temperatures', () => {
  it('names the protection flags in French and says which MOSFETs are off, then clears', () => {
    const u = unit();
    const tripped = fullBattery({
      protection: ['dischargeOverCurrent', 'shortCircuit', 'vendorSpecial'],
      fets: { charge: true, discharge: false },
    });
    expect(brief(u.push({ ts: T0, battery: tripped }))).toEqual([
      {
        key: `${UNIT}:bms-protection`,
        active: true,
        severity: 'critical',
        detail: 'Protection BMS active : surintensité de décharge, court-circuit, vendorSpecial (décharge coupée)',
      },
    ]);
    expect(u.push({ ts: T0 + MIN, battery: { voltageV: 51 } })).toEqual([]);
    expect(
      brief(u.push({ ts: T0 + 2 * MIN, battery: { protection: [], fets: { charge: true, discharge: true } } })),
    ).toMatchObject([{ key: `${UNIT}:bms-protection`, active: false }]);
  });

  it('raises a motor fault with its code and name, keeps it while the controller is silent, clears at code 0', () => {
    const u = unit();
    expect(u.push({ ts: T0, motor: fullMotor() })).toEqual([]);
    expect(brief(u.push({ ts: T0 + MIN, motor: { faultCode: 7, faultName: 'overCurrent' } }))).toEqual([
      {
        key: `${UNIT}:motor-fault`,
        active: true,
        severity: 'critical',
        detail: 'Défaut du contrôleur moteur : code 7 (overCurrent)',
      },
    ]);
    expect(u.push({ ts: T0 + 2 * MIN, motor: fullMotor({ state: 'silent' }) })).toEqual([]);
    expect(u.push({ ts: T0 + 3 * MIN, motor: fullMotor() })).toMatchObject([{ kind: 'motor-fault', active: false }]);
  });

  it('raises over-temperature per source with 5 °C of hysteresis and escalates past the critical level', () => {
    const u = unit();
    u.push({ ts: T0, motor: fullMotor({ motorTempC: 90 }) });
    const key = `${UNIT}:over-temperature:motor`;
    expect(brief(u.push({ ts: T0 + MIN, motor: { motorTempC: 101 } }))).toEqual([
      { key, active: true, severity: 'warning', detail: 'Moteur à 101 °C (seuil 100 °C)' },
    ]);
    expect(brief(u.push({ ts: T0 + 2 * MIN, motor: { motorTempC: 121.5 } }))).toEqual([
      { key, active: true, severity: 'critical', detail: 'Moteur à 121,5 °C (seuil 120 °C)' },
    ]);
    expect(u.push({ ts: T0 + 3 * MIN, motor: { motorTempC: 96 } })).toMatchObject([{ key, active: true }]);
    expect(u.push({ ts: T0 + 4 * MIN, motor: { motorTempC: 95 } })).toMatchObject([{ key, active: false }]);
  });

  it('takes the hottest battery probe and the CPU, but not a reading flagged out of range', () => {
    const u = unit();
    expect(
      u.push({ ts: T0, battery: fullBattery({ temperaturesC: [31, 88], q: { temperaturesC: 'out-of-range' } }) }),
    ).toEqual([]);
    const signals = u.push({
      ts: T0 + MIN,
      battery: fullBattery({ temperaturesC: [31, 52] }),
      system: { cpuTempC: 83, full: true },
    });
    expect(brief(signals)).toEqual([
      {
        key: `${UNIT}:over-temperature:battery`,
        active: true,
        severity: 'warning',
        detail: 'Batterie à 52 °C (seuil 50 °C)',
      },
      {
        key: `${UNIT}:over-temperature:cpu`,
        active: true,
        severity: 'critical',
        detail: 'Processeur à 83 °C (seuil 82 °C)',
      },
    ]);
  });
});

describe('uplink, data budget, hotspot', () => {
  it('raises uplink-down on an outbox backlog and clears only once it has drained below the clear level', () => {
    const u = unit();
    u.push({ ts: T0, uplink: fullUplink() });
    expect(brief(u.push({ ts: T0 + MIN, uplink: { outboxDepth: 620, signalPct: 12 } }))).toEqual([
      {
        key: `${UNIT}:uplink-down`,
        active: true,
        severity: 'warning',
        detail:
          'Liaison dégradée : 620 enregistrements en attente d’envoi, 0 reconnexion au courtier en 60 min, signal 12 %',
      },
    ]);
    expect(u.push({ ts: T0 + 2 * MIN, uplink: { outboxDepth: 120 } })).toMatchObject([{ active: true }]);
    expect(u.push({ ts: T0 + 3 * MIN, uplink: { outboxDepth: 50 } })).toMatchObject([{ active: false }]);
  });

  it('raises uplink-down when the modem reports no network, and clears once it is registered again', () => {
    const u = unit();
    u.push({ ts: T0, uplink: fullUplink({ registered: true }) });
    expect(brief(u.push({ ts: T0 + MIN, uplink: { registered: false, signalPct: 0 } }))).toEqual([
      {
        key: `${UNIT}:uplink-down`,
        active: true,
        severity: 'warning',
        detail:
          'Liaison dégradée : modem 4G sans réseau, 0 enregistrement en attente d’envoi, 0 reconnexion au courtier en 60 min, signal 0 %',
      },
    ]);
    expect(u.push({ ts: T0 + 2 * MIN, uplink: { registered: true, signalPct: 55 } })).toMatchObject([
      { active: false },
    ]);
  });

  it('counts broker reconnects in a sliding hour: five raise it, and it clears when they age out', () => {
    const u = unit();
    u.push({ ts: T0, uplink: fullUplink() });
    const raised: AlertSignal[] = [];
    for (let n = 1; n <= 5; n++) raised.push(...u.push({ ts: T0 + n * 5 * MIN, uplink: { reconnects: n } }));
    expect(brief(raised)).toEqual([
      {
        key: `${UNIT}:uplink-down`,
        active: true,
        severity: 'warning',
        detail:
          'Liaison dégradée : 0 enregistrement en attente d’envoi, 5 reconnexions au courtier en 60 min, signal 70 %',
      },
    ]);
    // 61 minutes after the second reconnect, only three remain in the window.
    expect(u.push({ ts: T0 + 71 * MIN, uplink: { bytesSent: 1000 } })).toMatchObject([{ active: false }]);
  });

  it('warns near the data cap (a unit fact), goes critical past it, and clears in the new month', () => {
    const u = unit(DEFAULT_ALERTS_CONFIG, { dataCapBytes: 5e9 });
    expect(u.push({ ts: T0, uplink: fullUplink({ monthBytes: 3.9e9 }) })).toEqual([]);
    expect(brief(u.push({ ts: T0 + MIN, uplink: { monthBytes: 4.2e9 } }))).toEqual([
      {
        key: `${UNIT}:data-budget`,
        active: true,
        severity: 'warning',
        detail: 'Forfait de données : 4,2 Go sur 5 Go ce mois-ci (84 %)',
      },
    ]);
    expect(brief(u.push({ ts: T0 + 2 * MIN, uplink: { monthBytes: 5.12e9, stretch: 2 } }))).toEqual([
      {
        key: `${UNIT}:data-budget`,
        active: true,
        severity: 'critical',
        detail: 'Forfait de données : 5,1 Go sur 5 Go ce mois-ci (102 %), envois espacés ×2',
      },
    ]);
    expect(u.push({ ts: T0 + 3 * MIN, uplink: { monthBytes: 2e8, stretch: 1 } })).toMatchObject([{ active: false }]);
  });

  it('has no data-budget alert without a cap', () => {
    const u = unit();
    expect(u.push({ ts: T0, uplink: fullUplink({ monthBytes: 9e12 }) })).toEqual([]);
  });

  it('raises hotspot-full when refusals rise, merges the next ones, and clears after 30 quiet minutes', () => {
    const u = unit();
    const hotspot = { sessionsNow: 12, sessionsToday: 40, distinctDevicesToday: 35, refusedFullToday: 0, full: true };
    u.push({ ts: T0, hotspot: hotspot as RecordBody['hotspot'] });
    expect(brief(u.push({ ts: T0 + MIN, hotspot: { refusedFullToday: 2 } }))).toEqual([
      {
        key: `${UNIT}:hotspot-full`,
        active: true,
        severity: 'info',
        detail: 'Point d’accès saturé : 2 connexions refusées aujourd’hui (plafond de clients atteint)',
      },
    ]);
    expect(u.push({ ts: T0 + 2 * MIN, hotspot: { refusedFullToday: 3 } })).toMatchObject([{ active: true }]);
    expect(u.push({ ts: T0 + 20 * MIN, hotspot: { sessionsNow: 8 } })).toEqual([]);
    expect(u.push({ ts: T0 + 32 * MIN, hotspot: { sessionsNow: 7 } })).toMatchObject([{ active: false }]);
  });
});

describe('presence, zones, steady state, config', () => {
  it('raises unit-offline once with the silence, clears when back online, ignores unknown', () => {
    const u = unit();
    expect(u.presence('unknown', T0)).toEqual([]);
    expect(brief(u.presence('offline', T0 + 15 * MIN, T0))).toEqual([
      {
        key: `${UNIT}:unit-offline`,
        active: true,
        severity: 'warning',
        detail: 'Unité hors ligne : dernier message il y a 15 min',
      },
    ]);
    expect(u.presence('offline', T0 + 16 * MIN, T0)).toEqual([]);
    expect(u.presence('unknown', T0 + 17 * MIN)).toEqual([]);
    expect(u.presence('online', T0 + 20 * MIN)).toMatchObject([{ kind: 'unit-offline', active: false }]);
  });

  it('raises one alert per zone left and clears it on re-entry', () => {
    const u = unit();
    expect(brief(u.zone('leave', 'Quartier Nord'))).toEqual([
      {
        key: `${UNIT}:zone-leave:Quartier Nord`,
        active: true,
        severity: 'info',
        detail: 'A quitté la zone « Quartier Nord »',
      },
    ]);
    expect(u.zone('leave', 'Gare')).toMatchObject([{ key: `${UNIT}:zone-leave:Gare`, active: true }]);
    expect(u.zone('enter', 'Quartier Nord')).toMatchObject([
      { key: `${UNIT}:zone-leave:Quartier Nord`, active: false },
    ]);
    expect(Object.keys(u.memory.active)).toEqual([`${UNIT}:zone-leave:Gare`]);
  });

  it('stays silent through a normal ride, except for the protection flag the ride carries', () => {
    const u = unit();
    const signals = RIDE.flatMap((record) => u.push(record));
    expect(brief(signals)).toEqual([
      {
        key: `${UNIT}:bms-protection`,
        active: true,
        severity: 'critical',
        detail: 'Protection BMS active : overCurrent (décharge coupée)',
      },
    ]);
  });

  it('has working defaults and reports thresholds on the wrong side of each other', () => {
    expect(Value.Check(AlertsConfigSchema, DEFAULT_ALERTS_CONFIG)).toBe(true);
    expect(DEFAULT_ALERTS_CONFIG.lowBattery).toEqual({
      raisePct: 20,
      clearPct: 25,
      criticalPct: 10,
      slopeWindowMin: 30,
    });
    expect(alertsConfigProblems(DEFAULT_ALERTS_CONFIG)).toEqual([]);
    const bad = Value.Default(AlertsConfigSchema, {
      lowBattery: { raisePct: 30, clearPct: 25 },
      notify: { timeZone: 'Mars/Olympus' },
    }) as AlertsConfig;
    expect(alertsConfigProblems(bad).map((p) => p.path)).toEqual(['lowBattery/clearPct', 'notify/timeZone']);
  });
});
