import { type ByteTransport, type DeviceState, JbdDriver } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { EdgeConfig } from './config/schema.js';
import { EdgeError, EdgeErrorCode } from './errors.js';
import type { Host } from './host.js';
import { RecordBatcher } from './telemetry/batcher.js';
import { toBatteryRecord } from './telemetry/battery-record.js';
import { UplinkSession, type UplinkStatus } from './uplink/session.js';

/** How long stop() waits for the last batch to be acknowledged. */
const STOP_FLUSH_MS = 2000;

function withDeadline(work: Promise<void>, ms: number, clock: Host['clock']): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(resolve, ms);
    void work.finally(() => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
}

export interface EdgeStatus {
  unitId: string;
  bootId: string;
  bms: DeviceState;
  uplink: UplinkStatus;
  pendingRecords: number;
  publishedRecords: number;
}

export interface EdgeApp {
  readonly bootId: string;
  /** Opens the serial port (fails fast with EDG_SERIAL_OPEN) and starts the uplink in the background. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Errors after which running on is pointless (refused credentials). */
  onFatal(listener: (err: EdgeError) => void): () => void;
  status(): EdgeStatus;
}

/**
 * Wires serial → JBD driver → telemetry record → batch → MQTT. Does no I/O until start(),
 * so it can be built in tests with any host.
 */
export function buildApp(host: Host, config: Readonly<EdgeConfig>): EdgeApp {
  const bootId = host.randomId();
  const log: Logger = host.logger.child({ unitId: config.unitId, bootId });
  const uplink = new UplinkSession({ ...host, logger: log }, config, bootId);
  const batcher = new RecordBatcher();
  let transport: ByteTransport | undefined;
  let driver: JbdDriver | undefined;
  let flushTimer: ReturnType<Host['clock']['setTimeout']> | undefined;
  let published = 0;
  let running = false;

  const flush = async () => {
    if (batcher.size === 0 || uplink.status !== 'online') return;
    const records = batcher.take();
    try {
      await uplink.publishTelemetry({ v: 1, bootId, records });
      published += records.length;
    } catch (err) {
      // Kept for issue #4's durable outbox; until then a failed batch is logged with its size, never silently.
      log.warn({ err, code: EdgeErrorCode.MQTT_PUBLISH, lost: records.length }, 'telemetry batch not acknowledged');
    }
  };

  const scheduleFlush = () => {
    flushTimer = host.clock.setTimeout(() => {
      void flush().finally(() => {
        if (running) scheduleFlush();
      });
    }, config.telemetry.publishIntervalMs);
  };

  return {
    bootId,
    onFatal: (listener) => uplink.onFatal(listener),
    status: () => ({
      unitId: config.unitId,
      bootId,
      bms: driver?.state ?? 'stopped',
      uplink: uplink.status,
      pendingRecords: batcher.size,
      publishedRecords: published,
    }),

    async start() {
      try {
        transport = await host.openSerial({ path: config.bms.path, baudRate: config.bms.baudRate });
      } catch (err) {
        throw new EdgeError(
          EdgeErrorCode.SERIAL_OPEN,
          `cannot open the BMS serial port "${config.bms.path}" (bms.path): ${(err as Error).message}`,
          { cause: err },
        );
      }
      const bmsLog = log.child({ module: 'bms' });
      driver = new JbdDriver({
        transport,
        clock: host.clock,
        pollIntervalMs: config.bms.pollIntervalMs,
        responseTimeoutMs: config.bms.responseTimeoutMs,
      });
      const active = driver;
      active.on('state', (state) => bmsLog.info({ state }, 'BMS link state'));
      active.on('discard', (d) => bmsLog.warn({ reason: d.reason, bytes: d.bytes.length }, 'discarded serial bytes'));
      active.on('sample', (sample) => {
        bmsLog.debug({ soc: sample.socPct, v: sample.voltageV }, 'battery sample');
        batcher.add({ ts: Math.round(sample.at), battery: toBatteryRecord(sample, active.state) });
      });
      running = true;
      await uplink.start();
      active.start();
      scheduleFlush();
      log.info({ bms: config.bms.path, broker: config.mqtt.url }, 'edge service started');
    },

    async stop() {
      running = false;
      if (flushTimer !== undefined) host.clock.clearTimeout(flushTimer);
      await driver?.stop();
      // Last chance to send what is pending, but never hang a shutdown on a dead link.
      await withDeadline(flush(), STOP_FLUSH_MS, host.clock);
      await uplink.stop();
      await transport?.close();
      log.info('edge service stopped');
    },
  };
}
