import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { TCP_IP_HEADER_BYTES } from './counting-proxy.js';
import { repoRoot } from './paths.js';
import { type PublisherSpec, runUplinkBench } from './replay.js';
import { anchors, hourly, packetBreakdown, table, targets } from './report.js';
import { decodeTrace, TRACE_FILE } from './trace.js';

/**
 * `npm run bench` (after the firmware-bridge bench): bytes per hour on the uplink of the committed
 * reference hour, through three publishers, printed as a table and written to bench/results/uplink.json.
 * Exits non-zero when the reconstruction of (c) leaves a deadband, a publisher's bytes do not add up, or
 * a target is missed.
 */

const PUBLISHERS: PublisherSpec[] = [
  { kind: 'naive', keepaliveS: 60 },
  { kind: 'codec8', keepaliveS: 60 },
  { kind: 'edge' },
  // The same with the keep-alive most MQTT examples use: shows what idle pings cost between 5-min batches.
  { kind: 'edge', key: 'ours-keepalive-60', label: "(c') ours, keep-alive 60 s", keepaliveS: 60 },
];

function mosquittoVersion(): string {
  try {
    return execFileSync('mosquitto', ['-h'], { encoding: 'utf8' }).split('\n')[0] ?? 'unknown';
  } catch (err) {
    // `mosquitto -h` prints its usage and exits 3.
    const out = (err as { stdout?: string }).stdout ?? '';
    return out.split('\n')[0] || 'unknown';
  }
}

const root = repoRoot(import.meta.dirname);
const traceBytes = await readFile(join(root, TRACE_FILE));
const trace = decodeTrace(traceBytes);
const result = await runUplinkBench({ trace, publishers: PUBLISHERS });
const figures = hourly(result);
const goals = targets(figures);
const anchored = anchors(figures);

const problems: string[] = [...result.failures];
for (const p of result.publishers) {
  if (!p.decoded.ok) problems.push(`${p.key}: ${p.decoded.detail}`);
  if (p.delivered !== p.sent.messages) problems.push(`${p.key}: sent ${p.sent.messages}, delivered ${p.delivered}`);
  const sockets = [p.brokerSocket.written, p.clientSocket.written, p.brokerSocket.read, p.clientSocket.read];
  if (sockets.join() !== [p.up.bytes, p.up.bytes, p.down.bytes, p.down.bytes].join()) {
    problems.push(`${p.key}: the proxy's count differs from the sockets' own counters`);
  }
  for (const side of [p.up, p.down]) {
    const inPackets = Object.values(side.packets).reduce((n, c) => n + (c?.bytes ?? 0), 0);
    if (side.partialBytes !== 0 || side.malformed || inPackets !== side.bytes) {
      problems.push(`${p.key}: the counted bytes are not whole MQTT packets`);
    }
  }
  for (const problem of p.reconstruction?.problems.slice(0, 20) ?? [])
    problems.push(`${p.key} reconstruction: ${problem}`);
}
for (const goal of goals) if (!goal.pass) problems.push(`target missed: ${goal.name} (${goal.value})`);

const out = process.stdout;
out.write(
  `uplink bytes per hour: ${trace.header.trace} (${result.samples} samples, ${result.durationMs / 60_000} min), ` +
    `${mosquittoVersion()}, Node ${process.versions.node}, replayed in ${result.wallMs} ms of wall time\n\n`,
);
out.write(`${table(figures)}\n\n`);
out.write(
  `Measured: MQTT bytes both ways on the TCP connection, keep-alives and CONNECT/CONNACK included, no TLS.\n` +
    `ESTIMATE: "+TCP/IP hdr" adds ${TCP_IP_HEADER_BYTES} B per data segment (reads split at the MSS); bare ACKs, handshakes and TLS are not in it.\n\n`,
);
out.write(`${packetBreakdown(result)}\n\n`);
for (const p of result.publishers) {
  if (p.reconstruction) {
    out.write(
      `${p.label}: rebuilt state checked at ${p.reconstruction.ticks} ticks from ${p.reconstruction.records.length} records: ` +
        `${p.reconstruction.problems.length === 0 ? 'within every deadband' : `${p.reconstruction.problems.length} problems`}\n`,
    );
  }
}
for (const a of anchored) {
  out.write(
    `for reference: ours ÷ ${a.name} (${a.bytesPerHour} B/h): ${a.oursMeasured} measured, ${a.oursEstimated} estimated\n`,
  );
}
for (const goal of goals) out.write(`target ${goal.name}: ${goal.value} → ${goal.pass ? 'met' : 'MISSED'}\n`);

const cpu = cpus()[0]?.model ?? 'unknown';
const report = {
  bench: 'uplink',
  date: new Date().toISOString(),
  node: process.versions.node,
  machine: { platform: platform(), release: release(), arch: arch(), cpu, cores: cpus().length, memBytes: totalmem() },
  broker: mosquittoVersion(),
  trace: {
    file: TRACE_FILE,
    sha256: createHash('sha256').update(traceBytes).digest('hex'),
    name: trace.header.trace,
    seed: trace.header.seed,
    samples: result.samples,
    durationMs: result.durationMs,
  },
  method: {
    clock: 'virtual: publishers and the mqtt.js keep-alive run on an injected clock; bytes are real, on real sockets',
    roundTripMs: result.roundTripMs,
    measured: 'MQTT over TCP, both directions, per connection, at a counting proxy (no TLS)',
    estimate: `measured + ${TCP_IP_HEADER_BYTES} B IPv4+TCP header per data segment (reads split at MSS 1460); excludes bare ACKs, handshakes, TLS`,
  },
  publishers: figures.map((f) => {
    const p = result.publishers.find((x) => x.key === f.key);
    return {
      ...f,
      packets: { up: p?.up.packets, down: p?.down.packets },
      segments: { up: p?.up.segments, down: p?.down.segments },
      payloadBytes: p?.sent.payloadBytes,
      ...(p?.reconstruction
        ? { reconstruction: { ticks: p.reconstruction.ticks, problems: p.reconstruction.problems.length } }
        : {}),
    };
  }),
  targets: goals,
  referenceAnchors: anchored,
  problems,
  pass: problems.length === 0,
};
const outDir = process.env.BENCH_OUT ?? join(root, 'bench', 'results');
await mkdir(outDir, { recursive: true });
const file = join(outDir, 'uplink.json');
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
out.write(`\nwritten to ${file}\n`);
if (problems.length > 0) {
  process.stderr.write(`\nuplink bench FAILED:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exitCode = 1;
}
