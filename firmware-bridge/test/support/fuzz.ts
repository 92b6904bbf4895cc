import type { ProtocolDecoder } from '../../src/protocol.js';
import { prng } from './prng.js';

/** Iterations per codec: 100,000 in the default run; FUZZ_ITERATIONS=2000000 for a long soak. */
export const FUZZ_ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 100_000);

export interface FuzzReport {
  iterations: number;
  frames: number;
  discards: number;
  invalid: number;
  /** Inputs after which the appended good frame was not found: must be 0. */
  resyncFailures: number;
  /** Inputs whose bytes were not all accounted for: must be 0. */
  accountingFailures: number;
  /** First failing input, as hex, to reproduce a failure. */
  firstFailure?: string;
}

type Mutation = (input: Uint8Array, rand: () => number) => Uint8Array;

const byte = (rand: () => number) => Math.floor(rand() * 256);
const at = (input: Uint8Array, rand: () => number) => Math.floor(rand() * (input.length + 1));
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

const MUTATIONS: Mutation[] = [
  (input, rand) => {
    const out = input.slice();
    const i = Math.floor(rand() * out.length);
    out[i] = (out[i] ?? 0) ^ (1 << Math.floor(rand() * 8));
    return out;
  },
  (input, rand) => {
    const i = at(input, rand);
    return join(input.subarray(0, i), Uint8Array.of(byte(rand)), input.subarray(i));
  },
  (input, rand) => {
    const i = Math.floor(rand() * input.length);
    return join(input.subarray(0, i), input.subarray(i + 1));
  },
  (input, rand) => input.subarray(0, Math.floor(rand() * input.length)),
  (input, rand) =>
    join(
      Uint8Array.from({ length: 1 + Math.floor(rand() * 40) }, () => byte(rand)),
      input,
    ),
  (input, rand) => {
    const i = at(input, rand);
    return join(input.subarray(i), input.subarray(0, i));
  },
];

/**
 * Mutates known-good frames (bit flips, insertions, deletions, truncation, garbage, rotation), feeds
 * each result to a fresh splitter in random-sized reads, then a good frame. Checks that nothing throws,
 * that every byte comes out as a frame, a discard or pending, and that the good frame is still found.
 */
export function fuzzDecoder(
  decoder: ProtocolDecoder,
  seeds: readonly Uint8Array[],
  iterations = FUZZ_ITERATIONS,
  seed = 1,
): FuzzReport {
  const rand = prng(seed);
  const report: FuzzReport = {
    iterations,
    frames: 0,
    discards: 0,
    invalid: 0,
    resyncFailures: 0,
    accountingFailures: 0,
  };
  for (let n = 0; n < iterations; n++) {
    let input = seeds[Math.floor(rand() * seeds.length)] ?? new Uint8Array(0);
    const rounds = 1 + Math.floor(rand() * 3);
    for (let r = 0; r < rounds; r++)
      input = (MUTATIONS[Math.floor(rand() * MUTATIONS.length)] ?? ((x) => x))(input, rand);
    const good = seeds[Math.floor(rand() * seeds.length)] ?? new Uint8Array(0);
    const splitter = decoder.createSplitter();
    let accounted = 0;
    let foundGood = false;
    const feed = (bytes: Uint8Array, isTail: boolean) => {
      for (let offset = 0; offset < bytes.length; ) {
        const size = 1 + Math.floor(rand() * 24);
        for (const result of splitter.push(bytes.subarray(offset, offset + size))) {
          if (result.type === 'discarded') {
            report.discards++;
            accounted += result.bytes.length;
            continue;
          }
          report.frames++;
          accounted += result.frame.length;
          if (!decoder.decode(result.frame).ok) report.invalid++;
          if (isTail && sameBytes(result.frame, good)) foundGood = true;
        }
        offset += size;
      }
    };
    feed(input, false);
    // Garbage may legitimately swallow the good frame's start only if it can still end a frame; a
    // resync means the good frame is found once the junk before it is discarded, so send it twice.
    feed(good, true);
    feed(good, true);
    if (accounted + splitter.pendingBytes !== input.length + 2 * good.length) {
      report.accountingFailures++;
      report.firstFailure ??= hex(input);
    }
    if (!foundGood) {
      report.resyncFailures++;
      report.firstFailure ??= hex(input);
    }
  }
  return report;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
