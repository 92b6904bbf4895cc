import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TelemetryPayload } from '@triporteur/edge/contract';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type Logger, pino } from 'pino';
import { hashSecret } from '../src/auth/secrets.js';

export interface CapturedLog {
  level: number;
  msg: string;
  module?: string;
  unitId?: string;
  reason?: string;
  [key: string]: unknown;
}

/** A real pino logger whose lines are kept for assertions instead of printed. */
export function captureLogger(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as CapturedLog);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'dashboard-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Unit accounts for tests; the secrets are known so clients can log in. */
export const UNITS = [
  { id: 'tri-test-01', name: 'Triporteur 01', secret: 'secret-of-unit-01' },
  { id: 'tri-test-02', name: 'Triporteur 02', secret: 'secret-of-unit-02' },
] as const;

export async function unitAccounts() {
  return Promise.all(UNITS.map(async (u) => ({ id: u.id, name: u.name, secretHash: await hashSecret(u.secret) })));
}

/** Connects like the edge does (MQTT 3.1.1, client id `<unit>-edge`); rejects on a refused CONNACK. */
export function connectClient(url: string, options: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

export function connectUnit(url: string, unitId: string, secret: string, extra: IClientOptions = {}) {
  return connectClient(url, { clientId: `${unitId}-edge`, username: unitId, password: secret, ...extra });
}

export function telemetry(bootId: string, seqs: readonly number[], socPct = 80, historical = false): TelemetryPayload {
  return {
    v: 1,
    bootId,
    records: seqs.map((seq) => ({
      seq,
      ts: 1_700_000_000_000 + seq * 1000,
      historical,
      battery: {
        state: 'connected',
        socPct,
        voltageV: 52.3,
        currentA: -4.5,
        remainingAh: 20,
        nominalAh: 30,
        cycles: 12,
        temperaturesC: [21.5],
        protection: [],
        fets: { charge: true, discharge: true },
      },
    })),
  };
}

/** Polls until `check` returns true; fails with `what` after the timeout. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
