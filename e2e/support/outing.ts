import {
  type BirthPayload,
  birthTopic,
  cmdFilter,
  encodeBatch,
  parseCommandTopic,
  type QuestionnaireToday,
  replyTopic,
  type TelemetryRecordV2,
  unitTopic,
} from '@triporteur/edge/contract';
import mqtt, { type MqttClient } from 'mqtt';
import type { UnitCredentials } from './fleet.js';

const STEP_MS = 10_000;
const MIN = 60_000;
/** Records per MQTT message, like the edge's batches (well under the payload limit). */
const BATCH = 60;

export interface OutingPlan {
  /** When the tricycle leaves the depot, ms since epoch. */
  start: number;
  /** The depot. */
  lat: number;
  lon: number;
  /** Residents served at the stop: sessions opened there, one new device for each. */
  residents: number;
  /** Battery at the start, %. */
  socPct: number;
  /** Residents who also answered the portal's questionnaire (reason "admin", autonomy "help", access "mobile"). */
  answered?: number;
}

/** Where the outing's stop is: about 1.1 km north-east of the depot. */
export function stopOf(plan: OutingPlan): { lat: number; lon: number } {
  return { lat: plan.lat + 0.0075, lon: plan.lon + 0.0075 };
}

/**
 * A morning of one tricycle as its edge sends it, every kind in full every 10 s: 15 min riding to a
 * square, 40 min parked there with the hotspot serving `residents`, 15 min riding back, then an hour
 * parked at the depot.
 * The battery drains while riding and a cell drifts, so the charts have a shape.
 */
export function morningOuting(plan: OutingPlan): TelemetryRecordV2[] {
  const records: TelemetryRecordV2[] = [];
  const stop = stopOf(plan);
  let ts = plan.start;
  let soc = plan.socPct;
  let sessionsToday = 0;
  const push = (lat: number, lon: number, speedKmh: number, sessionsNow: number) => {
    const riding = speedKmh > 0;
    soc = Math.max(0, soc - (riding ? 0.05 : 0.005));
    const currentA = riding ? -12 - (records.length % 5) : -0.8;
    const drift = records.length * 0.00002;
    records.push({
      seq: records.length,
      ts,
      battery: {
        state: 'connected',
        socPct: Math.round(soc * 10) / 10,
        voltageV: Math.round((46 + soc * 0.08) * 100) / 100,
        currentA,
        remainingAh: Math.round(soc * 0.2 * 10) / 10,
        nominalAh: 20,
        cycles: 212,
        cellsV: [3.9, 3.91 - drift, 3.92, 3.905],
        temperaturesC: [22 + (riding ? 3 : 0), 21.5],
        protection: [],
        fets: { charge: true, discharge: true },
        full: true,
      },
      motor: {
        state: 'connected',
        speedKmh,
        powerW: riding ? 350 : 0,
        controllerTempC: riding ? 38 : 30,
        motorTempC: riding ? 45 : 31,
        faultCode: 0,
        faultName: 'none',
        full: true,
      },
      position: { state: 'connected', fix: '3d', lat, lon, speedKmh, satellites: 9, hdop: 0.9, full: true },
      hotspot: {
        sessionsNow,
        sessionsToday,
        distinctDevicesToday: sessionsToday,
        stationsNow: sessionsNow,
        capacity: HOTSPOT_CAPACITY,
        // The start's site survey: channel 6, four 2.4 GHz neighbours heard.
        channel: 6,
        channelSource: 'scan',
        networksSeen: 4,
        ...(plan.answered === undefined
          ? {}
          : { questionnaireToday: questionnaire(Math.min(plan.answered, sessionsToday)) }),
        full: true,
      },
      uplink: {
        signalPct: riding ? 55 : 72,
        bytesSent: records.length * 400,
        bytesReceived: records.length * 60,
        reconnects: 0,
        outboxDepth: 0,
        monthBytes: 1_200_000_000 + records.length * 460,
        // Out on the round, away from the depot's Wi-Fi.
        via: '4g-router',
        full: true,
      },
      system: { cpuTempC: 48, load1: 0.4, memUsedPct: 31, diskUsedPct: 12, uptimeS: 3600, full: true },
    });
    ts += STEP_MS;
  };
  const ride = (from: { lat: number; lon: number }, to: { lat: number; lon: number }) => {
    const steps = (15 * MIN) / STEP_MS;
    for (let i = 0; i < steps; i++) {
      const f = i / steps;
      push(from.lat + (to.lat - from.lat) * f, from.lon + (to.lon - from.lon) * f, 12, 0);
    }
  };
  const depot = { lat: plan.lat, lon: plan.lon };
  for (let i = 0; i < 3; i++) push(depot.lat, depot.lon, 0, 0);
  ride(depot, stop);
  const parkedSteps = (40 * MIN) / STEP_MS;
  for (let i = 0; i < parkedSteps; i++) {
    // Residents arrive through the first half of the stop, each staying a few minutes.
    const arrived = Math.min(plan.residents, Math.floor((i / parkedSteps) * 2 * plan.residents));
    if (arrived > sessionsToday) sessionsToday = arrived;
    // Two residents at the table at a time, until the last quarter of the stop.
    push(stop.lat, stop.lon, 0, i < parkedSteps * 0.75 ? Math.min(2, sessionsToday) : 0);
  }
  ride(stop, depot);
  // Parked at the depot for an hour, reporting once a minute: long enough for a test's
  // `outingEndParkMinutes` of 45 (over the 40-min stop) to close the outing.
  for (let i = 0; i < 60; i++) {
    push(depot.lat, depot.lon, 0, 0);
    ts += MIN - STEP_MS;
  }
  return records;
}

/** A pack at `socPct` as the BMS reports it in full. */
export function fullBattery(socPct: number): NonNullable<TelemetryRecordV2['battery']> {
  return {
    state: 'connected',
    socPct,
    voltageV: 52.3,
    currentA: -1.5,
    remainingAh: 16,
    nominalAh: 20,
    cycles: 100,
    cellsV: [4.01, 4.02],
    temperaturesC: [21.5],
    protection: [],
    fets: { charge: true, discharge: true },
    full: true,
  };
}

/** The stock CYW43455 firmware's client ceiling, as a unit reports it. */
export const HOTSPOT_CAPACITY = 8;

/** The kinds a boot opens with, in full: battery, a 3D fix at a place, the hotspot's counts. */
export function firstKinds(at: {
  socPct: number;
  lat: number;
  lon: number;
  wifi: number;
}): Omit<TelemetryRecordV2, 'seq' | 'ts'> {
  return {
    battery: fullBattery(at.socPct),
    position: { state: 'connected', fix: '3d', lat: at.lat, lon: at.lon, speedKmh: 0, satellites: 9, full: true },
    hotspot: { sessionsNow: at.wifi, sessionsToday: 5, distinctDevicesToday: 4, full: true },
  };
}

/** The portal's counts when `n` residents gave the same three answers. */
function questionnaire(n: number): QuestionnaireToday {
  return {
    responses: n,
    answers: {
      reason: { admin: n, job: 0, family: 0, school: 0, other: 0 },
      autonomy: { alone: 0, help: n, hard: 0 },
      access: { home: 0, mobile: n, none: 0 },
    },
  };
}

/** What a simulated unit answers to a command: the contract's reply without v and id. */
export type CommandAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** A unit's edge as the broker sees it: its own account, its retained state, payload-v2 batches. */
export class SimulatedEdge {
  private constructor(
    private readonly client: MqttClient,
    private readonly unitId: string,
    readonly bootId: string,
  ) {}

  static async connect(mqttUrl: string, unit: UnitCredentials, bootId: string): Promise<SimulatedEdge> {
    const client = await mqtt.connectAsync(mqttUrl, {
      clientId: `${unit.id}-edge`,
      username: unit.id,
      password: unit.password,
      reconnectPeriod: 0,
    });
    const state = { v: 1, state: 'online', bootId, ts: Date.now() };
    await client.publishAsync(unitTopic(unit.id, 'state'), JSON.stringify(state), { qos: 1, retain: true });
    return new SimulatedEdge(client, unit.id, bootId);
  }

  /** Sends the records in batches, as an outbox replay after a dead zone would. */
  async publish(records: readonly TelemetryRecordV2[]): Promise<void> {
    for (let i = 0; i < records.length; i += BATCH) {
      const batch = encodeBatch({ v: 2, bootId: this.bootId, records: records.slice(i, i + BATCH) });
      await this.client.publishAsync(unitTopic(this.unitId, 'telemetry'), Buffer.from(batch), { qos: 1 });
    }
  }

  /** The retained birth message: versions of the edge software and of the devices' firmware. */
  async birth(versions: Pick<BirthPayload, 'software' | 'firmware' | 'bmsModel'>): Promise<void> {
    const birth: BirthPayload = { v: 1, bootId: this.bootId, configHash: 'c'.repeat(64), ts: Date.now(), ...versions };
    await this.client.publishAsync(birthTopic(this.unitId), JSON.stringify(birth), { qos: 1, retain: true });
  }

  /** Answers the dashboard's commands as `answer` says, over the contract's cmd/reply topics. */
  async answerCommands(answer: (name: string, args: Record<string, unknown>) => CommandAnswer): Promise<void> {
    await this.client.subscribeAsync(cmdFilter(this.unitId), { qos: 1 });
    this.client.on('message', (topic, payload) => {
      const parsed = parseCommandTopic(topic);
      if (parsed?.kind !== 'cmd') return;
      const request = JSON.parse(payload.toString()) as { id: string; args?: Record<string, unknown> };
      const reply = { v: 1, id: request.id, ...answer(parsed.name, request.args ?? {}) };
      this.client.publish(replyTopic(this.unitId, parsed.name), JSON.stringify(reply), { qos: 1 });
    });
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}
