import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBridgeError, type TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { buildApp, type EdgeApp } from '../app.js';
import { validateEdgeConfig } from '../config/load.js';
import type { Host } from '../host.js';
import { nodeHost } from '../host-node.js';
import { type SimulatedDevices, startSimulatedDevices } from './devices.js';

export interface TricycleSpec {
  unitId: string;
  password: string;
  initialSocPct: number;
  /** Simulated seconds per real second, so the battery visibly moves in a demo. */
  timeScale: number;
  /** Report-by-exception tick and batch interval, ms: short in a demo so the map moves. */
  sampleIntervalMs: number;
  batchIntervalMs: number;
  /** Real ms of riding, then of standing at a stop, in turn; absent, the tricycle only rides. */
  legMs?: { ride: number; park: number };
  /** The unit's outbox file; a fresh temporary one when absent. */
  outboxPath?: string;
  /** MQTT 3.1.1 (4, the default: aedes) or 5 (Mosquitto). */
  mqttProtocol?: 4 | 5;
}

export interface SimulatedTricycle {
  unitId: string;
  /** How the devices are linked: socat pseudo-terminals, or in-memory pairs when socat is missing. */
  link: 'pty' | 'memory';
  devices: SimulatedDevices;
  app: EdgeApp;
  stop(): Promise<void>;
}

/**
 * One tricycle: a JBD BMS, a VESC controller, an NMEA GPS and a Firmata board, each simulated on
 * one end of a socat pty pair, and the real edge service on the other ends, opening them with
 * serialport like on a Pi. Without socat, in-memory links stand in (the demo on a fresh laptop).
 */
export async function startSimulatedTricycle(
  spec: TricycleSpec,
  mqttUrl: string,
  logger: Logger,
): Promise<SimulatedTricycle> {
  const stops: Array<() => Promise<void>> = [];
  const options = {
    devices: ['bms', 'motor', 'gps', 'aux'] as const,
    timeScale: spec.timeScale,
    initialSocPct: spec.initialSocPct,
  };
  let link: SimulatedTricycle['link'] = 'pty';
  let devices: SimulatedDevices;
  try {
    devices = await startSimulatedDevices(options);
  } catch (err) {
    if (!isBridgeError(err)) throw err;
    logger.warn({ code: err.code }, `${err.message}; using in-memory serial links instead`);
    link = 'memory';
    devices = await startSimulatedDevices({ ...options, link: 'memory' });
  }
  stops.push(() => devices.stop());
  const host: Host = { ...nodeHost(logger), openSerial: (port) => devices.openSerial(port) };

  // A mediator's round in fast-forward: ride to a stop, stay a while, ride on.
  let legTimer: TimerHandle | undefined;
  const nextLeg = () => {
    if (!spec.legMs) return;
    const parked = devices.scenario === 'park';
    legTimer = host.clock.setTimeout(
      () => {
        devices.setScenario(parked ? 'ride' : 'park');
        nextLeg();
      },
      parked ? spec.legMs.park : spec.legMs.ride,
    );
  };
  nextLeg();
  stops.push(async () => {
    if (legTimer !== undefined) host.clock.clearTimeout(legTimer);
  });

  const { bms, motor, gps, aux } = devices.config;
  const config = validateEdgeConfig({
    configVersion: 1,
    unitId: spec.unitId,
    bms: { ...bms, pollIntervalMs: Math.min(2000, spec.sampleIntervalMs) },
    motor,
    gps,
    aux,
    mqtt: {
      url: mqttUrl,
      username: spec.unitId,
      password: spec.password,
      protocolVersion: spec.mqttProtocol ?? 4,
      reconnectMs: 1000,
      reconnectMaxMs: 5000,
    },
    telemetry: { sampleIntervalMs: spec.sampleIntervalMs, batchIntervalMs: spec.batchIntervalMs },
    outbox: { path: spec.outboxPath ?? join(await mkdtemp(join(tmpdir(), `${spec.unitId}-`)), 'outbox.db') },
  });
  const app = buildApp(host, config);
  await app.start();
  stops.push(() => app.stop());

  return {
    unitId: spec.unitId,
    link,
    devices,
    app,
    // Idempotent: tests and signal handlers may both stop it.
    stop: async () => {
      for (const stop of stops.splice(0).reverse()) await stop();
    },
  };
}
