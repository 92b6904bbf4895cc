import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { buildBirth } from '../../src/commands/birth.js';
import { validateEdgeConfig } from '../../src/config/load.js';
import type { EdgeConfig } from '../../src/config/schema.js';
import type { Host } from '../../src/host.js';
import { TelemetryPipeline } from '../../src/telemetry/pipeline.js';
import { Outbox } from '../../src/uplink/outbox.js';
import { UplinkSession } from '../../src/uplink/session.js';
import type { Inflight, Link } from './link.js';
import { BENCH_PASSWORD, type BenchPublisher, type SentCount } from './publisher.js';
import type { TraceSample } from './trace.js';

export interface EdgePublisherOptions {
  key?: string;
  label?: string;
  /** Overrides mqtt.keepaliveS (the default is the edge config's). */
  keepaliveS?: number;
  /** Overrides telemetry.* (records config); the default is the edge config's. */
  telemetry?: Partial<EdgeConfig['telemetry']>;
}

/**
 * (c) Ours: the edge's own uplink path with its config defaults. `UplinkSession` (its CONNECT options,
 * will, retained online state), `TelemetryPipeline` (report-by-exception, v2 delta records, the SQLite
 * outbox, batches every telemetry.batchIntervalMs, encodeBatch 'auto') and, on connect, the retained
 * birth, as buildApp wires them. The trace stands in for the drivers; the edge's own uplink-health kind
 * is left out, as the baselines do not carry it either.
 */
export async function edgePublisher(link: Link, unitId: string, options: EdgePublisherOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'uplink-bench-'));
  const config = validateEdgeConfig({
    configVersion: 1,
    unitId,
    bms: { type: 'jbd', path: '/dev/null' },
    mqtt: {
      url: link.url,
      username: unitId,
      password: BENCH_PASSWORD,
      ...(options.keepaliveS === undefined ? {} : { keepaliveS: options.keepaliveS }),
    },
    telemetry: options.telemetry ?? {},
    outbox: { path: join(dir, 'outbox.db') },
  });
  const bootId = `${unitId}-boot-0001`;
  const logger = pino({ level: 'silent' });
  let client: MqttClient | undefined;
  let inflight: Inflight | undefined;
  const host: Host = {
    openSerial: () => Promise.reject(new Error('uplink bench: no serial port; the trace feeds the samples')),
    connectMqtt: (_url, mqttOptions) => {
      const made = link.connect(mqttOptions);
      client = made.client;
      inflight = made.inflight;
      return made.client;
    },
    readFile: () => Promise.reject(new Error('uplink bench: no files to read')),
    clock: link.clock,
    logger,
    randomId: () => bootId,
  };
  const session = new UplinkSession(host, config, bootId);
  const outbox = new Outbox(config.outbox.path, {
    maxRows: config.outbox.maxRows,
    maxAgeMs: config.outbox.maxAgeMs,
    clock: link.clock,
  });
  const sent: SentCount = { messages: 0, records: 0, payloadBytes: 0 };
  const track = <T>(promise: Promise<T>) => (inflight ? inflight.track(promise) : promise);
  const pipeline = new TelemetryPipeline({
    bootId,
    records: config.telemetry,
    live: {
      sampleIntervalMs: config.telemetry.sampleIntervalMs,
      batchIntervalMs: config.telemetry.batchIntervalMs,
      maxBatch: config.telemetry.maxBatch,
    },
    outbox: () => outbox,
    online: () => session.status === 'online',
    publish: (bytes) => {
      sent.messages += 1;
      sent.payloadBytes += bytes.byteLength;
      return track(session.publishTelemetry(bytes));
    },
    stretch: () => 1,
    clock: link.clock,
    logger,
  });
  session.onConnect(() => {
    outbox.markReplay();
    void track(pipeline.flush());
    const birth = buildBirth({ bootId, config, version: 'uplink-bench', now: link.clock.now() });
    void track(session.publishBirth(birth));
  });

  const publisher: BenchPublisher = {
    key: options.key ?? 'ours',
    label: options.label ?? '(c) ours: RBE + delta v2 + batches',
    unitId,
    keepaliveS: config.mqtt.keepaliveS,
    async start() {
      await session.start();
      const until = Date.now() + 10_000;
      while (session.status !== 'online') {
        if (session.status === 'refused' || Date.now() > until) {
          throw new Error(`uplink bench: ${unitId} could not connect (${session.status})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      link.clock.setInterval(() => pipeline.tick(), config.telemetry.sampleIntervalMs);
    },
    observe: (sample: TraceSample) => pipeline.observe(sample),
    async finish() {
      await track(pipeline.flush());
    },
    async stop() {
      await session.stop();
      outbox.close();
      await rm(dir, { recursive: true, force: true });
    },
    client() {
      if (!client) throw new Error(`uplink bench: ${unitId} is not connected`);
      return client;
    },
    inflight() {
      if (!inflight) throw new Error(`uplink bench: ${unitId} is not connected`);
      return inflight;
    },
    sent: () => ({ ...sent, records: pipeline.stats().published }),
  };
  return { publisher, config, session };
}
