import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MqttTally } from '../bench/uplink/mqtt-tally.js';
import { repoRoot } from '../bench/uplink/paths.js';
import { type PublisherResult, runUplinkBench, type UplinkBenchResult } from '../bench/uplink/replay.js';
import {
  decodeTrace,
  encodeTrace,
  sliceTrace,
  TRACE_FILE,
  TRACE_KINDS,
  type Trace,
  truthAtTicks,
} from '../bench/uplink/trace.js';
import { generateTrace } from '../bench/uplink/trace-gen.js';
import { recordsConfig } from '../src/records/config.js';
import { checkReconstruction } from '../src/records/testing/reconstruction.js';

/**
 * The uplink bench's machinery on a six-minute slice of the committed trace (the end of the ride and the
 * start of the stop in the square): real mqtt.js clients, the counting proxy, Debian's Mosquitto. Only
 * correctness is asserted here; the bytes-per-hour targets live in `npm run bench`.
 */

const root = repoRoot(import.meta.dirname);
let committed: Uint8Array;
let trace: Trace;

beforeAll(async () => {
  committed = await readFile(join(root, TRACE_FILE));
  trace = decodeTrace(committed);
});

describe('the reference trace', () => {
  it('is exactly what the seeded generator writes', () => {
    expect(gunzipSync(committed).toString('utf8')).toBe(gunzipSync(encodeTrace(generateTrace())).toString('utf8'));
  });

  it('is one hour at the drivers’ rates, about half riding and half parked with Wi-Fi users', () => {
    const count = (kind: string) => trace.samples.filter((s) => s.kind === kind).length;
    expect(trace.header.durationMs).toBe(3_600_000);
    expect(count('battery')).toBe(720);
    expect(count('motor')).toBe(3600);
    expect(count('position')).toBe(3600);
    expect(count('aux')).toBe(3600);
    expect(count('system')).toBeGreaterThanOrEqual(360);
    const ticks = truthAtTicks(trace, 10_000);
    const riding = ticks.filter((t) => (t.motor.speedKmh ?? 0) >= 3).length / ticks.length;
    expect(riding).toBeGreaterThan(0.4);
    expect(riding).toBeLessThan(0.55);
    const parkedWithUsers = ticks.filter((t) => (t.motor.speedKmh ?? 0) === 0 && (t.hotspot?.sessionsNow ?? 0) > 0);
    expect(parkedWithUsers.length / ticks.length).toBeGreaterThan(0.3);
  });
});

describe('MQTT packet tally', () => {
  it('counts the same packets wherever the stream is cut', () => {
    // CONNACK, PUBLISH with a 200-byte body (two-byte remaining length), PUBACK, PINGRESP.
    const publish = [0x30, 0xcc, 0x01, ...new Array<number>(204).fill(0x61)];
    const stream = new Uint8Array([0x20, 0x02, 0x00, 0x00, ...publish, 0x40, 0x02, 0x00, 0x01, 0xd0, 0x00]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const tally = new MqttTally();
      tally.push(stream.subarray(0, cut));
      tally.push(stream.subarray(cut));
      expect(tally.packets).toEqual({
        CONNACK: { count: 1, bytes: 4 },
        PUBLISH: { count: 1, bytes: 207 },
        PUBACK: { count: 1, bytes: 4 },
        PINGRESP: { count: 1, bytes: 2 },
      });
      expect(tally.partial).toBe(0);
    }
  });
});

describe('uplink bench pipeline on a six-minute slice', () => {
  let result: UplinkBenchResult;
  let slice: Trace;
  const by = (key: string) => result.publishers.find((p) => p.key === key) as PublisherResult;

  beforeAll(async () => {
    slice = sliceTrace(trace, 27, 33);
    result = await runUplinkBench({
      trace: slice,
      publishers: [
        { kind: 'naive', keepaliveS: 60 },
        { kind: 'codec8', keepaliveS: 60 },
        { kind: 'edge' },
        // Idle far longer than its keep-alive between 5-min batches: must ping.
        { kind: 'edge', key: 'ours-keepalive-20', label: 'ours, 20-s keep-alive', keepaliveS: 20 },
      ],
    });
  }, 60_000);

  it('runs without a dropped connection or an error', () => {
    expect(result.failures).toEqual([]);
    expect(result.durationMs).toBe(6 * 60_000);
  });

  it('counts exactly the bytes the publisher wrote, the broker received, and back', () => {
    for (const p of result.publishers) {
      expect(p.up.bytes, p.key).toBeGreaterThan(0);
      expect(p.up.bytes, p.key).toBe(p.clientSocket.written);
      expect(p.up.bytes, p.key).toBe(p.brokerSocket.written);
      expect(p.down.bytes, p.key).toBe(p.clientSocket.read);
      expect(p.down.bytes, p.key).toBe(p.brokerSocket.read);
    }
  });

  it('finds whole MQTT packets in the counted bytes, every publish acknowledged', () => {
    for (const p of result.publishers) {
      for (const side of [p.up, p.down]) {
        expect(side.partialBytes, p.key).toBe(0);
        expect(side.malformed, p.key).toBeUndefined();
        const sum = Object.values(side.packets).reduce((n, c) => n + (c?.bytes ?? 0), 0);
        expect(sum, p.key).toBe(side.bytes);
      }
      expect(p.up.packets.CONNECT?.count, p.key).toBe(1);
      expect(p.down.packets.CONNACK?.count, p.key).toBe(1);
      expect(p.down.packets.PUBACK?.count, p.key).toBe(p.up.packets.PUBLISH?.count);
      expect(p.down.packets.PINGRESP?.count ?? 0, p.key).toBe(p.pings);
      expect(p.delivered, p.key).toBe(p.sent.messages);
      expect(p.decoded, p.key).toMatchObject({ ok: true });
    }
    // The baselines publish telemetry only; the edge adds its retained online state and birth.
    expect(by('naive').up.packets.PUBLISH?.count).toBe(36);
    expect(by('codec8').up.packets.PUBLISH?.count).toBe(by('codec8').sent.messages);
    expect(by('ours').up.packets.PUBLISH?.count).toBe(by('ours').sent.messages + 2);
  });

  it('delivers the same number of records from each baseline: one per 10-s tick', () => {
    expect(by('naive').decoded.records).toBe(36);
    expect(by('codec8').decoded.records).toBe(36);
    expect(by('codec8').sent.messages).toBe(6);
  });

  it('sends PINGREQ only when a publisher is idle longer than its keep-alive', () => {
    expect(by('naive').pings).toBe(0);
    expect(by('ours').pings).toBe(0);
    expect(by('ours-keepalive-20').pings).toBeGreaterThan(0);
    expect(by('ours-keepalive-20').up.packets.PINGREQ?.bytes).toBe(2 * by('ours-keepalive-20').pings);
  });

  it('rebuilds the state of ours within every deadband at every 10-s tick', () => {
    const rebuilt = by('ours').reconstruction;
    expect(rebuilt?.ticks).toBe(36);
    expect(rebuilt?.problems).toEqual([]);
    expect(by('naive').reconstruction?.problems).toEqual([]);
  });

  it('is a real check: losing one delivered delta breaks the rebuilt state', () => {
    const records = by('ours').reconstruction?.records ?? [];
    const lost = records.findIndex((r, i) => i > 0 && r.battery !== undefined && !('full' in r.battery));
    expect(lost).toBeGreaterThan(0);
    const truths = truthAtTicks(slice, 10_000);
    const problems = checkReconstruction(truths, records.toSpliced(lost, 1), recordsConfig(), TRACE_KINDS);
    expect(problems.length).toBeGreaterThan(0);
  });
});
