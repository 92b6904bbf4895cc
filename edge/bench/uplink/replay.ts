import { Socket } from 'node:net';
import { decodeBatch } from '../../src/contract/encoding.js';
import type { TelemetryRecordV2 } from '../../src/contract/records.js';
import type { RecordsConfig } from '../../src/records/config.js';
import { recordsConfig } from '../../src/records/config.js';
import { checkReconstruction } from '../../src/records/testing/reconstruction.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { codec8Publisher, naivePublisher } from './baselines.js';
import { decodeAvlPacket } from './codec8.js';
import { type DirectionCount, startCountingProxy } from './counting-proxy.js';
import { type EdgePublisherOptions, edgePublisher } from './edge-publisher.js';
import { Link } from './link.js';
import type { PacketCount } from './mqtt-tally.js';
import { BASELINE_TICK_MS, BENCH_PASSWORD, type BenchPublisher, type SentCount } from './publisher.js';
import { TelemetryCollector } from './subscriber.js';
import { TRACE_KINDS, type Trace, truthAtTicks } from './trace.js';
import { VirtualClock } from './virtual-clock.js';

export type PublisherSpec =
  | { kind: 'naive'; keepaliveS?: number }
  | { kind: 'codec8'; keepaliveS?: number }
  | ({ kind: 'edge' } & EdgePublisherOptions);

export interface UplinkBenchOptions {
  trace: Trace;
  publishers: readonly PublisherSpec[];
  /** A 4G round trip (ms): dates the keep-alive re-arm after each answer. */
  roundTripMs?: number;
}

export interface DirectionResult {
  bytes: number;
  reads: number;
  segments: number;
  packets: Partial<Record<string, PacketCount>>;
  /** Bytes of a packet cut off at the end (0 when the stream ends on a packet boundary). */
  partialBytes: number;
  malformed?: string;
}

export interface PublisherResult {
  key: string;
  label: string;
  unitId: string;
  keepaliveS: number;
  sent: SentCount;
  /** Telemetry messages the dashboard-side subscriber received. */
  delivered: number;
  /** Records in what was delivered, and whether every message decoded. */
  decoded: { ok: boolean; records: number; detail?: string };
  up: DirectionResult;
  down: DirectionResult;
  pings: number;
  /** Node's own byte counters on the publisher's socket and on the proxy's socket to the broker. */
  clientSocket: { written: number; read: number };
  brokerSocket: { written: number; read: number };
  /** For the publishers whose payloads are contract records: the state rebuilt at every tick. */
  reconstruction?: { ticks: number; records: TelemetryRecordV2[]; problems: string[] };
}

export interface UplinkBenchResult {
  startMs: number;
  durationMs: number;
  samples: number;
  roundTripMs: number;
  publishers: PublisherResult[];
  failures: string[];
  wallMs: number;
}

const UNIT_LETTERS = 'abcdefghij';
const DASHBOARD_USER = 'bench-dashboard';

function direction(count: DirectionCount): DirectionResult {
  return {
    bytes: count.bytes,
    reads: count.reads,
    segments: count.segments,
    packets: structuredClone(count.tally.packets),
    partialBytes: count.tally.partial,
    ...(count.tally.malformed ? { malformed: count.tally.malformed } : {}),
  };
}

function decodeRecords(payloads: readonly Uint8Array[]): { records: TelemetryRecordV2[]; error?: string } {
  const records: TelemetryRecordV2[] = [];
  for (const [i, bytes] of payloads.entries()) {
    const decoded = decodeBatch(bytes);
    if (!decoded.ok) return { records, error: `message ${i}: ${decoded.reason} (${decoded.detail})` };
    if (decoded.value.v !== 2) return { records, error: `message ${i}: payload v${decoded.value.v}` };
    records.push(...decoded.value.records);
  }
  return { records: records.sort((a, b) => a.seq - b.seq) };
}

function decodeAvl(payloads: readonly Uint8Array[]): { records: number; error?: string } {
  let records = 0;
  for (const [i, bytes] of payloads.entries()) {
    const decoded = decodeAvlPacket(bytes);
    if (!decoded.ok) return { records, error: `packet ${i}: ${decoded.reason} (${decoded.detail})` };
    records += decoded.records.length;
  }
  return { records };
}

/**
 * Replays `trace` through each publisher, all on one virtual clock, all through one counting proxy to
 * one Debian Mosquitto; a subscriber on the broker collects what arrives and rebuilds the state.
 */
export async function runUplinkBench(options: UplinkBenchOptions): Promise<UplinkBenchResult> {
  const wallStart = Date.now();
  const { trace } = options;
  const roundTripMs = options.roundTripMs ?? 100;
  const unitIds = options.publishers.map((_, i) => `tri-bench-${UNIT_LETTERS[i] ?? String(i)}`);
  const users = Object.fromEntries([...unitIds, DASHBOARD_USER].map((u) => [u, BENCH_PASSWORD]));
  const broker = await startMosquitto(users, DASHBOARD_USER);
  const proxy = await startCountingProxy(broker.port);
  const collector = await TelemetryCollector.start(broker.url, DASHBOARD_USER, BENCH_PASSWORD);
  const clock = new VirtualClock(trace.header.startMs);
  const link = new Link(`mqtt://127.0.0.1:${proxy.port}`, clock, roundTripMs);
  const publishers: { publisher: BenchPublisher; records?: RecordsConfig }[] = [];
  try {
    for (const [i, spec] of options.publishers.entries()) {
      const unitId = unitIds[i] as string;
      if (spec.kind === 'naive') publishers.push({ publisher: naivePublisher(link, unitId, spec.keepaliveS) });
      else if (spec.kind === 'codec8') publishers.push({ publisher: codec8Publisher(link, unitId, spec.keepaliveS) });
      else {
        const made = await edgePublisher(link, unitId, spec);
        publishers.push({ publisher: made.publisher, records: made.config.telemetry });
      }
    }
    for (const { publisher } of publishers) await publisher.start();
    await link.settle();

    const end = trace.header.startMs + trace.header.durationMs;
    let next = 0;
    for (;;) {
      const sample = trace.samples[next];
      const sampleAt = sample?.at ?? Number.POSITIVE_INFINITY;
      const timerAt = clock.nextDue() ?? Number.POSITIVE_INFINITY;
      if (Math.min(sampleAt, timerAt) > end) break;
      // A sample stamped at a tick is known at that tick.
      if (sample && sampleAt <= timerAt) {
        clock.advanceTo(sampleAt);
        for (const { publisher } of publishers) publisher.observe(sample);
        next++;
        continue;
      }
      clock.fireNext();
      await link.settle();
    }
    clock.advanceTo(end);
    for (const { publisher } of publishers) await publisher.finish();
    await link.settle();
    for (const { publisher } of publishers) await collector.waitFor(publisher.unitId, publisher.sent().messages);

    const results = publishers.map(({ publisher, records }) => {
      const socket: unknown = publisher.client().stream;
      if (!(socket instanceof Socket)) throw new Error(`uplink bench: ${publisher.unitId} is not on a TCP socket`);
      const connection = proxy.byClientPort(socket.localPort ?? -1);
      if (!connection) throw new Error(`uplink bench: the proxy never saw ${publisher.unitId}'s connection`);
      const payloads = collector.payloads(publisher.unitId);
      const result: PublisherResult = {
        key: publisher.key,
        label: publisher.label,
        unitId: publisher.unitId,
        keepaliveS: publisher.keepaliveS,
        sent: publisher.sent(),
        delivered: payloads.length,
        decoded: { ok: true, records: 0 },
        up: direction(connection.up),
        down: direction(connection.down),
        pings: connection.up.tally.count('PINGREQ'),
        clientSocket: { written: socket.bytesWritten, read: socket.bytesRead },
        brokerSocket: connection.brokerSide(),
      };
      if (publisher.key.startsWith('codec8')) {
        const avl = decodeAvl(payloads);
        result.decoded = {
          ok: avl.error === undefined,
          records: avl.records,
          ...(avl.error ? { detail: avl.error } : {}),
        };
      } else {
        const decoded = decodeRecords(payloads);
        result.decoded = {
          ok: decoded.error === undefined,
          records: decoded.records.length,
          ...(decoded.error ? { detail: decoded.error } : {}),
        };
        const config = records ?? recordsConfig({ sampleIntervalMs: BASELINE_TICK_MS });
        const truths = truthAtTicks(trace, config.sampleIntervalMs);
        result.reconstruction = {
          ticks: truths.length,
          records: decoded.records,
          problems: checkReconstruction(truths, decoded.records, config, TRACE_KINDS),
        };
      }
      return result;
    });
    return {
      startMs: trace.header.startMs,
      durationMs: trace.header.durationMs,
      samples: trace.samples.length,
      roundTripMs,
      publishers: results,
      failures: [...link.failures],
      wallMs: Date.now() - wallStart,
    };
  } finally {
    link.closing = true;
    for (const { publisher } of publishers) await publisher.stop().catch(() => {});
    await collector.stop();
    await proxy.close();
    await broker.stop();
  }
}
