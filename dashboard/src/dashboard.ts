import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { AlertStore } from './alerts/alert-store.js';
import { AlertEngine } from './alerts/alerts.js';
import { Notifier } from './alerts/notify.js';
import { UserStore } from './auth/users.js';
import { startEmbeddedBroker } from './broker/embedded.js';
import type { FleetBus } from './bus/bus.js';
import { signalsOf } from './bus/from-ingest.js';
import { LocalBus } from './bus/local-bus.js';
import { PostgresBus } from './bus/postgres-bus.js';
import { openCommandConnection } from './commands/connect.js';
import { type DashboardConfig, DEFAULT_INGEST_USERNAME, storeLocation } from './config.js';
import { DashboardError, DashboardErrorCode, listenError } from './errors.js';
import { FleetHistoryStore } from './fleet/fleet-store.js';
import { FleetTracker } from './fleet/fleet-tracker.js';
import { PresenceTracker } from './fleet/presence.js';
import { loadZones } from './fleet/zones.js';
import { buildHttpServer } from './http/server.js';
import { type Ingest, startIngest } from './ingest/ingest.js';
import { createLogger } from './logger.js';
import { serverUrl } from './net.js';
import { FleetPipeline } from './pipeline/fleet-pipeline.js';
import { startRetention } from './pipeline/retention-timer.js';
import { HotspotDayStore } from './reports/hotspot-days.js';
import { openStore } from './store/open.js';
import { ALL_RETENTION_TARGETS } from './store/schema.js';
import type { SqlFleetStore } from './store/sql-store.js';

export interface DashboardOptions {
  logger?: Logger;
  /** Dashboard clock (ms since epoch) for received-at and last-seen times. */
  now?: () => number;
}

export interface RunningDashboard {
  /** Where the page and API answer, with the port actually bound. */
  readonly httpUrl: string;
  /** Where units connect: the embedded broker's address, or the external broker's URL without credentials. */
  readonly mqttUrl: string;
  readonly store: SqlFleetStore;
  readonly ingest: Ingest;
  /** The dashboard's user accounts (the same database as the fleet). */
  readonly users: UserStore;
  close(): Promise<void>;
}

async function readCa(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new DashboardError(
      DashboardErrorCode.CONFIG_READ,
      `cannot read broker.caFile ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

/**
 * Starts the fleet server: store, then the embedded broker (embedded mode only), then ingest, then HTTP.
 * If any step fails, the ones already started are stopped again before the error is rethrown.
 */
export async function startDashboard(
  config: Readonly<DashboardConfig>,
  options: DashboardOptions = {},
): Promise<RunningDashboard> {
  const logger = options.logger ?? createLogger();
  const log = logger.child({ module: 'dashboard' });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
    }
    stops.length = 0;
  };

  try {
    const store = await openStore(storeLocation(config.store));
    stops.push(() => store.close());
    await store.upsertUnits(config.units);

    let mqttUrl: string;
    let login: { username: string; password: string; clientId: string };
    let ca: Uint8Array | undefined;
    if (config.broker.mode === 'embedded') {
      // Nobody can be connected to a broker that is only now starting; units say online again on connect.
      await store.markAllOffline();
      const broker = await startEmbeddedBroker({
        host: config.broker.host,
        port: config.broker.port,
        units: config.units,
        ingest: { username: config.ingest?.username ?? DEFAULT_INGEST_USERNAME, secretHash: config.ingest?.secretHash },
        logger,
      });
      stops.push(() => broker.close());
      mqttUrl = broker.url;
      login = { ...broker.ingestLogin };
    } else {
      const { url, username, password, caFile } = config.broker;
      mqttUrl = withoutCredentials(url);
      login = { username, password, clientId: `${username}:ingest` };
      if (caFile !== undefined) ca = await readCa(caFile);
    }

    // Alone on SQLite, or one of several processes sharing PostgreSQL: the bus tells each what the others
    // stored, and elects the one that runs the fleet model.
    const bus: FleetBus =
      config.store.engine === 'postgres'
        ? await PostgresBus.start({ url: config.store.url ?? '', db: store.db, logger })
        : new LocalBus(logger);
    stops.push(() => bus.close());

    // The fleet model and alerts hear every stored message, from the first retained state on.
    const zones = config.fleet.zonesFile ? await loadZones(config.fleet.zonesFile) : [];
    const tracker = new FleetTracker(config.fleet, zones);
    const derived = new FleetHistoryStore(store.db);
    const hotspotDays = new HotspotDayStore(store.db);
    const names = new Map(config.units.map((u) => [u.id, u.name]));
    const notifier = new Notifier(config.alerts.notify, { log: logger, unitName: (id) => names.get(id) });
    stops.push(() => notifier.close());
    const alerts = new AlertEngine({ store: new AlertStore(store.db), config: config.alerts, log: logger, notifier });
    stops.push(() => alerts.idle());
    alerts.onChange(({ alert }) => {
      bus.publish({ kind: 'alert', alertId: alert.id, unitId: alert.unitId }).catch((err: unknown) => {
        log.warn({ err, alertId: alert.id }, 'alert change not signalled to the live pages');
      });
    });
    const pipeline = new FleetPipeline({
      bus,
      records: store,
      onlineUnits: async () => (await store.listUnits()).filter((u) => u.online).map((u) => u.id),
      unitIds: config.units.map((u) => u.id),
      presence: new PresenceTracker(config.fleet.offlineGraceS * 1000),
      tracker,
      derived,
      alerts,
      hotspotDays,
      timeZone: config.fleet.timeZone,
      logger,
    });
    stops.push(() => pipeline.close());
    const retention = startRetention({
      db: store.db,
      config: config.retention,
      targets: ALL_RETENTION_TARGETS,
      derived,
      logger,
    });
    stops.push(() => retention.stop());

    // Several dashboard processes on one broker each need their own client ids.
    const instance = config.ingest?.instance ? `:${config.ingest.instance}` : '';
    const ingest = await startIngest({
      url: mqttUrl,
      ...login,
      clientId: `${login.clientId}${instance}`,
      onNotice: async (notice) => {
        for (const signal of signalsOf(notice)) await bus.publish(signal);
      },
      unitIds: config.units.map((u) => u.id),
      store,
      logger,
      ...(options.now ? { now: options.now } : {}),
      ...(ca ? { ca } : {}),
      ...(config.broker.mode === 'external' && config.ingest?.shareGroup
        ? { shareGroup: config.ingest.shareGroup }
        : {}),
    });
    stops.push(() => ingest.close());
    ingest.onChange((unitId) => {
      bus.publish({ kind: 'unit', unitId }).catch((err: unknown) => {
        log.warn({ err, unitId }, 'unit change not signalled to the live pages');
      });
    });

    const commandLink = await openCommandConnection({
      url: mqttUrl,
      username: login.username,
      password: login.password,
      clientId: `${login.username}:commands${instance}`,
      ...(ca ? { ca } : {}),
      presence: async (id) => {
        const unit = await store.getUnit(id);
        if (!unit) return 'no-such-unit';
        return unit.online ? 'online' : 'offline';
      },
      logger,
    });
    stops.push(() => commandLink.close());

    const app = await buildHttpServer({
      commands: commandLink.commands,
      alerts,
      derived,
      unitPages: { records: store, dataBudgetBytes: config.fleet.dataBudgetBytesPerMonth ?? null },
      impact: { hotspotDays, zones, timeZone: config.fleet.timeZone },
      store,
      db: store.db,
      cookieSecure: config.http.cookieSecure,
      ui: config.ui,
      changes: {
        onChange: (listener) => bus.subscribe((s) => s.kind === 'unit' && listener(s.unitId)),
        onAlert: (listener) => bus.subscribe((s) => s.kind === 'alert' && listener(s.alertId)),
      },
      health: () => ({ ok: ingest.connected, ingest: ingest.stats() }),
      logger,
    });
    stops.push(() => app.close());
    const { host, port } = config.http;
    try {
      await app.listen({ host, port });
    } catch (err) {
      throw listenError('HTTP server', host, port, err);
    }
    const address = app.server.address();
    const httpUrl = serverUrl('http', host, address && typeof address === 'object' ? address.port : port);
    log.info({ httpUrl, mqttUrl, units: config.units.length, broker: config.broker.mode }, 'dashboard started');

    let closing: Promise<void> | undefined;
    return {
      httpUrl,
      mqttUrl,
      store,
      ingest,
      users: new UserStore(store.db),
      close() {
        closing ??= stopAll().then(() => log.info('dashboard stopped'));
        return closing;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
