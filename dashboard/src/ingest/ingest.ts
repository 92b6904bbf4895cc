import {
  type BatchViolation,
  type BirthPayload,
  decodeBatch,
  type EventPayload,
  FLEET_FILTERS,
  parseBirth,
  parseEvent,
  parseState,
  parseUnitTopic,
  type TelemetryBatch,
  type TelemetryRecordV2,
} from '@triporteur/edge/contract';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { DashboardError, DashboardErrorCode } from '../errors.js';
import type { FleetStore } from '../store/types.js';
import { brokerConnectError } from './errors.js';
import { storeWithRetry } from './retry.js';
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
  /**
   * Subscribe through `$share/<group>/…`: dashboard processes with the same group split the fleet's
   * messages between them, each message going to one (Mosquitto; the scale path).
   */
  shareGroup?: string;
  /** Registered before subscribing, so it also hears the retained messages delivered at once. */
  onNotice?: (notice: IngestNotice) => void | Promise<void>;
  /** First delay before retrying a store write that failed for a passing reason (backpressure). */
  retryMs?: number;
  retryMaxMs?: number;
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
  births: number;
  eventsInserted: number;
  eventsDuplicate: number;
  /** Records filed under their arrival time because the unit's clock was not believable. */
  recordsClockSuspect: number;
  /** Store writes retried (the database was locked or away): the message waited, unacknowledged. */
  storeRetries: number;
  dropped: Record<DropReason, number>;
}

/** What a stored message brought, for the fleet model and the alerts (fleet/, alerts/). */
export type IngestNotice =
  | { kind: 'state'; unitId: string; state: 'online' | 'offline'; bootId: string; receivedAt: number }
  | { kind: 'birth'; unitId: string; birth: BirthPayload; receivedAt: number }
  | { kind: 'event'; unitId: string; event: EventPayload; receivedAt: number }
  | {
      kind: 'records';
      unitId: string;
      bootId: string;
      /** The whole batch as received, duplicates included; `seqs` says which records were newly stored. */
      records: readonly TelemetryRecordV2[];
      seqs: readonly number[];
      receivedAt: number;
    };

export interface Ingest {
  readonly connected: boolean;
  stats(): IngestStats;
  /** Called with a unit id each time what the store holds for it may have changed. */
  onChange(listener: (unitId: string) => void): () => void;
  /** Called once a message is stored, with what it brought (new v2 records only, not duplicates). */
  onNotice(listener: (notice: IngestNotice) => void | Promise<void>): () => void;
  close(): Promise<void>;
}

const CHANNEL_FILTERS = [FLEET_FILTERS.state, FLEET_FILTERS.birth, FLEET_FILTERS.events, FLEET_FILTERS.telemetry];

/** Every counter at zero: how an ingest starts. */
export function emptyIngestStats(): IngestStats {
  return {
    connected: false,
    messages: 0,
    recordsInserted: 0,
    recordsDuplicate: 0,
    recordsSkipped: 0,
    bootsRebuilt: 0,
    statesApplied: 0,
    statesStale: 0,
    births: 0,
    eventsInserted: 0,
    eventsDuplicate: 0,
    recordsClockSuspect: 0,
    storeRetries: 0,
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
}

/** The subscriptions, shared between dashboard processes of one group when `shareGroup` is set. */
export function ingestFilters(shareGroup?: string): string[] {
  return CHANNEL_FILTERS.map((filter) => (shareGroup ? `$share/${shareGroup}/${filter}` : filter));
}

/**
 * Subscribes to the fleet, validates every payload against the contract and writes what is valid.
 * Acknowledges a QoS 1 message only once the store has it, so a crash never loses an acked record.
 */
export async function startIngest(options: IngestOptions): Promise<Ingest> {
  const log = options.logger.child({ module: 'ingest' });
  const now = options.now ?? Date.now;
  const known = new Set(options.unitIds);
  const FILTERS = ingestFilters(options.shareGroup);
  const listeners = new Set<(unitId: string) => void>();
  const noticeListeners = new Set<(notice: IngestNotice) => void | Promise<void>>();
  if (options.onNotice) noticeListeners.add(options.onNotice);
  const throttle = new WarnThrottle(log, now);
  const stats = emptyIngestStats();

  const drop = (reason: DropReason, unitId: string | undefined, detail: string) => {
    stats.dropped[reason]++;
    throttle.warn(`${unitId ?? '?'}|${reason}`, { unitId, reason, detail }, 'dropped message');
  };

  const notify = async (notice: IngestNotice) => {
    for (const listener of noticeListeners) {
      try {
        await listener(notice);
      } catch (err) {
        log.error({ err, unitId: notice.unitId, kind: notice.kind }, 'notice listener failed');
      }
    }
  };

  // A write that fails for a passing reason (locked, database away) is retried until it succeeds, and
  // the message is not acknowledged meanwhile: the broker holds the rest (backpressure), nothing is lost.
  const write = <T>(what: string, unitId: string, task: () => Promise<T>) =>
    storeWithRetry(task, {
      baseMs: options.retryMs ?? 200,
      maxMs: options.retryMaxMs ?? 10_000,
      onRetry: (err, attempt, delayMs) => {
        stats.storeRetries++;
        throttle.warn(`${unitId}|store-retry`, { unitId, what, attempt, delayMs, err }, 'store unavailable: retrying');
      },
    });

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
    const receivedAt = now();
    if (batch.v === 1) {
      const records = batch.records;
      const outcome = await write('insert records', unitId, () =>
        options.store.insertRecords(unitId, bootId, records, receivedAt),
      );
      stats.recordsInserted += outcome.inserted;
      stats.recordsDuplicate += outcome.duplicates;
      stats.recordsSkipped += outcome.skipped;
      log.debug({ unitId, bootId, v: 1, ...outcome }, 'telemetry batch');
      return;
    }
    const records = batch.records;
    const outcome = await write('insert records', unitId, () =>
      options.store.insertRecordsV2(unitId, bootId, records, receivedAt),
    );
    stats.recordsInserted += outcome.inserted;
    stats.recordsDuplicate += outcome.duplicates;
    stats.recordsClockSuspect += outcome.clockSuspect ?? 0;
    if (outcome.inserted > 0) {
      await notify({ kind: 'records', unitId, bootId, records, seqs: outcome.insertedSeqs, receivedAt });
    }
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
      const state = result.value;
      const receivedAt = now();
      const applied = await write('apply state', unitId, () => options.store.applyState(unitId, state, receivedAt));
      if (applied) stats.statesApplied++;
      else stats.statesStale++;
      log.info({ unitId, state: state.state, bootId: state.bootId, applied }, 'unit state');
      if (applied) {
        changed(unitId);
        await notify({ kind: 'state', unitId, state: state.state, bootId: state.bootId, receivedAt });
      }
      return;
    }
    if (channel === 'birth') {
      if (payload.length === 0) {
        stats.dropped.empty++;
        return;
      }
      const result = parseBirth(payload);
      if (!result.ok) return drop(result.reason, unitId, result.detail);
      const birth = result.value;
      const receivedAt = now();
      await write('store birth', unitId, () => options.store.applyBirth(unitId, birth, receivedAt));
      stats.births++;
      log.info({ unitId, bootId: birth.bootId, edge: birth.software.edge }, 'unit birth');
      changed(unitId);
      await notify({ kind: 'birth', unitId, birth, receivedAt });
      return;
    }
    if (channel === 'events') {
      const result = parseEvent(payload);
      if (!result.ok) return drop(result.reason, unitId, result.detail);
      const event = result.value;
      const receivedAt = now();
      const outcome = await write('insert events', unitId, () =>
        options.store.insertEvents(unitId, [event], receivedAt),
      );
      stats.eventsInserted += outcome.inserted;
      stats.eventsDuplicate += outcome.duplicates;
      if (outcome.inserted > 0) {
        changed(unitId);
        await notify({ kind: 'event', unitId, event, receivedAt });
      }
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
        // Only a write the database refuses outright gets here (retry.ts retries everything else, for
        // as long as it takes). Redelivering it would refuse it again and stall the unit's stream behind
        // it, so it is acknowledged and counted, with the reason in the log.
        stats.dropped['store-error']++;
        log.error({ err, topic: packet.topic, bytes: payload.length }, 'the store refused a message; dropped');
        done();
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
    onNotice(listener) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    close() {
      closing ??= client.endAsync().then(() => {
        stats.connected = false;
        listeners.clear();
        noticeListeners.clear();
        log.info('ingest stopped');
      });
      return closing;
    },
  };
}
