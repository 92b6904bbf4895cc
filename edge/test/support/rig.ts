import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ByteTransport,
  createPtyPair,
  JbdSimulator,
  openSerialTransport,
  type PtyPair,
} from '@triporteur/firmware-bridge';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { validateEdgeConfig } from '../../src/config/load.js';
import type { EdgeConfig } from '../../src/config/schema.js';
import type { Host } from '../../src/host.js';
import { nodeHost } from '../../src/host-node.js';

/** A simulated BMS on one end of a real pty pair; the edge opens the other end with serialport. */
export interface BmsRig {
  pty: PtyPair;
  simulator: JbdSimulator;
  close(): Promise<void>;
}

export async function startBmsRig(options: { timeScale?: number } = {}): Promise<BmsRig> {
  const pty = await createPtyPair();
  const simulatorSide: ByteTransport = await openSerialTransport({ path: pty.a, baudRate: 9600 });
  const simulator = new JbdSimulator({ transport: simulatorSide, timeScale: options.timeScale ?? 600 });
  simulator.start();
  return {
    pty,
    simulator,
    close: async () => {
      simulator.stop();
      await simulatorSide.close();
      await pty.close();
    },
  };
}

export function testConfig(overrides: {
  unitId?: string;
  bmsPath: string;
  url: string;
  password?: string;
  outboxPath?: string;
  /** Merged over the fast test timings. */
  telemetry?: Record<string, unknown>;
}): Readonly<EdgeConfig> {
  const unitId = overrides.unitId ?? 'tri-test-01';
  return validateEdgeConfig({
    configVersion: 1,
    unitId,
    bms: { type: 'jbd', path: overrides.bmsPath, pollIntervalMs: 300, responseTimeoutMs: 300 },
    mqtt: {
      url: overrides.url,
      username: unitId,
      password: overrides.password ?? 'unit-secret',
      reconnectMs: 500,
      keepaliveS: 10,
    },
    telemetry: { sampleIntervalMs: 300, batchIntervalMs: 300, ...overrides.telemetry },
    outbox: { path: overrides.outboxPath ?? join(mkdtempSync(join(tmpdir(), 'edge-outbox-')), 'outbox.db') },
  });
}

/** The real node host, quiet, and keeping a handle on the MQTT client so a test can cut its socket. */
export function recordingHost(): Host & { clients: MqttClient[] } {
  const real = nodeHost(pino({ level: 'silent' }));
  const clients: MqttClient[] = [];
  return {
    ...real,
    clients,
    connectMqtt: (url, options) => {
      const client = real.connectMqtt(url, options);
      clients.push(client);
      return client;
    },
  };
}
