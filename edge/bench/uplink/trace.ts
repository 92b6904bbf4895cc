import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AuxSample, BatterySample, MotorSample, PositionSample } from '@triporteur/firmware-bridge';
import type { RecordKind } from '../../src/contract/records.js';
import type { HotspotAggregate, SystemSample } from '../../src/records/sources.js';
import type { Truth } from '../../src/records/testing/reconstruction.js';

/**
 * A recorded hour of device samples as the drivers emit them (firmware-bridge's normalized samples plus
 * the hotspot's aggregates and system health), one JSON object per line after a header line, gzip'd.
 * The uplink bench replays it; `make-trace.ts` wrote it.
 */

export type TraceSample = BatterySample | MotorSample | PositionSample | AuxSample | SystemSample | HotspotAggregate;
export type TraceKind = TraceSample['kind'];

/** The kinds a trace carries, in the contract's order. The uplink kind describes the uplink itself: not in a trace. */
export const TRACE_KINDS = ['battery', 'motor', 'position', 'aux', 'hotspot', 'system'] as const satisfies readonly (
  | RecordKind
  | TraceKind
)[];

export interface TracePhase {
  fromMin: number;
  toMin: number;
  what: string;
}

export interface TraceHeader {
  trace: string;
  format: 1;
  seed: number;
  /** ms since the epoch; samples lie in [startMs, startMs + durationMs). */
  startMs: number;
  durationMs: number;
  generator: string;
  phases: TracePhase[];
  /** How often each kind is sampled, in words. */
  rates: Record<TraceKind, string>;
}

export interface Trace {
  header: TraceHeader;
  samples: TraceSample[];
}

export const TRACE_FILE = 'bench/traces/ride-park-hour.ndjson.gz';

export function encodeTrace(trace: Trace): Uint8Array {
  const lines = [trace.header, ...trace.samples].map((line) => JSON.stringify(line));
  return gzipSync(`${lines.join('\n')}\n`, { level: 9 });
}

const KINDS = new Set<string>(TRACE_KINDS);

/** Parses a trace file, refusing anything that is not a time-ordered list of known samples. */
export function decodeTrace(bytes: Uint8Array): Trace {
  const lines = gunzipSync(bytes).toString('utf8').split('\n').filter(Boolean);
  const [first, ...rest] = lines;
  if (first === undefined) throw new Error('uplink bench: the trace file is empty');
  const header = JSON.parse(first) as TraceHeader;
  if (header.format !== 1) throw new Error(`uplink bench: trace format ${String(header.format)} is not 1`);
  let last = header.startMs;
  const samples = rest.map((line, i) => {
    const sample = JSON.parse(line) as TraceSample;
    const at = (sample as { at?: unknown }).at;
    if (!KINDS.has(sample.kind) || typeof at !== 'number' || at < last) {
      throw new Error(`uplink bench: trace line ${i + 2} is not a known sample in time order`);
    }
    last = at;
    return sample;
  });
  return { header, samples };
}

export async function readTrace(path: string): Promise<Trace> {
  return decodeTrace(await readFile(path));
}

/**
 * Minutes [fromMin, toMin) of a trace, as a unit that has been running: the last sample of each kind
 * before the cut is carried in at the cut, so every kind is known from the first tick.
 */
export function sliceTrace(trace: Trace, fromMin: number, toMin: number): Trace {
  const from = trace.header.startMs + fromMin * 60_000;
  const to = trace.header.startMs + toMin * 60_000;
  const carried = new Map<TraceKind, TraceSample>();
  for (const sample of trace.samples) if (sample.at < from) carried.set(sample.kind, sample);
  const inside = trace.samples.filter((s) => s.at >= from && s.at < to);
  return {
    header: { ...trace.header, startMs: from, durationMs: to - from },
    samples: [...[...carried.values()].map((s) => ({ ...s, at: from })), ...inside],
  };
}

/** What the unit knew at each tick (the latest sample of each kind): the truth the dashboard must match. */
export function truthAtTicks(trace: Trace, tickMs: number): Truth[] {
  const latest = new Map<TraceKind, TraceSample>();
  const truths: Truth[] = [];
  let next = 0;
  const { startMs, durationMs } = trace.header;
  for (let at = startMs + tickMs; at <= startMs + durationMs; at += tickMs) {
    for (; next < trace.samples.length && (trace.samples[next]?.at ?? Number.POSITIVE_INFINITY) <= at; next++) {
      const sample = trace.samples[next] as TraceSample;
      latest.set(sample.kind, sample);
    }
    const pick = <K extends TraceKind>(kind: K) => latest.get(kind) as Extract<TraceSample, { kind: K }> | undefined;
    const battery = pick('battery');
    const motor = pick('motor');
    const position = pick('position');
    const aux = pick('aux');
    if (!battery || !motor || !position || !aux) throw new Error(`uplink bench: no device sample yet at tick ${at}`);
    const system = pick('system');
    const hotspot = pick('hotspot');
    truths.push({ at, battery, motor, position, aux, ...(system ? { system } : {}), ...(hotspot ? { hotspot } : {}) });
  }
  return truths;
}
