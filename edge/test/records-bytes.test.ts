import { describe, expect, it } from 'vitest';
import { decodeBatch, type EncodingName, encodeBatch } from '../src/contract/encoding.js';
import { unitTopic } from '../src/contract/topics.js';
import { recordsConfig } from '../src/records/config.js';
import { ReportByException } from '../src/records/rbe.js';
import { BatchQueue } from '../src/records/testing/batch-queue.js';
import { rideHour, type Tick } from '../src/records/testing/ride-hour.js';

/**
 * Bytes per hour of the synthetic riding hour, ours against the two anchors of REFERENCE.md §4.
 * Run: npx vitest run --project edge edge/test/records-bytes.test.ts
 *
 * Wire model (same for all three publishers; the real proxy bench of issue 4 item 7 replaces it):
 * each MQTT 3.1.1 QoS 1 PUBLISH rides in TLS 1.3 records (22 B: header, content type, AEAD tag) over
 * TCP/IPv4 with timestamps (52 B a segment, MSS 1448); the broker answers a PUBACK (4 B + 22 + 52) and
 * the unit's delayed ACK of it costs 52 B. Keep-alive pings are left out: with mqtt.keepaliveS at or
 * above the batch interval none is ever sent.
 */

const TOPIC = unitTopic('tri-lyon-01', 'telemetry');
const SEGMENT_HEADER = 52;
const TLS_RECORD = 22;
const MSS = 1448;
const PUBACK = 4 + TLS_RECORD + SEGMENT_HEADER;

function wireBytes(payloadBytes: number): number {
  const remaining = 2 + TOPIC.length + 2 + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : 3;
  const tls = 1 + lengthBytes + remaining + TLS_RECORD;
  const segments = Math.ceil(tls / MSS);
  const brokerAcks = Math.ceil((segments - 1) / 2) * SEGMENT_HEADER;
  return tls + segments * SEGMENT_HEADER + brokerAcks + PUBACK + SEGMENT_HEADER;
}

interface Cost {
  messages: number;
  payload: number;
  wire: number;
}

const add = (cost: Cost, payload: number) => {
  cost.messages += 1;
  cost.payload += payload;
  cost.wire += wireBytes(payload);
};

/** Every field of every kind, one JSON message per 10-s tick: the naive publisher. */
function naive(hour: Tick[]): Cost {
  const cost = { messages: 0, payload: 0, wire: 0 };
  hour.forEach((tick, seq) => {
    const { at, moving: _moving, ...kinds } = tick;
    const record = { v: 1, bootId: '0f1e2d3c-aaaa', records: [{ seq, ts: at, historical: false, ...kinds }] };
    add(cost, new TextEncoder().encode(JSON.stringify(record)).byteLength);
  });
  return cost;
}

/** Teltonika Codec 8: 63-B AVL records (REFERENCE.md), six a minute in one AVL packet (15 B of framing). */
function codec8(hour: Tick[]): Cost {
  const cost = { messages: 0, payload: 0, wire: 0 };
  for (let i = 0; i < hour.length; i += 6) add(cost, 15 + 63 * Math.min(6, hour.length - i));
  return cost;
}

interface Ours extends Cost {
  records: number;
  batches: Uint8Array[];
}

function ours(
  hour: Tick[],
  options: { batchIntervalMs: number; mode?: 'delta' | 'full'; encoding?: EncodingName },
): Ours {
  const rbe = new ReportByException(recordsConfig({ batchIntervalMs: options.batchIntervalMs }), {
    mode: options.mode ?? 'delta',
  });
  const queue = new BatchQueue({ intervalMs: options.batchIntervalMs });
  const cost: Ours = { messages: 0, payload: 0, wire: 0, records: 0, batches: [] };
  const flush = () => {
    const records = queue.take();
    const bytes = encodeBatch({ v: 2, bootId: '0f1e2d3c-aaaa', records }, { encoding: options.encoding ?? 'auto' });
    cost.batches.push(bytes);
    cost.records += records.length;
    add(cost, bytes.byteLength);
  };
  for (const tick of hour) {
    for (const sample of [tick.battery, tick.motor, tick.position, tick.aux, tick.system, tick.hotspot, tick.uplink]) {
      rbe.observe(sample);
    }
    const out = rbe.evaluate(tick.at);
    if (out) queue.push(out.body, out.urgent);
    if (queue.due(tick.at)) flush();
  }
  if (queue.size > 0) flush();
  return cost;
}

const kB = (bytes: number) => (bytes / 1000).toFixed(1);

describe('bytes per hour of a riding hour (synthetic, 10-s ticks)', () => {
  const hour = rideHour();
  const a = naive(hour);
  const b = codec8(hour);

  it('meets the targets: ≤ 0.1 × naive JSON and ≤ 0.5 × Codec 8 batched, at the default config', () => {
    const c = ours(hour, { batchIntervalMs: recordsConfig().batchIntervalMs });
    const rows = [
      ['(a) naive JSON, one message per 10 s', a],
      ['(b) Codec 8, 6 records a message', b],
      ['(c) ours, default config', c],
    ] as const;
    const table = rows.map(
      ([name, cost]) =>
        `${name.padEnd(40)} ${String(cost.messages).padStart(4)} msgs ${kB(cost.payload).padStart(7)} kB payload ${kB(cost.wire).padStart(7)} kB/h wire`,
    );
    table.push(`ratios: c/a ${(c.wire / a.wire).toFixed(3)}, c/b ${(c.wire / b.wire).toFixed(3)}`);
    console.info(table.join('\n'));
    expect(c.wire).toBeLessThanOrEqual(0.1 * a.wire);
    expect(c.wire).toBeLessThanOrEqual(0.5 * b.wire);
    // Against REFERENCE.md's own figures too (142 kB/h naive, 34 kB/h Codec 8, both for fewer fields).
    expect(c.wire).toBeLessThanOrEqual(0.5 * 34_000);
    // Every batch decodes back through the contract.
    for (const bytes of c.batches) expect(decodeBatch(bytes).ok).toBe(true);
  });

  it('stays under half of Codec 8 when riding the whole hour (the worst case)', () => {
    const ride = rideHour({ allRiding: true });
    const c = ours(ride, { batchIntervalMs: recordsConfig().batchIntervalMs });
    const ratio = c.wire / codec8(ride).wire;
    console.info(`all-riding hour: ours ${kB(c.payload)} kB payload, ${kB(c.wire)} kB/h wire; c/b ${ratio.toFixed(3)}`);
    expect(ratio).toBeLessThanOrEqual(0.5);
  });

  it('prints what each design choice is worth', () => {
    const lines: string[] = [];
    const variants = [
      ['delta', 'deflate-raw-dict'],
      ['delta', 'deflate-raw'],
      ['delta', 'json'],
      ['full', 'deflate-raw-dict'],
    ] as const;
    for (const batchIntervalMs of [60_000, 120_000, 300_000, 600_000]) {
      for (const [mode, encoding] of variants) {
        const c = ours(hour, { batchIntervalMs, mode, encoding });
        lines.push(
          `batch ${String(batchIntervalMs / 1000).padStart(3)} s ${mode.padEnd(5)} ${encoding.padEnd(16)} ${String(c.records).padStart(4)} records ${String(c.messages).padStart(3)} msgs ${kB(c.payload).padStart(6)} kB payload ${kB(c.wire).padStart(6)} kB/h wire`,
        );
        expect(c.wire).toBeGreaterThan(0);
      }
    }
    console.info(lines.join('\n'));
  });
});
