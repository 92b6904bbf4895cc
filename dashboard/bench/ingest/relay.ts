import { performance } from 'node:perf_hooks';
import { parseUnitTopic } from '@triporteur/edge/contract';
import mqtt, { type MqttClient } from 'mqtt';
import { ingestFilters } from '../../src/ingest/ingest.js';
import type { Publishers } from './publishers.js';

/**
 * The ceiling: the same publishers and backlog through the same Mosquitto to a plain QoS 1 subscriber
 * that only acknowledges. It logs in as the dashboard's ingest account and subscribes like the ingest
 * (same filters, persistent session), so the broker does the same work; only the store is missing.
 */

export interface RelayRun {
  messages: number;
  records: number;
  /** First publish → last telemetry message received, ms. */
  elapsedMs: number;
  /** When the publishers had made their last publish call, ms after the first. */
  publishMs: number;
  failedPublishes: number;
}

function connectSubscriber(url: string, login: { username: string; password: string }, clean: boolean) {
  return new Promise<MqttClient>((resolve, reject) => {
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      clientId: `${login.username}:bench-relay`,
      ...login,
      clean,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

export async function measureRelay(
  url: string,
  login: { username: string; password: string },
  publishers: Publishers,
  expected: { messages: number; recordsPerMessage: number; repeat: number },
  timeoutMs = 120_000,
): Promise<RelayRun> {
  const client = await connectSubscriber(url, login, false);
  try {
    let received = 0;
    let finished: () => void = () => {};
    const all = new Promise<void>((resolve) => {
      finished = resolve;
    });
    let lastAt = 0;
    client.on('message', (topic) => {
      if (parseUnitTopic(topic)?.channel !== 'telemetry') return;
      received++;
      if (received === expected.messages) {
        lastAt = performance.now();
        finished();
      }
    });
    await client.subscribeAsync(Object.fromEntries(ingestFilters().map((f) => [f, { qos: 1 as const }])));
    const started = performance.now();
    const burst = publishers.burst(expected.repeat);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`relay: ${received} of ${expected.messages} messages after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const [done] = await Promise.race([Promise.all([burst, all]), timeout]).finally(() => clearTimeout(timer));
    // Anything past the expected count would be a duplicate delivery: give it a moment to show.
    await new Promise((r) => setTimeout(r, 200));
    if (received !== expected.messages) {
      throw new Error(`relay: received ${received} telemetry messages, expected ${expected.messages}`);
    }
    return {
      messages: received,
      records: received * expected.recordsPerMessage,
      elapsedMs: lastAt - started,
      publishMs: done.publishMs,
      failedPublishes: done.failed,
    };
  } finally {
    await client.endAsync();
    // A persistent session left behind would have the broker queue every later message for nobody.
    const cleaner = await connectSubscriber(url, login, true);
    await cleaner.endAsync();
  }
}
