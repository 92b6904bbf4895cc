import { describe, expect, it } from 'vitest';
import { decodeBafangFrame } from '../src/bafang/codec.js';
import { bafangDecoder } from '../src/bafang/decoder.js';
import { BafangFrameSplitter } from '../src/bafang/frame.js';
import type { FrameSplitter } from '../src/framing.js';
import { decodeKtFrame } from '../src/kt/codec.js';
import { ktDecoder } from '../src/kt/decoder.js';
import { KtFrameSplitter } from '../src/kt/frame.js';
import type { ProtocolDecoder } from '../src/protocol.js';
import { fuzzIterations, fuzzSplitter, mutate } from './support/display-fuzz.js';
import { prng } from './support/prng.js';
import { hex as bafangHex, bafangStreams, bafangVectors } from './vectors/bafang.js';
import { hex as ktHex, ktNegativeVectors, ktVectors } from './vectors/kt.js';

/** The two listen-only display lines, fuzzed the same way with their own seeds and frame bytes. */
interface DisplayProtocol {
  name: string;
  seeds: Uint8Array[];
  /** Bytes that start or end frames: garbage biased towards them reaches the hard paths. */
  interesting: number[];
  good: Uint8Array;
  createSplitter(): FrameSplitter;
  decoder: ProtocolDecoder;
  /** The raw codec, which may throw, but only coded errors. */
  decodeRaw(frame: Uint8Array): unknown;
  prngSeeds: { splitter: number; decoder: number };
}

const PROTOCOLS: DisplayProtocol[] = [
  {
    name: 'KT',
    seeds: [...ktVectors.map((v) => v.bytes), ...ktNegativeVectors.map((v) => v.bytes)],
    interesting: [0x41, 0x0e, 0x32, 0x37, 0x00, 0xff],
    good: ktHex('41 10 30 00 8B 00 A4 02 0D 00 00 00'),
    createSplitter: () => new KtFrameSplitter(),
    decoder: ktDecoder,
    decodeRaw: decodeKtFrame,
    prngSeeds: { splitter: 0x4b7, decoder: 0x1cd },
  },
  {
    name: 'Bafang',
    seeds: [...bafangVectors.map((v) => v.bytes), ...bafangStreams.map((s) => s.bytes)],
    interesting: [0x11, 0x16, 0x08, 0x0a, 0x20, 0x31, 0x0b, 0x1a, 0x1f, 0x30, 0xf0, 0xf1],
    good: bafangHex('11 0A 10 10'),
    createSplitter: () => new BafangFrameSplitter(),
    decoder: bafangDecoder,
    decodeRaw: decodeBafangFrame,
    prngSeeds: { splitter: 0xbaf, decoder: 0xdec },
  },
];

/** A longer FUZZ_ITERATIONS run needs more than the default 20 s. */
const TIMEOUT_MS = Math.max(20_000, fuzzIterations() / 20);

describe.each(PROTOCOLS)('$name fuzzing (FUZZ_ITERATIONS for a longer run)', (protocol) => {
  it(
    'splitter: never throws, loses no byte, every frame decodes, and it resynchronises',
    () => {
      const iterations = fuzzIterations();
      const report = fuzzSplitter(
        {
          iterations,
          seeds: protocol.seeds,
          interesting: protocol.interesting,
          good: protocol.good,
          createSplitter: protocol.createSplitter,
          decode: (frame) => protocol.decoder.decode(frame),
        },
        prng(protocol.prngSeeds.splitter),
      );
      expect(report.failure).toBeUndefined();
      expect(report.runs).toBe(iterations);
      // The mutations must actually hit the discard paths, or the run proves little.
      expect(report.discardedBytes).toBeGreaterThan(iterations);
    },
    TIMEOUT_MS,
  );

  it(
    'decoder: mutated single frames never throw through the protocol decoder, and the codec throws only coded errors',
    () => {
      const random = prng(protocol.prngSeeds.decoder);
      const codes = new Set<string>();
      let ok = 0;
      for (let run = 0; run < fuzzIterations(); run++) {
        const input = mutate(random, protocol.seeds, protocol.interesting);
        if (protocol.decoder.decode(input).ok) ok++;
        try {
          protocol.decodeRaw(input);
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
