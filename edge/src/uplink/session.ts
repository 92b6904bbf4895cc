import { Socket } from 'node:net';
import type { TimerHandle } from '@triporteur/firmware-bridge';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { EdgeConfig } from '../config/schema.js';
import { type BirthPayload, birthTopic } from '../contract/commands.js';
import type { StatePayload } from '../contract/payloads.js';
import { unitTopic } from '../contract/topics.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import type { Host } from '../host.js';

export interface ByteCount {
  sent: number;
  received: number;
}

/** What a net.Socket (or TLSSocket) tells about its traffic. */
type SocketMeter = Pick<Socket, 'bytesWritten' | 'bytesRead'>;

/** mqtt:// and mqtts:// streams are net.Sockets (TLSSocket extends it); a WebSocket stream is not counted. */
function meterOf(client: MqttClient): SocketMeter | undefined {
  const stream: unknown = client.stream;
  return stream instanceof Socket ? stream : undefined;
}

/** CONNACK return codes (MQTT 3.1.1) and reason codes (MQTT 5) that mean "your credentials are wrong". */
const AUTH_REFUSED = new Set([4, 5, 134, 135]);

export type UplinkStatus = 'connecting' | 'online' | 'offline' | 'refused' | 'stopped';

/**
 * One long-lived MQTT session per boot. The retained state topic says "online" on connect and the
 * broker's last will flips it to "offline" when the link dies, so the fleet sees a dead unit without polling.
 */
export class UplinkSession {
  private client_: MqttClient | undefined;
  private statusValue: UplinkStatus = 'connecting';
  private readonly fatalListeners = new Set<(err: EdgeError) => void>();
  private readonly connectListeners = new Set<() => void>();
  private outageLogged = false;
  private readonly log: Logger;
  private retryTimer: TimerHandle | undefined;
  private delayMs: number;
  private connects = 0;
  private socket: SocketMeter | undefined;
  private readonly closedBytes: ByteCount = { sent: 0, received: 0 };

  constructor(
    private readonly host: Host,
    private readonly config: Readonly<EdgeConfig>,
    private readonly bootId: string,
  ) {
    this.log = host.logger.child({ module: 'uplink' });
    this.delayMs = config.mqtt.reconnectMs;
  }

  get status(): UplinkStatus {
    return this.statusValue;
  }

  /** Fatal means retrying cannot help (the broker refused our credentials). */
  onFatal(listener: (err: EdgeError) => void): () => void {
    this.fatalListeners.add(listener);
    return () => this.fatalListeners.delete(listener);
  }

  /** Called on every (re)connection, after the online state is queued. */
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  async start(): Promise<void> {
    const { mqtt } = this.config;
    const will: StatePayload = { v: 1, state: 'offline', bootId: this.bootId, ts: this.host.clock.now() };
    const options: IClientOptions = {
      clientId: `${this.config.unitId}-edge`,
      username: mqtt.username,
      password: mqtt.password,
      protocolVersion: mqtt.protocolVersion,
      keepalive: mqtt.keepaliveS,
      // 0: mqtt.js redials at a fixed period; we redial ourselves, with backoff (scheduleReconnect).
      reconnectPeriod: 0,
      connectTimeout: 30_000,
      clean: false, // keep the broker-side session across 4G drops
      // MQTT 5 ends a session at disconnect unless told otherwise; 3.1.1 keeps it until the broker forgets.
      ...(mqtt.protocolVersion === 5 ? { properties: { sessionExpiryInterval: mqtt.sessionExpiryS } } : {}),
      will: {
        topic: unitTopic(this.config.unitId, 'state'),
        payload: Buffer.from(JSON.stringify(will)),
        qos: 1,
        retain: true,
      },
    };
    if (mqtt.caFile) options.ca = Buffer.from(await this.host.readFile(mqtt.caFile));

    const client = this.host.connectMqtt(mqtt.url, options);
    this.client_ = client;
    client.on('connect', () => this.handleConnect(client));
    client.on('error', (err) => this.onError(err));
    client.on('close', () => this.handleClose(client));
  }

  /** Bytes on the MQTT socket(s) this boot, both ways (TLS: the plaintext; see docs/telemetry.md). */
  get bytes(): ByteCount {
    const live = this.socket;
    return {
      sent: this.closedBytes.sent + (live?.bytesWritten ?? 0),
      received: this.closedBytes.received + (live?.bytesRead ?? 0),
    };
  }

  /** Successful connections after the first one, this boot. */
  get reconnects(): number {
    return Math.max(0, this.connects - 1);
  }

  /** The live client, for the command router; undefined before start() and after stop(). */
  get client(): MqttClient | undefined {
    return this.client_;
  }

  /** Retained identity: versions and config hash, re-sent on every connect. */
  publishBirth(birth: BirthPayload): Promise<void> {
    return this.publish(birthTopic(this.config.unitId), JSON.stringify(birth), true);
  }

  /** Drops the connection and dials again (the restart-subsystem command). */
  async restart(): Promise<void> {
    const client = this.client_;
    if (!client) return;
    await client.endAsync(true);
    client.reconnect();
  }

  /** One encoded batch (contract/encoding.ts); resolves on the broker's PUBACK. */
  publishTelemetry(payload: Uint8Array): Promise<void> {
    return this.publish(unitTopic(this.config.unitId, 'telemetry'), Buffer.from(payload), false);
  }

  /** One event (contract/events.ts) as JSON; resolves on the broker's PUBACK. */
  publishEvent(payload: string): Promise<void> {
    return this.publish(unitTopic(this.config.unitId, 'events'), payload, false);
  }

  async stop(): Promise<void> {
    const client = this.client_;
    if (!client) return;
    if (client.connected) {
      // A clean shutdown says offline itself; the will only fires on unclean disconnects.
      const offline: StatePayload = { v: 1, state: 'offline', bootId: this.bootId, ts: this.host.clock.now() };
      // Bounded: the link may die under us, and a shutdown must never hang on an unacknowledged publish.
      const sent = this.publish(unitTopic(this.config.unitId, 'state'), JSON.stringify(offline), true).catch(() => {});
      await new Promise<void>((resolve) => {
        const timer = this.host.clock.setTimeout(resolve, 2000);
        void sent.finally(() => {
          this.host.clock.clearTimeout(timer);
          resolve();
        });
      });
    }
    this.client_ = undefined;
    this.setStatus('stopped');
    if (this.retryTimer !== undefined) this.host.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // Force when offline: a graceful end would wait for a reconnect that may never come. Online, a graceful
    // end waits for in-flight PUBACKs; a broker that stops answering must not hang the shutdown either.
    let timer: TimerHandle | undefined;
    const ended = await Promise.race([
      client.endAsync(!client.connected).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = this.host.clock.setTimeout(() => resolve(false), 3000);
      }),
    ]);
    if (timer !== undefined) this.host.clock.clearTimeout(timer);
    if (!ended) await client.endAsync(true);
  }

  private publish(topic: string, payload: string | Buffer, retain: boolean): Promise<void> {
    const client = this.client_;
    if (!client) return Promise.reject(new EdgeError(EdgeErrorCode.MQTT_PUBLISH, 'uplink is stopped'));
    return client.publishAsync(topic, payload, { qos: 1, retain }).then(
      () => undefined,
      (err: unknown) => {
        throw new EdgeError(EdgeErrorCode.MQTT_PUBLISH, `publish to ${topic} failed`, { cause: err });
      },
    );
  }

  private handleConnect(client: MqttClient): void {
    this.outageLogged = false;
    this.connects += 1;
    this.delayMs = this.config.mqtt.reconnectMs;
    this.socket = meterOf(client);
    this.setStatus('online');
    const online: StatePayload = { v: 1, state: 'online', bootId: this.bootId, ts: this.host.clock.now() };
    this.publish(unitTopic(this.config.unitId, 'state'), JSON.stringify(online), true).catch((err: unknown) =>
      this.log.warn({ err, code: EdgeErrorCode.MQTT_PUBLISH }, 'could not publish online state'),
    );
    for (const listener of this.connectListeners) listener();
  }

  /**
   * A dropped or refused connection: dial again after a delay that doubles up to mqtt.reconnectMaxMs,
   * with jitter so a fleet coming out of the same dead zone does not reconnect in step.
   */
  private handleClose(client: MqttClient): void {
    const socket = this.socket;
    if (socket) {
      this.closedBytes.sent += socket.bytesWritten;
      this.closedBytes.received += socket.bytesRead;
      this.socket = undefined;
    }
    if (client !== this.client_ || this.statusValue === 'stopped' || this.statusValue === 'refused') return;
    this.setStatus('offline');
    if (this.retryTimer !== undefined || client.disconnecting) return;
    const delay = Math.round(this.delayMs * (0.8 + 0.4 * Math.random()));
    this.delayMs = Math.min(this.delayMs * 2, this.config.mqtt.reconnectMaxMs);
    this.retryTimer = this.host.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (client === this.client_ && !client.connected && this.statusValue === 'offline') client.reconnect();
    }, delay);
  }

  private onError(err: Error & { code?: unknown }): void {
    if (typeof err.code === 'number' && AUTH_REFUSED.has(err.code)) {
      const fatal = new EdgeError(
        EdgeErrorCode.MQTT_AUTH,
        `the broker at ${this.config.mqtt.url} refused user "${this.config.mqtt.username}": check mqtt.username and mqtt.password`,
        { cause: err },
      );
      this.setStatus('refused');
      // Retrying with the same credentials would hammer the broker and the data plan for nothing.
      this.client_?.end(true);
      for (const listener of this.fatalListeners) listener(fatal);
      return;
    }
    if (!this.outageLogged) {
      this.outageLogged = true;
      this.log.warn(
        { code: EdgeErrorCode.MQTT_UNREACHABLE, reason: err.message },
        `broker ${this.config.mqtt.url} unreachable; retrying after ${this.config.mqtt.reconnectMs} ms, backing off to ${this.config.mqtt.reconnectMaxMs} ms`,
      );
    }
  }

  private setStatus(status: UplinkStatus): void {
    if (status === this.statusValue) return;
    // Terminal states stay put: late socket events after stop() or a refusal must not resurrect them.
    if (this.statusValue === 'stopped' || (this.statusValue === 'refused' && status !== 'stopped')) return;
    this.log.info({ from: this.statusValue, to: status }, 'uplink state');
    this.statusValue = status;
  }
}
