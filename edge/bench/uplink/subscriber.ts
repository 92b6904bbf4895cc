import mqtt, { type MqttClient } from 'mqtt';
import { FLEET_FILTERS } from '../../src/contract/topics.js';
import { connected } from './link.js';

/**
 * The dashboard's side: one subscriber straight on the broker (not through the proxy, so its bytes are
 * not billed to any unit) that keeps every telemetry payload, per unit, in arrival order.
 */
export class TelemetryCollector {
  private readonly received = new Map<string, Uint8Array[]>();

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      const unitId = topic.split('/')[2] ?? '';
      const list = this.received.get(unitId) ?? [];
      list.push(new Uint8Array(payload));
      this.received.set(unitId, list);
    });
  }

  static async start(brokerUrl: string, username: string, password: string): Promise<TelemetryCollector> {
    const client = mqtt.connect(brokerUrl, {
      clientId: 'uplink-bench-dashboard',
      username,
      password,
      reconnectPeriod: 0,
    });
    await connected(client);
    await client.subscribeAsync(FLEET_FILTERS.telemetry, { qos: 1 });
    return new TelemetryCollector(client);
  }

  payloads(unitId: string): readonly Uint8Array[] {
    return this.received.get(unitId) ?? [];
  }

  /** Waits (real time) until `unitId` has delivered `count` messages. */
  async waitFor(unitId: string, count: number, limitMs = 10_000): Promise<void> {
    const until = Date.now() + limitMs;
    while (this.payloads(unitId).length < count) {
      if (Date.now() > until) {
        throw new Error(
          `uplink bench: ${unitId} published ${count} messages, the broker delivered ${this.payloads(unitId).length}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }
}
