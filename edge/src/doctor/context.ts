import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { type Clock, systemClock } from '@triporteur/firmware-bridge';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type Logger, pino } from 'pino';
import type { DeviceStatus } from '../app.js';
import type { EdgeConfig } from '../config/schema.js';
import { type CommandRunner, createExecFileRunner } from '../hotspot/system/command.js';
import type { UplinkStatus } from '../uplink/session.js';
import type { OpenSerial } from './serial/listen.js';

export type ConnectMqtt = (url: string, options: IClientOptions) => MqttClient;
/** Opens a TCP connection for a network probe; rejects as net.connect's errors do (code ECONNREFUSED…). */
export type ConnectTcp = (host: string, port: number) => Promise<Socket>;

/**
 * What the running service already knows, when doctor runs inside it (the dashboard's remote
 * `run-diagnostics`). Checks read these instead of opening a second connection, database handle or
 * serial port, which would disturb the service they are diagnosing.
 */
export interface LiveUnit {
  /** The service's own MQTT session. */
  uplink(): UplinkStatus;
  /** Records in the outbox not yet acknowledged, and the oldest one's timestamp (ms). */
  outbox(): { depth: number; oldestTs: number | null };
  /** Events in the journal not yet acknowledged. */
  pendingEvents(): number;
  /** Every configured serial device's link, as the service sees it (BMS first). */
  devices(): DeviceStatus[];
}

/**
 * Everything a check may touch, injected: the config, the system commands, where /sys and /proc are,
 * the broker connection, the clock. `doctorContext` fills in the real ones; tests give real parts
 * (a namespace runner, a temp tree, an aedes broker) or a recording runner fed with captured outputs.
 */
export interface DoctorContext {
  config: Readonly<EdgeConfig>;
  /** systemctl, nft, mmcli, timedatectl, chronyc: argv arrays, never shell strings. */
  commands: CommandRunner;
  /** Where /sys, /proc and /lib/firmware are read: "/" on the unit, a temp tree in tests. */
  root: string;
  connectMqtt: ConnectMqtt;
  readFile(path: string): Promise<Uint8Array>;
  clock: Clock;
  logger: Logger;
  /** Opens a serial port for the device probes (doctor/serial): the real, locked serialport when absent. */
  openSerial?: OpenSerial;
  /** Set when doctor runs inside the service (remote diagnostics); absent for the command line. */
  live?: LiveUnit;
  /**
   * The portal probe's connection; Node's own when absent. The whole-unit test gives a socket opened
   * inside the hotspot's network namespace, where the portal listens (e2e/doctor-unit.test.ts).
   */
  connectTcp?: ConnectTcp;
  /** How long one network probe (broker CONNACK, portal answer) may take before it counts as no answer. */
  probeTimeoutMs: number;
}

export type DoctorSeams = Partial<Omit<DoctorContext, 'config'>>;

/** A system command that answers in milliseconds when healthy; a stuck D-Bus must not hold doctor longer. */
const COMMAND_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 8_000;

export function doctorContext(config: Readonly<EdgeConfig>, seams: DoctorSeams = {}): DoctorContext {
  return {
    config,
    commands: seams.commands ?? createExecFileRunner({ timeoutMs: COMMAND_TIMEOUT_MS }),
    root: seams.root ?? '/',
    connectMqtt: seams.connectMqtt ?? ((url, options) => mqtt.connect(url, options)),
    readFile: seams.readFile ?? (async (path) => new Uint8Array(await readFile(path))),
    clock: seams.clock ?? systemClock,
    logger: seams.logger ?? pino({ level: 'silent' }),
    probeTimeoutMs: seams.probeTimeoutMs ?? PROBE_TIMEOUT_MS,
    ...(seams.openSerial ? { openSerial: seams.openSerial } : {}),
    ...(seams.live ? { live: seams.live } : {}),
    ...(seams.connectTcp ? { connectTcp: seams.connectTcp } : {}),
  };
}
