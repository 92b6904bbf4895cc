import { TCP_IP_HEADER_BYTES } from './counting-proxy.js';
import type { PublisherResult, UplinkBenchResult } from './replay.js';

/** Bytes per hour of one publisher, measured and estimated. */
export interface HourlyFigures {
  key: string;
  label: string;
  keepaliveS: number;
  messages: number;
  records: number;
  pings: number;
  upBytesPerHour: number;
  downBytesPerHour: number;
  totalBytesPerHour: number;
  /** ESTIMATE: the measured bytes plus 40 B of IPv4+TCP header per data segment (no bare ACKs, no TLS). */
  estimatedWithHeadersPerHour: number;
  ratioToNaive: number | null;
  ratioToCodec8: number | null;
  /** The same ratios on the estimate with headers. */
  estimatedRatioToNaive: number | null;
  estimatedRatioToCodec8: number | null;
}

export interface Target {
  name: string;
  limit: number;
  value: number;
  pass: boolean;
}

export const TARGETS = [
  { name: 'ours ≤ 0.5 × Codec 8 (total bytes/h)', of: 'ours', vs: 'codec8', limit: 0.5 },
  { name: 'ours ≤ 0.1 × naive (total bytes/h)', of: 'ours', vs: 'naive', limit: 0.1 },
] as const;

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

export function hourly(result: UplinkBenchResult): HourlyFigures[] {
  const perHour = 3_600_000 / result.durationMs;
  const total = (p: PublisherResult) => p.up.bytes + p.down.bytes;
  const naive = result.publishers.find((p) => p.key === 'naive');
  const codec8 = result.publishers.find((p) => p.key === 'codec8');
  const estimate = (p: PublisherResult) => total(p) + TCP_IP_HEADER_BYTES * (p.up.segments + p.down.segments);
  return result.publishers.map((p) => ({
    key: p.key,
    label: p.label,
    keepaliveS: p.keepaliveS,
    messages: p.sent.messages,
    records: p.decoded.records,
    pings: p.pings,
    upBytesPerHour: Math.round(p.up.bytes * perHour),
    downBytesPerHour: Math.round(p.down.bytes * perHour),
    totalBytesPerHour: Math.round(total(p) * perHour),
    estimatedWithHeadersPerHour: Math.round(estimate(p) * perHour),
    ratioToNaive: naive ? round(total(p) / total(naive)) : null,
    ratioToCodec8: codec8 ? round(total(p) / total(codec8)) : null,
    estimatedRatioToNaive: naive ? round(estimate(p) / estimate(naive)) : null,
    estimatedRatioToCodec8: codec8 ? round(estimate(p) / estimate(codec8)) : null,
  }));
}

/**
 * REFERENCE.md §4's own figures, for records of about 17 fields (ours carry about 60): not gating, but
 * worth printing beside the measured baselines, which carry the same fields as ours.
 */
export const REFERENCE_ANCHORS = [
  { name: 'REFERENCE §4 naive JSON every 10 s (~17 fields)', bytesPerHour: 142_000 },
  { name: 'REFERENCE §4 Codec 8, six records a message (~17 fields)', bytesPerHour: 34_000 },
] as const;

export function anchors(figures: readonly HourlyFigures[]) {
  const ours = figures.find((f) => f.key === 'ours');
  return REFERENCE_ANCHORS.map((a) => ({
    ...a,
    oursMeasured: ours ? round(ours.totalBytesPerHour / a.bytesPerHour) : null,
    oursEstimated: ours ? round(ours.estimatedWithHeadersPerHour / a.bytesPerHour) : null,
  }));
}

export function targets(figures: readonly HourlyFigures[]): Target[] {
  return TARGETS.map((t) => {
    const of = figures.find((f) => f.key === t.of);
    const vs = figures.find((f) => f.key === t.vs);
    const value = of && vs ? round(of.totalBytesPerHour / vs.totalBytesPerHour) : Number.NaN;
    return { name: t.name, limit: t.limit, value, pass: value <= t.limit };
  });
}

export function table(figures: readonly HourlyFigures[]): string {
  const header = [
    'publisher',
    'keep-alive s',
    'msgs',
    'records',
    'pings',
    'up B/h',
    'down B/h',
    'total B/h',
    'est. +TCP/IP hdr B/h',
    '÷ (a)',
    '÷ (b)',
  ];
  const ratio = (r: number | null) => (r === null ? '-' : r.toFixed(3));
  const rows = figures.map((f) => [
    f.label,
    String(f.keepaliveS),
    String(f.messages),
    String(f.records),
    String(f.pings),
    f.upBytesPerHour.toLocaleString('en'),
    f.downBytesPerHour.toLocaleString('en'),
    f.totalBytesPerHour.toLocaleString('en'),
    f.estimatedWithHeadersPerHour.toLocaleString('en'),
    ratio(f.ratioToNaive),
    ratio(f.ratioToCodec8),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Where each publisher's bytes went, by MQTT packet type and direction. */
export function packetBreakdown(result: UplinkBenchResult): string {
  return result.publishers
    .map((p) => {
      const side = (name: string, packets: PublisherResult['up']['packets']) =>
        `${name} ${Object.entries(packets)
          .map(([type, c]) => `${type} ${c?.count}×/${c?.bytes} B`)
          .join(', ')}`;
      return `${p.label}\n  ${side('up:  ', p.up.packets)}\n  ${side('down:', p.down.packets)}`;
    })
    .join('\n');
}
