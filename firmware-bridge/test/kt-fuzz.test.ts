import { describe, expect, it } from 'vitest';
import { decodeKtFrame } from '../src/kt/codec.js';
import { ktDecoder } from '../src/kt/decoder.js';
import { KtFrameSplitter } from '../src/kt/frame.js';
import { fuzzIterations, fuzzSplitter, mutate } from './support/kt-fuzz.js';
import { prng } from './support/prng.js';
import { hex, ktNegativeVectors, ktVectors } from './vectors/kt.js';

const SEEDS = [...ktVectors.map((v) => v.bytes), ...ktNegativeVectors.map((v) => v.bytes)];
const INTERESTING = [0x41, 0x0e, 0x32, 0x37, 0x00, 0xff];
const GOOD = hex('41 10 30 00 8B 00 A4 02 0D 00 00 00');

/** A longer FUZZ_ITERATIONS run needs more than the default 20 s. */
const TIMEOUT_MS = Math.max(20_000, fuzzIterations() / 20);

describe('KT fuzzing (FUZZ_ITERATIONS for a longer run)', () => {
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
          createSplitter: () => new KtFrameSplitter(),
          decode: (frame) => ktDecoder.decode(frame),
        },
        prng(0x4b7),
      );
      expect(report.failure).toBeUndefined();
      expect(report.runs).toBe(iterations);
      // The mutations must actually hit the discard paths, or the run proves little.
      expect(report.discardedBytes).toBeGreaterThan(iterations);
    },
    TIMEOUT_MS,
  );

  it(
    'decoder: mutated single frames never throw through ktDecoder, and decodeKtFrame throws only coded errors',
    () => {
      const random = prng(0x1cd);
      const codes = new Set<string>();
      let ok = 0;
      for (let run = 0; run < fuzzIterations(); run++) {
        const input = mutate(random, SEEDS, INTERESTING);
        if (ktDecoder.decode(input).ok) ok++;
        try {
          decodeKtFrame(input);
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
