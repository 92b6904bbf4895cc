import type { MqttClient } from 'mqtt';
import { encodeBatch } from '../../src/contract/encoding.js';
import { unitTopic } from '../../src/contract/topics.js';
import { recordsConfig } from '../../src/records/config.js';
import { ReportByException } from '../../src/records/rbe.js';
import { type AvlRecord, encodeAvlPacket } from './codec8.js';
import { ALARM_IO_IDS, type Snapshot, toAvlRecord } from './codec8-map.js';
import { connected, type Inflight, type Link } from './link.js';
import { BASELINE_TICK_MS, BENCH_PASSWORD, type BenchPublisher, type SentCount } from './publisher.js';
import type { TraceSample } from './trace.js';

/**
 * The two baselines. Both read the same fields at the same wire resolution as ours: a report-by-exception
 * engine whose heartbeat is the 10-s tick hands every kind in full at every tick (the field table,
 * rounding and the pause-location rule of edge/src/records), and only the way they go out differs.
 */

/** Every kind in full at every call: what a publisher without report-by-exception holds. */
const fullSnapshots = () => new ReportByException(recordsConfig({ heartbeatMs: BASELINE_TICK_MS }));

interface Base {
  link: Link;
  unitId: string;
  keepaliveS: number;
}

function baseClient({ link, unitId, keepaliveS }: Base) {
  let client: MqttClient | undefined;
  let inflight: Inflight | undefined;
  const sent: SentCount = { messages: 0, records: 0, payloadBytes: 0 };
  return {
    sent,
    async connect() {
      // A plain client as such a unit would deploy it: clean session, no will, MQTT 3.1.1.
      const made = link.connect({
        clientId: unitId,
        username: unitId,
        password: BENCH_PASSWORD,
        keepalive: keepaliveS,
      });
      client = made.client;
      inflight = made.inflight;
      await connected(client);
    },
    publish(payload: Uint8Array, records: number) {
      if (!client || !inflight) throw new Error(`uplink bench: ${unitId} publishes before connecting`);
      sent.messages += 1;
      sent.records += records;
      sent.payloadBytes += payload.byteLength;
      void inflight.track(client.publishAsync(unitTopic(unitId, 'telemetry'), Buffer.from(payload), { qos: 1 }));
    },
    client() {
      if (!client) throw new Error(`uplink bench: ${unitId} is not connected`);
      return client;
    },
    inflight() {
      if (!inflight) throw new Error(`uplink bench: ${unitId} is not connected`);
      return inflight;
    },
    async stop() {
      await client?.endAsync();
    },
  };
}

/** (a) Every field as JSON, one QoS 1 message every 10 s, no batching, no compression. */
export function naivePublisher(link: Link, unitId: string, keepaliveS = 60): BenchPublisher {
  const base = baseClient({ link, unitId, keepaliveS });
  const snapshots = fullSnapshots();
  let seq = 0;
  return {
    key: 'naive',
    label: '(a) naive: JSON record every 10 s',
    unitId,
    keepaliveS,
    async start() {
      await base.connect();
      link.clock.setInterval(() => {
        const out = snapshots.evaluate(link.clock.now());
        if (!out) return;
        const record = { seq: seq++, ...out.body };
        base.publish(encodeBatch({ v: 2, bootId: `${unitId}-boot`, records: [record] }, { encoding: 'json' }), 1);
      }, BASELINE_TICK_MS);
    },
    observe: (sample: TraceSample) => snapshots.observe(sample),
    finish: async () => {},
    stop: () => base.stop(),
    client: base.client,
    inflight: base.inflight,
    sent: () => ({ ...base.sent }),
  };
}

export const CODEC8_RECORDS_PER_PACKET = 6;

/**
 * (b) Teltonika Codec 8 style: one AVL record every 10 s, six to a packet (one packet a minute), a
 * high-priority record (an alarm IO changed) sent at once. Codec 8 really runs over raw TCP with a 4-byte
 * record-count acknowledgement; here the packet rides in an MQTT QoS 1 publish, the PUBACK standing in
 * for that acknowledgement, so all three go through the same broker and proxy.
 */
export function codec8Publisher(link: Link, unitId: string, keepaliveS = 60): BenchPublisher {
  const base = baseClient({ link, unitId, keepaliveS });
  const snapshots = fullSnapshots();
  let pending: AvlRecord[] = [];
  let previous: AvlRecord | undefined;
  const flush = () => {
    if (pending.length === 0) return;
    base.publish(encodeAvlPacket(pending), pending.length);
    pending = [];
  };
  const alarmChanged = (record: AvlRecord) => {
    for (const id of ALARM_IO_IDS) {
      const now = record.io.find((io) => io.id === id)?.value;
      const before = previous?.io.find((io) => io.id === id)?.value;
      if (previous && now !== before) return id;
    }
    return undefined;
  };
  return {
    key: 'codec8',
    label: '(b) Codec 8 style: 6 AVL records a packet',
    unitId,
    keepaliveS,
    async start() {
      await base.connect();
      link.clock.setInterval(() => {
        const now = link.clock.now();
        const out = snapshots.evaluate(now);
        if (!out) return;
        const plain = toAvlRecord(out.body as Snapshot, now, { priority: 0, eventIoId: 0 });
        const alarm = alarmChanged(plain);
        const record = alarm === undefined ? plain : { ...plain, priority: 1 as const, eventIoId: alarm };
        previous = record;
        pending.push(record);
        if (alarm !== undefined || pending.length >= CODEC8_RECORDS_PER_PACKET) flush();
      }, BASELINE_TICK_MS);
    },
    observe: (sample: TraceSample) => snapshots.observe(sample),
    finish: async () => flush(),
    stop: () => base.stop(),
    client: base.client,
    inflight: base.inflight,
    sent: () => ({ ...base.sent }),
  };
}
