import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { bafangDecoder } from '../src/bafang/decoder.js';
import { dalyDecoder } from '../src/daly/decoder.js';
import { firmataDecoder } from '../src/firmata/decoder.js';
import { jbdDecoder } from '../src/jbd/decoder.js';
import { ktDecoder } from '../src/kt/decoder.js';
import { nmeaDecoder } from '../src/nmea/decoder.js';
import type { ProtocolDecoder } from '../src/protocol.js';
import { vescDecoder } from '../src/vesc/decoder.js';
import { bafangVectors } from '../test/vectors/bafang.js';
import { responseVectors as dalyVectors } from '../test/vectors/daly.js';
import { messageVectors as firmataVectors } from '../test/vectors/firmata.js';
import { responseVectors as jbdVectors } from '../test/vectors/jbd.js';
import { ktVectors } from '../test/vectors/kt.js';
import { enc, sentenceVectors as nmeaVectors } from '../test/vectors/nmea.js';
import { replyVectors as vescVectors } from '../test/vectors/vesc.js';
import { buildStream, type CodecResult, measureDecoder } from './measure.js';
import { runNmeaBench } from './nmea.bench.js';

/**
 * `npm run bench`: decode throughput and cost per frame of every codec, printed as a table and
 * written to bench/results/firmware-bridge.json. The target for every codec: a saturated serial
 * line at its usual baud rate costs under 1 % of one core.
 */
interface CodecBench {
  decoder: ProtocolDecoder;
  frames: () => Uint8Array[];
  lineBaud: number;
}

const CODECS: CodecBench[] = [
  // 115200 rather than the BMS's 9600: the target line rate, and the harder case.
  {
    decoder: jbdDecoder,
    frames: () => jbdVectors.filter((v) => v.expected.kind !== 'deviceError').map((v) => v.bytes),
    lineBaud: 115200,
  },
  { decoder: dalyDecoder, frames: () => dalyVectors.map((v) => v.bytes), lineBaud: 115200 },
  { decoder: ktDecoder, frames: () => ktVectors.map((v) => v.bytes), lineBaud: 115200 },
  { decoder: bafangDecoder, frames: () => bafangVectors.map((v) => v.bytes), lineBaud: 115200 },
  {
    decoder: firmataDecoder,
    frames: () => firmataVectors.filter((v) => v.direction === 'fromBoard').map((v) => v.bytes),
    lineBaud: 115200,
  },
  {
    decoder: nmeaDecoder,
    // Only sentences within NMEA's 82 characters: the default splitter discards the longer ones.
    frames: () => nmeaVectors.filter((v) => v.maxLength === undefined).map((v) => enc(v.line)),
    lineBaud: 115200,
  },
  { decoder: vescDecoder, frames: () => vescVectors.map((v) => v.bytes), lineBaud: 115200 },
];

const TARGET_CPU_PCT = 1;

function table(rows: CodecResult[]): string {
  const header = [
    'codec',
    'frames/s',
    'ns/frame',
    'MB/s',
    'line baud',
    'CPU % at full line',
    `target < ${TARGET_CPU_PCT} %`,
  ];
  const body = rows.map((r) => [
    r.name,
    r.framesPerSecond.toLocaleString('en'),
    String(r.nsPerFrame),
    String(r.megabytesPerSecond),
    String(r.lineBaud),
    r.saturatedLineCpuPct.toFixed(3),
    r.saturatedLineCpuPct < TARGET_CPU_PCT ? 'met' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export async function runBench(outDir: string): Promise<void> {
  const results = CODECS.map((c) => measureDecoder(c.decoder.name, c.decoder, buildStream(c.frames()), c.lineBaud));
  process.stdout.write(
    `firmware-bridge codecs (${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node})\n\n`,
  );
  process.stdout.write(`${table(results)}\n\n`);
  // NMEA against the npm packages a Node developer would otherwise reach for, on the same input.
  const nmea = await runNmeaBench();
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, 'firmware-bridge.json');
  const report = {
    date: new Date().toISOString(),
    node: process.versions.node,
    cpu: cpus()[0]?.model,
    codecs: results,
    nmea,
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${file}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBench(process.env.BENCH_OUT ?? join(import.meta.dirname, '..', '..', '..', 'bench', 'results'));
}
