import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ByteTransport,
  createMemoryPair,
  createPtyPair,
  isBridgeError,
  JbdSimulator,
  openSerialTransport,
  type TimerHandle,
} from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { buildApp, type EdgeApp } from '../app.js';
import { validateEdgeConfig } from '../config/load.js';
import type { Host } from '../host.js';
import { nodeHost } from '../host-node.js';

export interface TricycleSpec {
  unitId: string;
  password: string;
  initialSocPct: number;
  /** Simulated seconds per real second, so the battery visibly moves in a demo. */
  timeScale: number;
  /** Report-by-exception tick and batch interval, ms: short in a demo so the map moves. */
  sampleIntervalMs: number;
  batchIntervalMs: number;
  /** The unit's outbox file; a fresh temporary one when absent. */
  outboxPath?: string;
}

export interface SimulatedTricycle {
  unitId: string;
  /** Where the edge reads its BMS: a pty path, or "memory" when socat is not installed. */
  bmsLink: string;
  simulator: JbdSimulator;
  app: EdgeApp;
  stop(): Promise<void>;
}

/**
 * One tricycle: a JBD simulator on one end of a socat pty pair, and the real edge service on the
 * other end, opening it with serialport like on a Pi. Without socat, an in-memory link stands in.
 */
export async function startSimulatedTricycle(
  spec: TricycleSpec,
  mqttUrl: string,
  logger: Logger,
): Promise<SimulatedTricycle> {
  const stops: Array<() => Promise<void>> = [];
  let host: Host = nodeHost(logger);
  let bmsPath: string;
  let simulatorSide: ByteTransport;
  try {
    const pty = await createPtyPair();
    stops.push(() => pty.close());
    simulatorSide = await openSerialTransport({ path: pty.a, baudRate: 9600 });
    bmsPath = pty.b;
  } catch (err) {
    if (!isBridgeError(err)) throw err;
    logger.warn({ code: err.code }, `${err.message}; using an in-memory serial link instead`);
    const [simEnd, edgeEnd] = createMemoryPair();
    simulatorSide = simEnd;
    bmsPath = 'memory';
    host = { ...host, openSerial: async () => edgeEnd };
  }
  stops.push(() => simulatorSide.close());

  const simulator = new JbdSimulator({
    transport: simulatorSide,
    clock: host.clock,
    initialSocPct: spec.initialSocPct,
    timeScale: spec.timeScale,
  });
  simulator.start();
  // A mediator's day in fast-forward: ride down to 15 %, then charge at the depot back to 95 %.
  let planTimer: TimerHandle | undefined;
  const followPlan = () => {
    const soc = simulator.snapshot().socPct;
    if (soc < 15 && simulator.dischargeA > 0) simulator.dischargeA = -10;
    if (soc > 95 && simulator.dischargeA < 0) simulator.dischargeA = 8;
    planTimer = host.clock.setTimeout(followPlan, 1000);
  };
  followPlan();
  stops.push(async () => {
    if (planTimer !== undefined) host.clock.clearTimeout(planTimer);
    simulator.stop();
  });

  const config = validateEdgeConfig({
    configVersion: 1,
    unitId: spec.unitId,
    bms: { type: 'jbd', path: bmsPath, pollIntervalMs: Math.min(2000, spec.sampleIntervalMs) },
    mqtt: { url: mqttUrl, username: spec.unitId, password: spec.password, reconnectMs: 1000 },
    telemetry: { sampleIntervalMs: spec.sampleIntervalMs, batchIntervalMs: spec.batchIntervalMs },
    outbox: { path: spec.outboxPath ?? join(await mkdtemp(join(tmpdir(), `${spec.unitId}-`)), 'outbox.db') },
  });
  const app = buildApp(host, config);
  await app.start();
  stops.push(() => app.stop());

  return {
    unitId: spec.unitId,
    bmsLink: bmsPath,
    simulator,
    app,
    // Idempotent: tests and signal handlers may both stop it.
    stop: async () => {
      for (const stop of stops.splice(0).reverse()) await stop();
    },
  };
}
