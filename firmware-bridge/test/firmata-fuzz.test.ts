import { describe, expect, it } from 'vitest';
import { decodeFirmataMessage, encodeFirmataMessage } from '../src/firmata/codec.js';
import { decodeFirmataFrame } from '../src/firmata/decoder.js';
import { type FirmataDirection, FirmataFrameSplitter } from '../src/firmata/frame.js';
import { prng } from './support/prng.js';
import { hex, messageVectors, streamVectors } from './vectors/firmata.js';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 100_000);

const SEEDS: { direction: FirmataDirection; bytes: Uint8Array }[] = [
  ...messageVectors.map(({ direction, bytes }) => ({ direction, bytes })),
  ...streamVectors.map(({ direction, bytes }) => ({ direction, bytes })),
];
const GOOD = hex('E0 41 02');

function mutate(random: () => number, input: Uint8Array): Uint8Array {
  const bytes = [...input];
  const byte = () => {
    // Lean on the bytes that steer the splitter, or plain noise would rarely reach its edges.
    const r = random();
    if (r < 0.08) return 0xf0;
    if (r < 0.16) return 0xf7;
    if (r < 0.22) return 0xe0 | Math.floor(random() * 16);
    return Math.floor(random() * 256);
  };
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (bytes.length + 1));
    switch (Math.floor(random() * 6)) {
      case 0:
        if (at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(random() * 8));
        break;
      case 1:
        bytes.splice(at, 0, ...Array.from({ length: 1 + Math.floor(random() * 8) }, byte));
        break;
      case 2:
        bytes.splice(at, 1 + Math.floor(random() * 8));
        break;
      case 3:
        bytes.length = Math.min(bytes.length, at);
        break;
      case 4:
        bytes.push(...Array.from({ length: Math.floor(random() * 24) }, byte));
        break;
      default:
        bytes.unshift(...Array.from({ length: Math.floor(random() * 24) }, byte));
    }
  }
  return Uint8Array.from(bytes);
}

/** A random window of a long capture, so every input stays small and the run stays fast. */
function window(random: () => number, bytes: Uint8Array): Uint8Array {
  if (bytes.length <= 64) return bytes;
  const start = Math.floor(random() * (bytes.length - 64));
  return bytes.subarray(start, start + 8 + Math.floor(random() * 56));
}

describe(`Firmata splitter and decoder under ${ITERATIONS} mutated inputs`, () => {
  it('never throws, accounts for every byte, and finds a good frame appended after the damage', () => {
    const random = prng(0xf1a7a);
    let frames = 0;
    let discards = 0;
    for (let round = 0; round < ITERATIONS; round++) {
      const seed = SEEDS[Math.floor(random() * SEEDS.length)];
      if (seed === undefined) throw new Error('no seed vector');
      const damaged = mutate(random, window(random, seed.bytes));
      const stream = Uint8Array.from([...damaged, ...GOOD]);
      const splitter = new FirmataFrameSplitter({ direction: seed.direction, maxSysexLength: 64 });
      const found: Uint8Array[] = [];
      let frameBytes = 0;
      let discardedBytes = 0;
      for (let at = 0; at < stream.length; ) {
        const size = 1 + Math.floor(random() * 24);
        for (const result of splitter.push(stream.subarray(at, at + size))) {
          if (result.type === 'frame') {
            found.push(result.frame);
            frameBytes += result.frame.length;
            const decoded = decodeFirmataMessage(result.frame);
            // Whatever decodes must encode back without throwing (canonical or not).
            if (decoded.ok) encodeFirmataMessage(decoded.message);
          } else {
            discardedBytes += result.bytes.length;
          }
        }
        at += size;
      }
      decodeFirmataFrame(damaged);
      frames += found.length;
      discards += splitter.stats.discardEvents;
      if (frameBytes + discardedBytes + splitter.pendingBytes !== stream.length) {
        throw new Error(`byte accounting off in round ${round}: ${Array.from(stream).join(',')}`);
      }
      expect(splitter.stats.discardedBytes).toBe(discardedBytes);
      expect(splitter.pendingBytes).toBe(0);
      expect(found.at(-1)).toEqual(GOOD);
    }
    // The mutations really reach both paths.
    expect(frames).toBeGreaterThan(ITERATIONS);
    expect(discards).toBeGreaterThan(ITERATIONS / 2);
  });
});
