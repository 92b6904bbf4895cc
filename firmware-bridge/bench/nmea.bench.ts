import { arch, cpus, platform } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { GPS } from 'gps';
import { parseNmeaSentence } from 'nmea-simple';
import { decodeSentence } from '../src/nmea/codec.js';
import { NmeaReceiver } from '../src/nmea/receiver.js';
import { NmeaSplitter } from '../src/nmea/splitter.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import type { ByteTransport } from '../src/transport/transport.js';
import { streamVectors } from '../test/vectors/nmea.js';

/**
 * NMEA decoding speed, ours against the two npm baselines, on the same input in one run: a few
 * MB of real receiver output (the stream vectors: SiRF, u-blox, Quectel, Telit, a cold start),
 * repeated. The baselines get the lines already split into strings, which is the best case for
 * them; we start from raw bytes in 256-byte reads, as a serial port delivers them.
 *
 * Build with tsc (bench/ in the firmware-bridge tsconfig), then:
 *   node firmware-bridge/dist/bench/nmea.bench.js
 */
export interface BenchRow {
  name: string;
  /** Sentences each implementation accepted (they differ on types they do not know). */
  parsed: number;
  /** From the best round: what the code costs when the machine leaves it alone. */
  sentencesPerSec: number;
  nsPerSentence: number;
  /** From the median round, to show how much the machine got in the way. */
  medianNsPerSentence: number;
  /** Speed over the faster baseline's, best round against best round: above 1 means faster. */
  vsFastestBaseline: number;
  /** The same ratio on median rounds. */
  vsFastestBaselineMedian: number;
  /** One core's share needed to keep up with a 115200-baud line sending this mix non-stop (best round). */
  cpuPctAt115200: number;
}

export interface BenchResult {
  bench: 'nmea';
  date: string;
  node: string;
  machine: string;
  input: { bytes: number; sentences: number; meanSentenceBytes: number; description: string };
  rounds: number;
  fastestBaseline: string;
  rows: BenchRow[];
  /** Whether splitter + codec is at least as fast as the faster baseline (the target). */
  meetsTarget: boolean;
}

export interface NmeaBenchOptions {
  /** Input size; default 4 MB. */
  targetBytes?: number;
  /** Timed rounds per implementation after one warm-up. Default 7. */
  rounds?: number;
  /** Print the table (default true). */
  print?: boolean;
}

/** 115200 baud, 8N1: ten bits a byte. */
const LINE_BYTES_PER_SEC = 11_520;
const READ_SIZE = 256;

interface Contender {
  name: string;
  baseline: boolean;
  run: () => number;
}

export async function runNmeaBench(options: NmeaBenchOptions = {}): Promise<BenchResult> {
  const rounds = Math.max(1, options.rounds ?? 7);
  const { text, lines } = buildInput(options.targetBytes ?? 4_000_000);
  const bytes = new TextEncoder().encode(text);

  const contenders: Contender[] = [
    { name: 'triporteur splitter+codec', baseline: false, run: () => splitAndDecode(bytes) },
    { name: 'triporteur NmeaReceiver (to samples)', baseline: false, run: () => receive(bytes) },
    { name: 'nmea-simple parseNmeaSentence', baseline: true, run: () => nmeaSimple(lines) },
    { name: 'gps GPS.update', baseline: true, run: () => gpsJs(lines) },
  ];
  const timings = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const parsed = new Map<string, number>();
  for (const c of contenders) parsed.set(c.name, c.run()); // warm-up: JIT, caches
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no one always runs right after the garbage of another.
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + round) % contenders.length] as Contender;
      const start = performance.now();
      c.run();
      timings.get(c.name)?.push(performance.now() - start);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const sentences = lines.length;
  const meanSentenceBytes = bytes.length / sentences;
  const best = (name: string) => Math.min(...(timings.get(name) ?? []));
  const middle = (name: string) => median(timings.get(name) ?? []);
  const baselines = contenders.filter((c) => c.baseline);
  const fastest = baselines.reduce((a, b) => (best(b.name) < best(a.name) ? b : a));
  const rows: BenchRow[] = contenders.map((c) => {
    const ns = (best(c.name) * 1e6) / sentences;
    return {
      name: c.name,
      parsed: parsed.get(c.name) ?? 0,
      sentencesPerSec: Math.round(1e9 / ns),
      nsPerSentence: Math.round(ns),
      medianNsPerSentence: Math.round((middle(c.name) * 1e6) / sentences),
      vsFastestBaseline: round2(best(fastest.name) / best(c.name)),
      vsFastestBaselineMedian: round2(middle(fastest.name) / middle(c.name)),
      cpuPctAt115200: round3((LINE_BYTES_PER_SEC / meanSentenceBytes) * ns * 1e-7),
    };
  });
  const result: BenchResult = {
    bench: 'nmea',
    date: new Date().toISOString(),
    node: process.version,
    machine: `${platform()} ${arch()}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
    input: {
      bytes: bytes.length,
      sentences,
      meanSentenceBytes: round2(meanSentenceBytes),
      description: `${streamVectors.length} real receiver captures (gpsd regression logs), repeated`,
    },
    rounds,
    fastestBaseline: fastest.name,
    rows,
    meetsTarget: (rows[0]?.vsFastestBaseline ?? 0) >= 1,
  };
  if (options.print !== false) printTable(result);
  return result;
}

function buildInput(targetBytes: number): { text: string; lines: string[] } {
  // One line end for all, so every implementation sees the same sentences.
  const unit = streamVectors
    .flatMap((v) => v.text.split('\n'))
    .map((line) => line.replace(/\r+$/, ''))
    .filter((line) => line.startsWith('$'));
  const lines: string[] = [];
  let size = 0;
  while (size < targetBytes) {
    for (const line of unit) {
      lines.push(line);
      size += line.length + 2;
    }
  }
  return { text: lines.map((line) => `${line}\r\n`).join(''), lines };
}

function splitAndDecode(bytes: Uint8Array): number {
  const splitter = new NmeaSplitter();
  let ok = 0;
  for (let at = 0; at < bytes.length; at += READ_SIZE) {
    for (const result of splitter.push(bytes.subarray(at, at + READ_SIZE))) {
      if (result.type !== 'frame') continue;
      try {
        decodeSentence(result.frame);
        ok++;
      } catch {
        // counted as not parsed
      }
    }
  }
  return ok;
}

function receive(bytes: Uint8Array): number {
  let listener: (bytes: Uint8Array) => void = () => undefined;
  const transport: ByteTransport = {
    isOpen: true,
    write: () => Promise.resolve(),
    onData: (l) => {
      listener = l;
      return () => undefined;
    },
    onError: () => () => undefined,
    close: () => Promise.resolve(),
  };
  const receiver = new NmeaReceiver({ transport, clock: new ManualClock() });
  receiver.start();
  for (let at = 0; at < bytes.length; at += READ_SIZE) listener(bytes.subarray(at, at + READ_SIZE));
  receiver.stop();
  return receiver.stats.sentences;
}

function nmeaSimple(lines: readonly string[]): number {
  let ok = 0;
  for (const line of lines) {
    try {
      parseNmeaSentence(line);
      ok++;
    } catch {
      // nmea-simple throws on sentence types it does not know (TXT, proprietary)
    }
  }
  return ok;
}

function gpsJs(lines: readonly string[]): number {
  const gps = new GPS();
  let ok = 0;
  for (const line of lines) {
    const errors = gps.state.errors;
    if (gps.update(line) && gps.state.errors === errors) ok++;
  }
  return ok;
}

function printTable(result: BenchResult): void {
  const { input } = result;
  console.log(
    `NMEA decode: ${(input.bytes / 1e6).toFixed(1)} MB, ${input.sentences} sentences (mean ${input.meanSentenceBytes} B), ` +
      `best and median of ${result.rounds} rounds — ${result.node}, ${result.machine}`,
  );
  console.log(
    'Baselines get pre-split strings; ours starts from raw bytes in 256-byte reads. Ratios: best round against best round.',
  );
  const header = [
    'implementation',
    'parsed',
    'sentences/s',
    'ns/sentence',
    'median ns',
    `× ${result.fastestBaseline}`,
    '× (median)',
    'CPU @115200',
  ];
  const body = result.rows.map((r) => [
    r.name,
    String(r.parsed),
    r.sentencesPerSec.toLocaleString('en-US'),
    String(r.nsPerSentence),
    String(r.medianNsPerSentence),
    r.vsFastestBaseline.toFixed(2),
    r.vsFastestBaselineMedian.toFixed(2),
    `${r.cpuPctAt115200.toFixed(3)} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  for (const row of [header, widths.map((w) => '-'.repeat(w)), ...body]) {
    console.log(
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
    );
  }
  console.log(result.meetsTarget ? 'Target met: at least as fast as the faster baseline.' : 'Target NOT met.');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runNmeaBench();
}
