import { type ByteTransport, type DeviceState, JbdDriver, type TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { type AppInternals, appCommandContext } from './commands/app-context.js';
import { buildBirth } from './commands/birth.js';
import { CommandRouter } from './commands/router.js';
import type { EdgeConfig } from './config/schema.js';
import type { TelemetryRecord } from './contract/payloads.js';
import { EdgeError, EdgeErrorCode, isEdgeError } from './errors.js';
import type { Host } from './host.js';
import { toBatteryRecord } from './telemetry/battery-record.js';
import { Outbox, type OutboxEntry } from './uplink/outbox.js';
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
  /** Records in the outbox, not yet acknowledged by the broker. */
  pendingRecords: number;
  publishedRecords: number;
}

export interface EdgeApp {
  readonly bootId: string;
  /** Opens the outbox and the serial port (fails fast with EDG_OUTBOX_OPEN / EDG_SERIAL_OPEN), then starts the uplink. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Errors after which running on is pointless (refused credentials). */
  onFatal(listener: (err: EdgeError) => void): () => void;
  status(): EdgeStatus;
}

/** The leading run of entries from one boot: a contract batch carries a single bootId. */
function sameBoot(entries: OutboxEntry[]): OutboxEntry[] {
  const first = entries[0];
  if (!first) return [];
  const end = entries.findIndex((e) => e.bootId !== first.bootId);
  return end === -1 ? entries : entries.slice(0, end);
}

/**
 * Wires serial → JBD driver → telemetry record → durable outbox → batch → MQTT. A record is on the
 * SD card before anything is sent and leaves the outbox only once the broker acknowledged it, so
 * nothing is lost to a 4G drop, a broker outage or a power cut; the dashboard drops the duplicates a
 * replay can cause by (unit, bootId, seq). Does no I/O until start().
 */
export interface BuildOptions {
  /** The config file the service was started from: the config-set command writes it. */
  configPath?: string;
  /** The edge software version, announced in the birth message. */
  version?: string;
}

export function buildApp(host: Host, config: Readonly<EdgeConfig>, options: BuildOptions = {}): EdgeApp {
  const bootId = host.randomId();
  const log: Logger = host.logger.child({ unitId: config.unitId, bootId });
  const uplink = new UplinkSession({ ...host, logger: log }, config, bootId);
  let outbox: Outbox | undefined;
  let transport: ByteTransport | undefined;
  let driver: JbdDriver | undefined;
  let flushTimer: TimerHandle | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let nextSeq = 0;
  // Settings a command may change at run time; everything else needs a restart.
  const live = { publishIntervalMs: config.telemetry.publishIntervalMs, maxBatch: config.telemetry.maxBatch };
  let router: CommandRouter | undefined;
  let published = 0;
  let running = false;

  const store = (record: Omit<TelemetryRecord, 'seq' | 'historical'>, alarm: boolean) => {
    const full: TelemetryRecord = { seq: nextSeq++, historical: false, ...record };
    try {
      outbox?.append([{ bootId, seq: full.seq, ts: full.ts, alarm, payload: JSON.stringify(full) }]);
    } catch (err) {
      // Disk full: say so loudly with the count, keep running, and store again once acks free space.
      log.error(
        { err, code: isEdgeError(err) ? err.code : EdgeErrorCode.OUTBOX_IO, seq: full.seq },
        'record not stored',
      );
    }
  };

  /** Sends the backlog oldest first, one acknowledged batch at a time, while the link is up. */
  const drain = async () => {
    while (outbox && uplink.status === 'online') {
      const batch = sameBoot(outbox.peek(live.maxBatch));
      const first = batch[0];
      if (!first) return;
      const records = batch.map((e) => ({ ...(JSON.parse(e.payload) as TelemetryRecord), historical: e.historical }));
      try {
        await uplink.publishTelemetry({ v: 1, bootId: first.bootId, records });
      } catch (err) {
        // Still in the outbox: sent again after the next reconnect, marked historical.
        log.warn({ err, code: EdgeErrorCode.MQTT_PUBLISH, pending: batch.length }, 'telemetry batch not acknowledged');
        return;
      }
      outbox?.ack(batch.map((e) => e.id));
      published += batch.length;
    }
  };

  const flush = () => {
    flushing = flushing.then(drain);
    return flushing;
  };

  const scheduleFlush = () => {
    flushTimer = host.clock.setTimeout(() => {
      void flush().finally(() => {
        if (running) scheduleFlush();
      });
    }, live.publishIntervalMs);
  };

  const startDriver = (bmsLog: Logger) => {
    if (!transport) return;
    const active = new JbdDriver({
      transport,
      clock: host.clock,
      pollIntervalMs: config.bms.pollIntervalMs,
      responseTimeoutMs: config.bms.responseTimeoutMs,
    });
    driver = active;
    active.on('state', (state) => bmsLog.info({ state }, 'BMS link state'));
    active.on('discard', (d) => bmsLog.warn({ reason: d.reason, bytes: d.bytes.length }, 'discarded serial bytes'));
    active.on('sample', (sample) => {
      bmsLog.debug({ soc: sample.socPct, v: sample.voltageV }, 'battery sample');
      // A tripped protection is an alarm: kept through any eviction.
      store(
        { ts: Math.round(sample.at), battery: toBatteryRecord(sample, active.state) },
        sample.protection.length > 0,
      );
    });
    active.start();
  };

  const status = (): EdgeStatus => ({
    unitId: config.unitId,
    bootId,
    bms: driver?.state ?? 'stopped',
    uplink: uplink.status,
    pendingRecords: outbox?.stats().depth ?? 0,
    publishedRecords: published,
  });

  const internals = (bmsLog: Logger): AppInternals => ({
    host,
    config: () => config,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
    status,
    bmsTransport: () => transport,
    oldestPendingTs: () => outbox?.stats().oldestTs ?? null,
    setLive: (key, value) => {
      if (key === 'telemetry.publishIntervalMs') live.publishIntervalMs = value;
      else live.maxBatch = value;
    },
    restartBms: async () => {
      await driver?.stop();
      startDriver(bmsLog);
    },
    restartUplink: () => uplink.restart(),
  });

  return {
    bootId,
    onFatal: (listener) => uplink.onFatal(listener),
    status,

    async start() {
      outbox = new Outbox(config.outbox.path, {
        maxRows: config.outbox.maxRows,
        maxAgeMs: config.outbox.maxAgeMs,
        clock: host.clock,
        logger: log.child({ module: 'outbox' }),
      });
      try {
        transport = await host.openSerial({ path: config.bms.path, baudRate: config.bms.baudRate });
      } catch (err) {
        outbox.close();
        outbox = undefined;
        throw new EdgeError(
          EdgeErrorCode.SERIAL_OPEN,
          `cannot open the BMS serial port "${config.bms.path}" (bms.path): ${(err as Error).message}`,
          { cause: err },
        );
      }
      const bmsLog = log.child({ module: 'bms' });
      // Whatever waits in the outbox when the link comes back was made while it was down: historical.
      uplink.onConnect(() => {
        outbox?.markReplay();
        void flush();
        const birth = buildBirth({ bootId, config, version: options.version ?? 'unknown', now: host.clock.now() });
        uplink.publishBirth(birth).catch((err: unknown) => log.warn({ err }, 'birth not published'));
        const client = uplink.client;
        if (!router && client) {
          router = new CommandRouter({
            client,
            unitId: config.unitId,
            context: appCommandContext(internals(bmsLog)),
            clock: host.clock,
            logger: log.child({ module: 'commands' }),
          });
          router.start().catch((err: unknown) => log.warn({ err }, 'command subscription failed'));
        }
      });
      running = true;
      await uplink.start();
      startDriver(bmsLog);
      scheduleFlush();
      log.info({ bms: config.bms.path, broker: config.mqtt.url, outbox: config.outbox.path }, 'edge service started');
    },

    async stop() {
      running = false;
      if (flushTimer !== undefined) host.clock.clearTimeout(flushTimer);
      router?.stop();
      await driver?.stop();
      // Last chance to send what is pending, but never hang a shutdown on a dead link: it stays in the outbox.
      await withDeadline(flush(), STOP_FLUSH_MS, host.clock);
      await uplink.stop();
      await transport?.close();
      outbox?.close();
      outbox = undefined;
      log.info('edge service stopped');
    },
  };
}
