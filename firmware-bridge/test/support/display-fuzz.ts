import type { FrameSplitter } from '../../src/framing.js';
import type { DecodeOutcome } from '../../src/protocol.js';

/**
 * Mutation fuzzing for the listen-only display protocols (KT and Bafang): real vectors are bit
 * flipped, grown, cut, truncated and glued to garbage, then fed through a splitter in random
 * chunks. Checks are plain comparisons, not expect(), so 100 000 runs stay fast; the first
 * failure is returned for the test to report.
 */
export function fuzzIterations(fallback = 100_000): number {
  const fromEnv = Number(process.env.FUZZ_ITERATIONS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

export function mutate(random: () => number, seeds: readonly Uint8Array[], interesting: readonly number[]): Uint8Array {
  const pick = () => Array.from(seeds[Math.floor(random() * seeds.length)] ?? []);
  // Garbage biased to the bytes that start or end frames, so the hard paths get exercised.
  const garbage = () =>
    Array.from({ length: Math.floor(random() * 17) }, () =>
      random() < 0.3 ? (interesting[Math.floor(random() * interesting.length)] ?? 0) : Math.floor(random() * 256),
    );
  let bytes = pick();
  for (let ops = 1 + Math.floor(random() * 4); ops > 0; ops--) {
    const pos = Math.floor(random() * (bytes.length + 1));
    switch (Math.floor(random() * 6)) {
      case 0: // bit flip
        if (bytes.length > 0)
          bytes[pos % bytes.length] = (bytes[pos % bytes.length] ?? 0) ^ (1 << Math.floor(random() * 8));
        break;
      case 1: // insertion
        bytes.splice(pos, 0, Math.floor(random() * 256));
        break;
      case 2: // deletion
        bytes.splice(pos, 1 + Math.floor(random() * 3));
        break;
      case 3: // truncation
        bytes = bytes.slice(0, pos);
        break;
      case 4: // another vector glued on
        bytes = random() < 0.5 ? [...bytes, ...pick()] : [...pick(), ...bytes];
        break;
      default: // garbage before or after
        bytes = random() < 0.5 ? [...garbage(), ...bytes] : [...bytes, ...garbage()];
    }
  }
  return Uint8Array.from(bytes);
}

export interface FuzzSetup {
  iterations: number;
  seeds: readonly Uint8Array[];
  interesting: readonly number[];
  /** A frame that must still be found after the garbage (appended twice: the first copy may be eaten). */
  good: Uint8Array;
  createSplitter(): FrameSplitter;
  decode(frame: Uint8Array): DecodeOutcome;
}

export interface FuzzReport {
  runs: number;
  frames: number;
  discardedBytes: number;
  failure?: string;
}

export function fuzzSplitter(setup: FuzzSetup, random: () => number): FuzzReport {
  const report: FuzzReport = { runs: 0, frames: 0, discardedBytes: 0 };
  const { good } = setup;
  for (let run = 0; run < setup.iterations; run++) {
    const input = mutate(random, setup.seeds, setup.interesting);
    const stream = new Uint8Array(input.length + 2 * good.length);
    stream.set(input);
    stream.set(good, input.length);
    stream.set(good, input.length + good.length);
    const failure = check(setup, stream, random, report);
    report.runs++;
    if (failure !== undefined) {
      report.failure = `run ${run}, input ${toHex(input)}: ${failure}`;
      break;
    }
  }
  return report;
}

function check(setup: FuzzSetup, stream: Uint8Array, random: () => number, report: FuzzReport): string | undefined {
  try {
    const splitter = setup.createSplitter();
    let frameBytes = 0;
    let discardBytes = 0;
    let discardEvents = 0;
    let last: Uint8Array | undefined;
    for (let at = 0; at < stream.length; ) {
      const size = 1 + Math.floor(random() * 24);
      for (const result of splitter.push(stream.subarray(at, at + size))) {
        if (result.type === 'discarded') {
          discardBytes += result.bytes.length;
          discardEvents++;
          continue;
        }
        frameBytes += result.frame.length;
        last = result.frame;
        report.frames++;
        const outcome = setup.decode(result.frame);
        if (!outcome.ok) return `splitter frame ${toHex(result.frame)} does not decode: ${outcome.reason}`;
      }
      at += size;
    }
    report.discardedBytes += discardBytes;
    const stats = splitter.stats;
    if (frameBytes + discardBytes + splitter.pendingBytes !== stream.length) {
      return `bytes lost: ${frameBytes} in frames + ${discardBytes} discarded + ${splitter.pendingBytes} pending != ${stream.length}`;
    }
    if (stats.discardedBytes !== discardBytes || stats.discardEvents !== discardEvents)
      return 'stats disagree with results';
    if (last === undefined || toHex(last) !== toHex(setup.good))
      return 'the good frame after the garbage was not found';
    if (splitter.pendingBytes !== 0) return `${splitter.pendingBytes} bytes still pending after a whole frame`;
  } catch (err) {
    return `threw ${String(err)}`;
  }
  return undefined;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
