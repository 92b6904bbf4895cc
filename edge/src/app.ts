import { dirname, join } from 'node:path';
import type { DeviceState, PortState, TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { type AppInternals, appCommandContext } from './commands/app-context.js';
import { buildBirth } from './commands/birth.js';
import { CommandRouter } from './commands/router.js';
import type { EdgeConfig } from './config/schema.js';
import type { RecordBody, TelemetryRecordV2 } from './contract/records.js';
import { createDevices, type DeviceKind, type DeviceSet } from './devices/index.js';
import { EdgeError, EdgeErrorCode, isEdgeError } from './errors.js';
import { capacityEvent, UnitEvents, UplinkWatch } from './events/index.js';
import type { Host } from './host.js';
import { type HotspotService, startHotspotService } from './hotspot/service/index.js';
import { createExecFileRunner } from './hotspot/system/command.js';
import type { CommandRunner } from './hotspot/system/index.js';
import { ModemHealthPoller } from './modem/health-poller.js';
import { createMmcliReader } from './modem/mmcli-reader.js';
import { LocationPrivacy } from './privacy/location-privacy.js';
import { DataBudget } from './records/budget.js';
import { foldRecord } from './records/fold.js';
import type { HotspotAggregate } from './records/sources.js';
import { nodeSystemFacts, type SystemFacts, SystemHealth } from './records/system-health.js';
import { loadBudgetState, saveBudgetState } from './telemetry/budget-file.js';
import { type LiveTelemetrySettings, type PipelineStats, TelemetryPipeline } from './telemetry/pipeline.js';
import { AgeClock } from './uplink/age-clock.js';
import { Outbox } from './uplink/outbox.js';
import { type ByteCount, UplinkSession, type UplinkStatus } from './uplink/session.js';
import { type DepotService, depotFixOf, isWifiError, startDepotLink } from './wifi/index.js';

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

export interface DeviceStatus {
  kind: DeviceKind;
  type: string;
  state: DeviceState;
  port: PortState;
}

export interface EdgeStatus {
  unitId: string;
  bootId: string;
  bms: DeviceState;
  /** Every configured device, BMS first. */
  devices: DeviceStatus[];
  uplink: UplinkStatus;
  /** Records in the outbox, not yet acknowledged by the broker. */
  pendingRecords: number;
  /** Events journaled, not yet acknowledged by the broker. */
  pendingEvents: number;
  publishedRecords: number;
  telemetry: PipelineStats;
  /** Bytes on the MQTT socket this boot, and this billing month (the data budget). */
  uplinkBytes: ByteCount & { monthBytes: number; capBytes: number | null; stretch: number };
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

export interface BuildOptions {
  /** The config file the service was started from: the config-set command writes it. */
  configPath?: string;
  /** The edge software version, announced in the birth message. */
  version?: string;
  /** Linux facts for system health; tests give fixed ones. */
  systemFacts?: SystemFacts;
  /** Hotspot counters from elsewhere (tests); by default the hotspot service's, when configured. */
  hotspot?: () => HotspotAggregate | undefined;
  /** Runs nft for the hotspot (tests: inside a namespace); the real one by default. */
  hotspotRunner?: CommandRunner;
  /** Runs mmcli (tests: a recording runner); the real one by default. */
  modemRunner?: CommandRunner;
  /** Runs nmcli and systemctl for the depot link (tests: a recording runner); the real one by default. */
  depotRunner?: CommandRunner;
}

/**
 * Wires serial devices → samples → report-by-exception records → durable outbox → batches → MQTT.
 * A record is on the SD card before anything is sent and leaves the outbox only once the broker
 * acknowledged it, so nothing is lost to a 4G drop, a broker outage or a power cut; the dashboard
 * drops the duplicates a replay can cause by (unit, bootId, seq). Does no I/O until start().
 */
export function buildApp(host: Host, config: Readonly<EdgeConfig>, options: BuildOptions = {}): EdgeApp {
  const bootId = host.randomId();
  const log: Logger = host.logger.child({ unitId: config.unitId, bootId });
  const uplink = new UplinkSession({ ...host, logger: log }, config, bootId);
  const telemetryConfig = config.telemetry;
  const budgetPath = join(dirname(config.outbox.path), 'budget.json');
  const budget = new DataBudget({
    clock: host.clock,
    maxStretch: telemetryConfig.budget.maxStretch,
    billingDay: telemetryConfig.budget.billingDay,
    ...(telemetryConfig.budget.monthlyCapBytes === undefined
      ? {}
      : { monthlyCapBytes: telemetryConfig.budget.monthlyCapBytes }),
  });
  const systemHealth = new SystemHealth({
    facts: options.systemFacts ?? nodeSystemFacts,
    dataDir: dirname(config.outbox.path),
    clock: host.clock,
  });
  // Settings a command may change at run time; everything else needs a restart.
  const live: LiveTelemetrySettings = {
    sampleIntervalMs: telemetryConfig.sampleIntervalMs,
    batchIntervalMs: telemetryConfig.batchIntervalMs,
    maxBatch: telemetryConfig.maxBatch,
  };
  let outbox: Outbox | undefined;
  let devices: DeviceSet | undefined;
  let hotspot: HotspotService | undefined;
  let modem: ModemHealthPoller | undefined;
  let depot: DepotService | undefined;
  let tickTimer: TimerHandle | undefined;
  let router: CommandRouter | undefined;
  let running = false;
  let budgetRef: DataBudget = budget;
  let counted: ByteCount = { sent: 0, received: 0 };
  const privacy = new LocationPrivacy({
    config: config.privacy,
    statePath: config.privacy.statePath ?? join(dirname(config.outbox.path), 'location-privacy.json'),
    now: () => host.clock.now(),
    logger: log.child({ module: 'privacy' }),
    buttonMode: config.aux?.pauseMode ?? 'toggle',
  });

  // Alarms and state changes on …/events, journaled beside the outbox so a dead zone delays them only.
  const events = new UnitEvents({
    bootId,
    path: join(dirname(config.outbox.path), 'events.db'),
    clock: host.clock,
    logger: log.child({ module: 'events' }),
    online: () => uplink.status === 'online',
    publish: (payload) => uplink.publishEvent(payload),
  });
  const uplinkWatch = new UplinkWatch(config.mqtt.downEventAfterS * 1000, (event) => events.raise(event));

  const pipeline = new TelemetryPipeline({
    bootId,
    records: telemetryConfig,
    live,
    outbox: () => outbox,
    online: () => uplink.status === 'online',
    publish: (bytes) => uplink.publishTelemetry(bytes),
    stretch: () => budgetRef.stretch,
    clock: host.clock,
    logger: log.child({ module: 'telemetry' }),
  });

  /** Feeds the bytes the socket moved since the last call into the month's budget. */
  const countBytes = () => {
    const now = uplink.bytes;
    budgetRef.count(Math.max(0, now.sent - counted.sent), Math.max(0, now.received - counted.received));
    counted = now;
  };

  const saveBudget = () => {
    try {
      saveBudgetState(budgetPath, budgetRef.state());
    } catch (err) {
      log.warn({ err, path: budgetPath }, 'data budget not saved');
    }
  };

  /** The optional device sections that are configured, as createDevices takes them. */
  const optional = <K extends 'motor' | 'gps' | 'aux'>(key: K) =>
    (config[key] === undefined ? {} : { [key]: config[key] }) as Partial<Pick<EdgeConfig, K>>;

  /** One report-by-exception step: health sources first, so the record holds them too. */
  const tick = () => {
    countBytes();
    const month = budgetRef.status();
    const bytes = uplink.bytes;
    uplinkWatch.observe(host.clock.now(), uplink.status, modem?.aggregate());
    pipeline.observe({
      kind: 'uplink',
      at: host.clock.now(),
      bytesSent: bytes.sent,
      bytesReceived: bytes.received,
      reconnects: uplink.reconnects,
      outboxDepth: outbox?.stats().depth ?? 0,
      monthBytes: month.usedBytes,
      stretch: budgetRef.stretch,
      // Signal, operator, registration and the modem's own byte counts, when a modem is read.
      ...modem?.aggregate(),
      // Which way traffic goes: the depot's Wi-Fi or the 4G router, when a depot is configured.
      ...depot?.aggregate(),
    });
    // The working hours move the pause with the clock, not only with the button.
    pipeline.locationPaused(privacy.paused());
    const counts = options.hotspot?.() ?? hotspot?.aggregate();
    if (counts) pipeline.observe(counts);
    // Kernel counters and idle expiries, read for the next tick.
    void hotspot?.refresh().catch((err: unknown) => log.warn({ err }, 'hotspot refresh failed'));
    pipeline.tick();
    // Read for the next tick: a slow statfs never delays this one.
    void systemHealth.sample().then((sample) => pipeline.observe(sample));
  };

  const scheduleTick = () => {
    tickTimer = host.clock.setTimeout(() => {
      tick();
      if (running) scheduleTick();
    }, live.sampleIntervalMs);
  };

  const flushAndSave = async () => {
    await pipeline.flush();
    countBytes();
    saveBudget();
  };

  /** Samples feed the records; link states too (a change is sent in full). Logging is the device layer's. */
  const wireDevices = (set: DeviceSet) => {
    // The aux record tells the dashboard the unit's pause, not only the board's own button flag.
    set.on('sample', (sample) => {
      // Before the pause is applied (in the records): the depot link's positions never leave the unit.
      if (sample.kind === 'position') depot?.observe(depotFixOf(sample));
      pipeline.observe(sample.kind === 'aux' ? { ...sample, pauseLocation: privacy.paused() } : sample);
    });
    set.on('state', (kind, state) => pipeline.linkState(kind, state));
    set.on('event', (kind, event) => {
      if (event.type === 'mismatch' && event.mismatches.length === 0)
        log.info({ kind }, 'BMS and controller agree again');
      else if (event.type === 'mismatch')
        log.warn({ kind, mismatches: event.mismatches }, 'BMS and controller disagree');
      if (event.type === 'button') privacy.button(event.button);
    });
    for (const device of set.devices) pipeline.linkState(device.kind, device.state);
  };

  const status = (): EdgeStatus => {
    const month = budgetRef.status();
    const stats = pipeline.stats();
    return {
      unitId: config.unitId,
      bootId,
      bms: devices?.get('battery')?.state ?? 'stopped',
      devices: (devices?.devices ?? []).map((d) => ({ kind: d.kind, type: d.type, state: d.state, port: d.portState })),
      uplink: uplink.status,
      pendingRecords: outbox?.stats().depth ?? 0,
      pendingEvents: events.pending,
      publishedRecords: stats.published,
      telemetry: stats,
      uplinkBytes: {
        ...uplink.bytes,
        monthBytes: month.usedBytes,
        capBytes: month.capBytes ?? null,
        stretch: month.stretch,
      },
    };
  };

  const internals = (): AppInternals => ({
    host,
    config: () => config,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
    status,
    bmsTransport: () => devices?.get('battery')?.transport(),
    oldestPendingTs: () => outbox?.stats().oldestTs ?? null,
    setLive: (key, value) => {
      if (key === 'telemetry.sampleIntervalMs') live.sampleIntervalMs = value;
      else if (key === 'telemetry.batchIntervalMs') live.batchIntervalMs = value;
      else live.maxBatch = value;
    },
    restartBms: async () => {
      await devices?.get('battery')?.restart();
    },
    restartUplink: () => uplink.restart(),
    setLocationPause: (paused) => privacy.setFromDashboard(paused),
  });

  return {
    bootId,
    onFatal: (listener) => uplink.onFatal(listener),
    status,

    async start() {
      outbox = new Outbox(config.outbox.path, {
        maxRows: config.outbox.maxRows,
        maxAgeMs: config.outbox.maxAgeMs,
        // GPS setting the clock a year forward must not age out records made minutes ago.
        clock: new AgeClock({ wall: () => host.clock.now(), monotonic: () => performance.now() }),
        logger: log.child({ module: 'outbox' }),
        // An evicted delta record is folded into the next one of its boot: resolution goes, no change is lost.
        fold: (older, newer) =>
          JSON.stringify(foldRecord(JSON.parse(older) as RecordBody, JSON.parse(newer) as TelemetryRecordV2)),
      });
      try {
        events.open();
      } catch (err) {
        outbox.close();
        outbox = undefined;
        throw err;
      }
      privacy.load();
      privacy.onChange((state) => pipeline.locationPaused(state.paused));
      pipeline.locationPaused(privacy.paused());
      const saved = loadBudgetState(budgetPath);
      if (saved) {
        budgetRef = new DataBudget({
          clock: host.clock,
          maxStretch: telemetryConfig.budget.maxStretch,
          billingDay: telemetryConfig.budget.billingDay,
          state: saved,
          ...(telemetryConfig.budget.monthlyCapBytes === undefined
            ? {}
            : { monthlyCapBytes: telemetryConfig.budget.monthlyCapBytes }),
        });
      }
      const set = createDevices(
        { bms: config.bms, ...optional('motor'), ...optional('gps'), ...optional('aux') },
        { ...host, logger: log },
      );
      wireDevices(set);
      try {
        await set.start({ failFast: true });
      } catch (err) {
        await set.stop();
        outbox.close();
        outbox = undefined;
        events.close();
        throw new EdgeError(
          EdgeErrorCode.SERIAL_OPEN,
          `cannot open the BMS serial port "${config.bms.path}" (bms.path): ${(err as Error).message}`,
          { cause: err },
        );
      }
      devices = set;
      if (config.hotspot) {
        // The residents' Wi-Fi must not take the telemetry down with it: a failure is logged, not fatal.
        // MQTT online stands in for "the Internet is up" until the modem reports (issue 8).
        try {
          hotspot = await startHotspotService(config.hotspot, {
            clock: host.clock,
            logger: log.child({ module: 'hotspot' }),
            uplinkUp: () => uplink.status === 'online',
            ...(options.hotspotRunner ? { runner: options.hotspotRunner } : {}),
            ...(config.legalLog ? { legalLog: config.legalLog } : {}),
            onCapacity: (change) => events.raise(capacityEvent(change)),
          });
        } catch (err) {
          log.error({ err, code: isEdgeError(err) ? err.code : undefined }, 'hotspot not started');
        }
      }
      if (config.modem) {
        const modemLog = log.child({ module: 'modem' });
        const runner = options.modemRunner ?? createExecFileRunner();
        modem = new ModemHealthPoller({
          reader: createMmcliReader(runner, { logger: modemLog, signalRateS: config.modem.signalRateS }),
          clock: host.clock,
          logger: modemLog,
          intervalMs: config.modem.pollIntervalS * 1000,
          staleAfterMs: config.modem.staleAfterS * 1000,
        });
        modem.start();
      }
      if (config.depot) {
        // Like the hotspot: a depot link that cannot start leaves the unit on the 4G router, not down.
        try {
          depot = await startDepotLink(config.depot, {
            runner: options.depotRunner ?? createExecFileRunner({ timeoutMs: (config.depot.joinTimeoutS + 15) * 1000 }),
            clock: host.clock,
            logger: log.child({ module: 'depot' }),
            ...(config.hotspot ? { hotspotInterface: config.hotspot.wifi.interface } : {}),
            ...(config.hotspot ? { hostapdUnit: config.hotspot.wifi.hostapdUnit } : {}),
          });
        } catch (err) {
          log.error({ err, code: isWifiError(err) ? err.code : undefined }, 'depot link not started');
        }
      }
      // Whatever waits in the outbox when the link comes back was made while it was down: historical.
      uplink.onConnect(() => {
        outbox?.markReplay();
        void flushAndSave();
        void events.flush();
        const birth = buildBirth({ bootId, config, version: options.version ?? 'unknown', now: host.clock.now() });
        uplink.publishBirth(birth).catch((err: unknown) => log.warn({ err }, 'birth not published'));
        const client = uplink.client;
        if (!router && client) {
          router = new CommandRouter({
            client,
            unitId: config.unitId,
            context: appCommandContext(internals()),
            clock: host.clock,
            logger: log.child({ module: 'commands' }),
          });
          router.start().catch((err: unknown) => log.warn({ err }, 'command subscription failed'));
        }
      });
      running = true;
      pipeline.observe(await systemHealth.sample());
      await uplink.start();
      scheduleTick();
      const started = set.devices.map((d) => `${d.kind}:${d.type}`);
      log.info({ devices: started, broker: config.mqtt.url, outbox: config.outbox.path }, 'edge service started');
    },

    async stop() {
      running = false;
      if (tickTimer !== undefined) host.clock.clearTimeout(tickTimer);
      router?.stop();
      await hotspot?.stop();
      hotspot = undefined;
      await modem?.stop();
      modem = undefined;
      // Leaves the depot network and gives the radio back to hostapd.
      await depot?.stop();
      depot = undefined;
      await devices?.stop();
      // The last samples become a record, then a last chance to send what is pending; never hang a
      // shutdown on a dead link: it stays in the outbox.
      if (outbox) tick();
      await withDeadline(
        Promise.all([flushAndSave(), events.flush()]).then(() => undefined),
        STOP_FLUSH_MS,
        host.clock,
      );
      await uplink.stop();
      devices = undefined;
      outbox?.close();
      outbox = undefined;
      events.close();
      log.info('edge service stopped');
    },
  };
}
