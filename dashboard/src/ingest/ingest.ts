import {
  type BatchViolation,
  decodeBatch,
  FLEET_FILTERS,
  parseState,
  parseUnitTopic,
  type TelemetryBatch,
} from '@triporteur/edge/contract';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { DashboardError, DashboardErrorCode } from '../errors.js';
import type { FleetStore } from '../store/types.js';
import { brokerConnectError } from './errors.js';
import { WarnThrottle } from './throttle.js';

export interface IngestOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  /** Configured unit ids; messages for any other unit are dropped. */
  unitIds: readonly string[];
  store: FleetStore;
  logger: Logger;
  now?: () => number;
  connectTimeoutMs?: number;
  /** CA bundle (PEM) for mqtts:// brokers signed by a private CA. */
  ca?: Uint8Array;
}

/** Why a message was dropped; counted so an operator can see a misbehaving unit without reading logs. */
export type DropReason = BatchViolation | 'bad-topic' | 'unknown-unit' | 'unhandled-channel' | 'store-error';

export interface IngestStats {
  connected: boolean;
  messages: number;
  /** Telemetry records newly stored, both payload versions. */
  recordsInserted: number;
  recordsDuplicate: number;
  /** v1 records without a battery part (not stored). */
  recordsSkipped: number;
  /** v2 batches that brought a record older than their boot's last one, so the boot was folded again. */
  bootsRebuilt: number;
  statesApplied: number;
  statesStale: number;
  dropped: Record<DropReason, number>;
}

export interface Ingest {
  readonly connected: boolean;
  stats(): IngestStats;
  /** Called with a unit id each time what the store holds for it may have changed. */
  onChange(listener: (unitId: string) => void): () => void;
  close(): Promise<void>;
}

/** Only the channels the contract gives a parser for; birth and events wait for their schemas. */
const FILTERS = [FLEET_FILTERS.state, FLEET_FILTERS.telemetry];

/**
 * Subscribes to the fleet, validates every payload against the contract and writes what is valid.
 * Acknowledges a QoS 1 message only once the store has it, so a crash never loses an acked record.
 */
export async function startIngest(options: IngestOptions): Promise<Ingest> {
  const log = options.logger.child({ module: 'ingest' });
  const now = options.now ?? Date.now;
  const known = new Set(options.unitIds);
  const listeners = new Set<(unitId: string) => void>();
  const throttle = new WarnThrottle(log, now);
  const stats: IngestStats = {
    connected: false,
    messages: 0,
    recordsInserted: 0,
    recordsDuplicate: 0,
    recordsSkipped: 0,
    bootsRebuilt: 0,
    statesApplied: 0,
    statesStale: 0,
    dropped: {
      'too-large': 0,
      'not-json': 0,
      schema: 0,
      empty: 0,
      'bad-header': 0,
      corrupt: 0,
      'inflate-limit': 0,
      'bad-topic': 0,
      'unknown-unit': 0,
      'unhandled-channel': 0,
      'store-error': 0,
    },
  };

  const drop = (reason: DropReason, unitId: string | undefined, detail: string) => {
    stats.dropped[reason]++;
    throttle.warn(`${unitId ?? '?'}|${reason}`, { unitId, reason, detail }, 'dropped message');
  };

  const changed = (unitId: string) => {
    for (const listener of listeners) {
      try {
        listener(unitId);
      } catch (err) {
        log.error({ err }, 'change listener failed');
      }
    }
  };

  async function storeBatch(unitId: string, batch: TelemetryBatch): Promise<void> {
    const { bootId } = batch;
    if (batch.v === 1) {
      const outcome = await options.store.insertRecords(unitId, bootId, batch.records, now());
      stats.recordsInserted += outcome.inserted;
      stats.recordsDuplicate += outcome.duplicates;
      stats.recordsSkipped += outcome.skipped;
      log.debug({ unitId, bootId, v: 1, ...outcome }, 'telemetry batch');
      return;
    }
    const outcome = await options.store.insertRecordsV2(unitId, bootId, batch.records, now());
    stats.recordsInserted += outcome.inserted;
    stats.recordsDuplicate += outcome.duplicates;
    if (outcome.rebuilt) {
      stats.bootsRebuilt++;
      log.info({ unitId, bootId, records: batch.records.length }, 'late telemetry record: boot state folded again');
    }
    log.debug({ unitId, bootId, v: 2, ...outcome }, 'telemetry batch');
  }

  async function handle(topic: string, payload: Buffer): Promise<void> {
    stats.messages++;
    const parsed = parseUnitTopic(topic);
    if (!parsed) return drop('bad-topic', undefined, topic.slice(0, 120));
    const { unitId, channel } = parsed;
    if (!known.has(unitId)) return drop('unknown-unit', unitId, 'unit is not in the config');
    if (channel === 'state') {
      // An empty retained message is how a retained state gets cleared; nothing to apply.
      if (payload.length === 0) {
        stats.dropped.empty++;
        return;
      }
      const result = parseState(payload);
      if (!result.ok) return drop(result.reason, unitId, result.detail);
      const applied = await options.store.applyState(unitId, result.value, now());
      if (applied) stats.statesApplied++;
      else stats.statesStale++;
      log.info({ unitId, state: result.value.state, bootId: result.value.bootId, applied }, 'unit state');
      if (applied) changed(unitId);
      return;
    }
    if (channel === 'telemetry') {
      // Any encoding the contract knows: headerless JSON (v1 units) or a framed, usually deflated, batch.
      const result = decodeBatch(payload);
      if (!result.ok) return drop(result.reason, unitId, result.detail);
      await storeBatch(unitId, result.value);
      changed(unitId);
      return;
    }
    drop('unhandled-channel', unitId, channel);
  }

  const client: MqttClient = mqtt.connect(options.url, {
    protocolVersion: 4, // MQTT 3.1.1: what aedes speaks and Mosquitto 2 accepts
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clean: false, // the broker keeps our QoS 1 messages while we reconnect
    reconnectPeriod: 2000,
    reconnectOnConnackError: true,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    manualConnect: true,
    ...(options.ca ? { ca: Buffer.from(options.ca) } : {}),
  });
  client.handleMessage = (packet: IPublishPacket, done) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    handle(packet.topic, payload).then(
      () => done(),
      (err: unknown) => {
        // Not acked: the broker redelivers it after a reconnect, when the store may be back.
        stats.dropped['store-error']++;
        log.error({ err, topic: packet.topic }, 'could not store message');
        done(err as Error);
      },
    );
  };

  // Registered before connecting: an 'error' with no listener would crash the process. Until the first
  // CONNACK, the start-up handlers below turn errors into the rejection instead.
  let started = false;
  let awaitingConnack = true;
  client.on('connect', () => {
    if (!started) return;
    stats.connected = true;
    log.info({ url: options.url }, 'ingest reconnected');
  });
  client.on('offline', () => {
    if (started && stats.connected) log.warn({ url: options.url }, 'ingest lost the broker; reconnecting');
    stats.connected = false;
  });
  client.on('error', (err) => {
    if (awaitingConnack) return;
    const coded = brokerConnectError(options.url, options.username, err);
    throttle.warn(`error|${coded.code}`, { code: coded.code, reason: err.message }, coded.message);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        cleanup();
        reject(brokerConnectError(options.url, options.username, err));
      };
      const onClose = () => fail(new Error('connection closed before the broker answered'));
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        awaitingConnack = false;
        client.off('error', fail);
        client.off('close', onClose);
        client.off('connect', onConnect);
      };
      client.once('error', fail);
      client.once('close', onClose);
      client.once('connect', onConnect);
      client.connect();
    });
    await client
      .subscribeAsync(Object.fromEntries(FILTERS.map((f) => [f, { qos: 1 as const }])))
      .catch((err: unknown) => {
        throw new DashboardError(
          DashboardErrorCode.BROKER_SUBSCRIBE,
          `the broker at ${options.url} refused the fleet subscriptions (${FILTERS.join(', ')}) for user "${options.username}": check its ACL`,
          { cause: err },
        );
      });
  } catch (err) {
    await client.endAsync(true).catch(() => {});
    throw err;
  }
  started = true;
  stats.connected = true;
  log.info({ url: options.url, filters: FILTERS }, 'ingest subscribed');

  let closing: Promise<void> | undefined;
  return {
    get connected() {
      return stats.connected;
    },
    stats: () => ({ ...stats, dropped: { ...stats.dropped } }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= client.endAsync().then(() => {
        stats.connected = false;
        listeners.clear();
        log.info('ingest stopped');
      });
      return closing;
    },
  };
}
