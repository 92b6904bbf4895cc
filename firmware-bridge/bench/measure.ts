import { performance } from 'node:perf_hooks';
import type { ProtocolDecoder } from '../src/protocol.js';

export interface CodecResult {
  name: string;
  /** Frames decoded per second of CPU time on this machine. */
  framesPerSecond: number;
  nsPerFrame: number;
  megabytesPerSecond: number;
  /** Share of one core a saturated line at `lineBaud` (8N1: baud/10 bytes/s) would cost. */
  lineBaud: number;
  saturatedLineCpuPct: number;
}

/** Repeats `frames` until the stream is about `targetBytes` long. */
export function buildStream(frames: readonly Uint8Array[], targetBytes = 2_000_000): Uint8Array {
  const unit = frames.reduce((n, f) => n + f.length, 0);
  const copies = Math.max(1, Math.ceil(targetBytes / unit));
  const out = new Uint8Array(unit * copies);
  let offset = 0;
  for (let c = 0; c < copies; c++) {
    for (const frame of frames) {
      out.set(frame, offset);
      offset += frame.length;
    }
  }
  return out;
}

/**
 * Times splitter + decoder over the same stream a few times and keeps the best run: the bench asks
 * what the code costs, not what the rest of the machine was doing at that moment.
 */
export function measureDecoder(
  name: string,
  decoder: ProtocolDecoder,
  stream: Uint8Array,
  lineBaud: number,
  runs = 5,
): CodecResult {
  const chunk = 64; // a serial port hands over small reads
  let best = Number.POSITIVE_INFINITY;
  let frames = 0;
  for (let run = 0; run < runs; run++) {
    const splitter = decoder.createSplitter();
    let count = 0;
    const start = performance.now();
    for (let offset = 0; offset < stream.length; offset += chunk) {
      for (const result of splitter.push(stream.subarray(offset, offset + chunk))) {
        if (result.type === 'frame' && decoder.decode(result.frame).ok) count++;
      }
    }
    const elapsed = performance.now() - start;
    if (count === 0) throw new Error(`${name}: the bench stream decoded to no frames`);
    frames = count;
    best = Math.min(best, elapsed);
  }
  const seconds = best / 1000;
  const bytesPerSecond = stream.length / seconds;
  return {
    name,
    framesPerSecond: Math.round(frames / seconds),
    nsPerFrame: Math.round((best * 1e6) / frames),
    megabytesPerSecond: Number((bytesPerSecond / 1e6).toFixed(2)),
    lineBaud,
    saturatedLineCpuPct: Number(((lineBaud / 10 / bytesPerSecond) * 100).toFixed(4)),
  };
}
