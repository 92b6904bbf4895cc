import { describe, expect, it } from 'vitest';
import { jbdDecoder } from '../src/jbd/decoder.js';
import { FUZZ_ITERATIONS, fuzzDecoder } from './support/fuzz.js';
import { responseVectors } from './vectors/jbd.js';

describe('JBD fuzz', () => {
  it(`survives ${FUZZ_ITERATIONS.toLocaleString('en')} mutated inputs, accounts for every byte and resynchronizes`, () => {
    const report = fuzzDecoder(
      jbdDecoder,
      responseVectors.map((v) => v.bytes),
    );
    expect(report.firstFailure).toBeUndefined();
    expect(report.accountingFailures).toBe(0);
    expect(report.resyncFailures).toBe(0);
    // The mutations must actually exercise both paths, or the test proves nothing.
    expect(report.frames).toBeGreaterThan(FUZZ_ITERATIONS);
    expect(report.discards).toBeGreaterThan(FUZZ_ITERATIONS / 2);
  }, 120_000);
});
