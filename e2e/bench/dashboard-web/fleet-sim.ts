import { performance } from 'node:perf_hooks';
import { encodeBatch, type TelemetryRecordV2, unitTopic } from '@triporteur/edge/contract';
import mqtt, { type MqttClient } from 'mqtt';
import type { UnitCredentials } from '../../support/fleet.js';
import { firstKinds } from '../../support/outing.js';
import { type Published, socFor } from './latency.js';

/** Where the fleet rides: a box of about 5 km around the centre of Paris. */
const PARIS = { lat: 48.8566, lon: 2.3522 };
const BOX_DEG = { lat: 0.045, lon: 0.068 };
const CONNECT_CONCURRENCY = 50;

/** Unit `i`'s starting point: spread over the box by two co-prime strides, the same on every run. */
export function startPoint(i: number): { lat: number; lon: number } {
  return {
    lat: Number((PARIS.lat + (((i * 37) % 100) / 100 - 0.5) * BOX_DEG.lat).toFixed(6)),
    lon: Number((PARIS.lon + (((i * 61) % 100) / 100 - 0.5) * BOX_DEG.lon).toFixed(6)),
  };
}

/** Epoch ms with sub-ms precision, comparable with the page's performance.timeOrigin + now(). */
export const epochMs = () => performance.timeOrigin + performance.now();

interface SimUnit {
  index: number;
  credentials: UnitCredentials;
  client: MqttClient;
  bootId: string;
  seq: number;
  lat: number;
  lon: number;
}

/** Each simulated unit is a real MQTT client on its own account, sending payload-v2 batches as the edge does. */
export class SimulatedFleet {
  private constructor(private readonly units: SimUnit[]) {}

  static async connect(mqttUrl: string, credentials: readonly UnitCredentials[]): Promise<SimulatedFleet> {
    const units: SimUnit[] = [];
    for (let from = 0; from < credentials.length; from += CONNECT_CONCURRENCY) {
      const slice = credentials.slice(from, from + CONNECT_CONCURRENCY);
      const connected = await Promise.all(
        slice.map(async (unit, offset) => {
          const index = from + offset;
          const client = await mqtt.connectAsync(mqttUrl, {
            clientId: `${unit.id}-edge`,
            username: unit.id,
            password: unit.password,
            reconnectPeriod: 0,
            connectTimeout: 60_000,
          });
          const bootId = `${unit.id}-bench-boot`;
          const state = { v: 1, state: 'online', bootId, ts: Date.now() };
          await client.publishAsync(unitTopic(unit.id, 'state'), JSON.stringify(state), { qos: 1, retain: true });
          return { index, credentials: unit, client, bootId, seq: 0, ...startPoint(index) };
        }),
      );
      units.push(...connected);
    }
    return new SimulatedFleet(units);
  }

  get size(): number {
    return this.units.length;
  }

  /** Every unit's first record of the boot: every kind in full. */
  async publishFirstRecords(): Promise<void> {
    await Promise.all(
      this.units.map((unit) =>
        this.send(
          unit,
          firstKinds({ socPct: socFor(unit.index, 0), lat: unit.lat, lon: unit.lon, wifi: unit.index % 7 }),
        ),
      ),
    );
  }

  /** Unit `i`'s next update: a new SOC (what the bench watches for) and a few metres of riding north-east. */
  update(i: number): Published {
    const unit = this.units[i];
    if (!unit) throw new Error(`no unit ${i}`);
    unit.lat = Number((unit.lat + 0.00005).toFixed(6));
    unit.lon = Number((unit.lon + 0.00005).toFixed(6));
    const soc = socFor(unit.index, unit.seq);
    const atMs = epochMs();
    this.send(unit, { battery: { socPct: soc }, position: { lat: unit.lat, lon: unit.lon } }).catch((err: unknown) => {
      process.stderr.write(`dashboard-web bench: unit ${unit.credentials.id} failed to publish: ${String(err)}\n`);
    });
    return { unit: unit.credentials.id, soc, atMs };
  }

  /** The record carries this unit's next seq; the SOC is chosen from it, so it is read before sending. */
  private send(unit: SimUnit, parts: Omit<TelemetryRecordV2, 'seq' | 'ts'>): Promise<unknown> {
    const record = { seq: unit.seq++, ts: Date.now(), ...parts } as TelemetryRecordV2;
    const batch = encodeBatch({ v: 2, bootId: unit.bootId, records: [record] });
    return unit.client.publishAsync(unitTopic(unit.credentials.id, 'telemetry'), Buffer.from(batch), { qos: 1 });
  }

  async close(): Promise<void> {
    await Promise.all(this.units.map((unit) => unit.client.endAsync().catch(() => undefined)));
  }
}

/**
 * Publishes on a schedule: update k of the run goes out at `offsetsMs[k]` after the start, each on its
 * unit (`units[k]`). Ticks every few ms and sends whatever is due, so a busy moment delays but never drops.
 */
export async function publishOnSchedule(
  fleet: SimulatedFleet,
  plan: readonly { atMs: number; unit: number }[],
): Promise<Published[]> {
  const published: Published[] = [];
  const start = performance.now();
  let next = 0;
  while (next < plan.length) {
    const elapsed = performance.now() - start;
    for (let step = plan[next]; step !== undefined && step.atMs <= elapsed; step = plan[++next]) {
      published.push(fleet.update(step.unit));
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return published;
}

/** Every unit once per `periodMs`, spread evenly, for `durationMs`: the sustained stream. */
export function evenPlan(units: number, periodMs: number, durationMs: number): { atMs: number; unit: number }[] {
  const gap = periodMs / units;
  const plan: { atMs: number; unit: number }[] = [];
  for (let k = 0; k * gap < durationMs; k++) plan.push({ atMs: k * gap, unit: k % units });
  return plan;
}
