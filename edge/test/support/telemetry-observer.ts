import mqtt from 'mqtt';
import { decodeBatch } from '../../src/contract/encoding.js';
import type { TelemetryRecordV2 } from '../../src/contract/records.js';
import { unitTopic } from '../../src/contract/topics.js';

/**
 * Subscribes, as the test broker's `observer` user, to a unit's telemetry and decodes every v2 batch
 * the way the dashboard does. `records` grows as batches arrive; `batches` keeps them apart.
 */
export async function observeTelemetry(
  brokerUrl: string,
  unitId: string,
): Promise<{ records: TelemetryRecordV2[]; batches: TelemetryRecordV2[][]; close(): Promise<void> }> {
  const records: TelemetryRecordV2[] = [];
  const batches: TelemetryRecordV2[][] = [];
  const client = await mqtt.connectAsync(brokerUrl, {
    username: 'observer',
    password: 'observer-secret',
    protocolVersion: 4,
  });
  client.on('message', (_topic, payload) => {
    const decoded = decodeBatch(payload);
    if (!decoded.ok || decoded.value.v !== 2) throw new Error('bad telemetry batch');
    batches.push(decoded.value.records);
    records.push(...decoded.value.records);
  });
  await client.subscribeAsync(unitTopic(unitId, 'telemetry'), { qos: 1 });
  return { records, batches, close: () => client.endAsync(true) };
}
