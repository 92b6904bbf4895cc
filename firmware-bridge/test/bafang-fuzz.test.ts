import { describe, expect, it } from 'vitest';
import { decodeBafangFrame } from '../src/bafang/codec.js';
import { bafangDecoder } from '../src/bafang/decoder.js';
import { BafangFrameSplitter } from '../src/bafang/frame.js';
import { fuzzIterations, fuzzSplitter, mutate } from './support/kt-fuzz.js';
import { prng } from './support/prng.js';
import { bafangStreams, bafangVectors, hex } from './vectors/bafang.js';

const SEEDS = [...bafangVectors.map((v) => v.bytes), ...bafangStreams.map((s) => s.bytes)];
const INTERESTING = [0x11, 0x16, 0x08, 0x0a, 0x20, 0x31, 0x0b, 0x1a, 0x1f, 0x30, 0xf0, 0xf1];
const GOOD = hex('11 0A 10 10');

/** A longer FUZZ_ITERATIONS run needs more than the default 20 s. */
const TIMEOUT_MS = Math.max(20_000, fuzzIterations() / 20);

describe('Bafang fuzzing (FUZZ_ITERATIONS for a longer run)', () => {
  it(
    'splitter: never throws, loses no byte, every frame decodes, and it resynchronises',
    () => {
      const iterations = fuzzIterations();
      const report = fuzzSplitter(
        {
          iterations,
          seeds: SEEDS,
          interesting: INTERESTING,
          good: GOOD,
          createSplitter: () => new BafangFrameSplitter(),
          decode: (frame) => bafangDecoder.decode(frame),
        },
        prng(0xbaf),
      );
      expect(report.failure).toBeUndefined();
      expect(report.runs).toBe(iterations);
      expect(report.discardedBytes).toBeGreaterThan(iterations);
    },
    TIMEOUT_MS,
  );

  it(
    'decoder: mutated single frames never throw through bafangDecoder, and decodeBafangFrame throws only coded errors',
    () => {
      const random = prng(0xdec);
      const codes = new Set<string>();
      let ok = 0;
      for (let run = 0; run < fuzzIterations(); run++) {
        const input = mutate(random, SEEDS, INTERESTING);
        if (bafangDecoder.decode(input).ok) ok++;
        try {
          decodeBafangFrame(input);
        } catch (err) {
          codes.add((err as { code?: string }).code ?? 'uncoded');
        }
      }
      expect([...codes]).toEqual(['BRG_FRAME_INVALID']);
      expect(ok).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
