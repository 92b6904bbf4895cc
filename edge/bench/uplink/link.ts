import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { VirtualClock } from './virtual-clock.js';

/**
 * What is in flight on one client: QoS 1 publishes without their PUBACK, pings without their PINGRESP,
 * and the promises of publishes not yet handed to the socket. The bench waits for all of it between
 * two timers, so the virtual clock never runs ahead of the network.
 */
export class Inflight {
  private unanswered = 0;
  private readonly promises = new Set<Promise<unknown>>();

  constructor(client: MqttClient) {
    client.on('packetsend', (packet) => {
      if ((packet.cmd === 'publish' && (packet.qos ?? 0) > 0) || packet.cmd === 'pingreq') this.unanswered += 1;
    });
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'puback' || packet.cmd === 'pingresp') this.unanswered -= 1;
    });
  }

  track<T>(promise: Promise<T>): Promise<T> {
    this.promises.add(promise);
    const done = () => this.promises.delete(promise);
    promise.then(done, done);
    return promise;
  }

  get idle(): boolean {
    return this.unanswered <= 0 && this.promises.size === 0;
  }
}

/** Where the publishers dial (the counting proxy) and on which clock their keep-alive runs. */
export class Link {
  /** Anything that went wrong on a publisher's connection: the bench fails if this is not empty. */
  readonly failures: string[] = [];
  /** Set once the measured hour is over: closes from then on are the bench hanging up. */
  closing = false;
  private readonly inflights: Inflight[] = [];

  constructor(
    readonly url: string,
    readonly clock: VirtualClock,
    /** A 4G round trip, used only to date the keep-alive re-arm after a PUBACK (see VirtualClock.mqttTimer). */
    readonly roundTripMs: number,
  ) {}

  /** An mqtt.js client through the proxy, keep-alive on the virtual clock, no redial (a drop fails the bench). */
  connect(options: IClientOptions): { client: MqttClient; inflight: Inflight } {
    const client = mqtt.connect(this.url, {
      ...options,
      reconnectPeriod: 0,
      // mqtt.js types its Timer with worker-timers' overloaded signatures; ours has the call shape it uses.
      timerVariant: this.clock.mqttTimer(this.roundTripMs) as unknown as IClientOptions['timerVariant'],
    });
    const inflight = new Inflight(client);
    this.inflights.push(inflight);
    client.on('error', (err) => this.failures.push(`${options.clientId}: ${err.message}`));
    client.on('close', () => {
      if (!this.closing) this.failures.push(`${options.clientId}: connection closed during the run`);
    });
    return { client, inflight };
  }

  /** Waits (in real time, at most `limitMs`) until no publisher has anything in flight. */
  async settle(limitMs = 10_000): Promise<void> {
    const until = Date.now() + limitMs;
    do {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.inflights.every((i) => i.idle)) return;
    } while (Date.now() < until);
    throw new Error(`uplink bench: the broker left a publish or a ping unanswered for ${limitMs} ms`);
  }
}

/** Resolves once the client is connected; rejects on its first error. */
export function connected(client: MqttClient): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
}
