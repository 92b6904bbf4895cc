import { describe, expect, it } from 'vitest';
import { decodeRequest, decodeResponse } from '../src/daly/codec.js';
import { dalyDecoder } from '../src/daly/decoder.js';
import { DalyFrameSplitter } from '../src/daly/frame.js';
import { BridgeError } from '../src/errors.js';
import { prng } from './support/prng.js';
import { fromHex, requestVectors, responseVectors, SOLARREADER_SESSION, streamVectors } from './vectors/daly.js';

/**
 * Mutated real vectors through the splitter and both decoders. FUZZ_ITERATIONS makes the run
 * longer; the default keeps it to a couple of seconds.
 */
const ITERATIONS = Math.max(100_000, Number(process.env.FUZZ_ITERATIONS ?? 0) || 0);
/** The frame appended after the garbage; it holds no other 0xA5, so once its copy is eaten the next one is found. */
const GOOD = fromHex(SOLARREADER_SESSION.range);
const SEEDS = [...responseVectors, ...requestVectors, ...streamVectors].map((v) => v.bytes);

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const randomBytes = (random: Random, n: number) =>
  Array.from({ length: n }, () =>
    random() < 0.15 ? pick(random, [0xa5, 0x08, 0x01, 0x40, 0x80]) : Math.floor(random() * 256),
  );

/** One mutation of real bytes: bit flips, insertions, deletions, truncation, concatenation with garbage. */
function mutate(random: Random, source: Uint8Array): number[] {
  const bytes = [...source];
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const at = Math.floor(random() * (bytes.length + 1));
    switch (Math.floor(random() * 6)) {
      case 0:
        if (bytes.length > 0)
          bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ (1 << Math.floor(random() * 8));
        break;
      case 1:
        bytes.splice(at, 0, ...randomBytes(random, 1 + Math.floor(random() * 4)));
        break;
      case 2:
        bytes.splice(at, 1 + Math.floor(random() * 4));
        break;
      case 3:
        bytes.length = Math.min(bytes.length, at);
        break;
      case 4:
        bytes.push(...randomBytes(random, Math.floor(random() * 20)));
        break;
      default:
        bytes.unshift(...pick(random, SEEDS).subarray(0, Math.floor(random() * 13)));
    }
  }
  return bytes;
}

function chunked(random: Random, bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * 20);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe(`Daly fuzz (${ITERATIONS} mutated inputs)`, () => {
  it('never throws, accounts for every byte, resynchronises, and decodes without escaping errors', () => {
    const random = prng(0xda1f);
    let firstCopyLost = 0;
    let frames = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const garbage = mutate(random, pick(random, SEEDS));
      const input = Uint8Array.from([...garbage, ...GOOD, ...GOOD]);
      const splitter = new DalyFrameSplitter();
      let frameBytes = 0;
      let discardBytes = 0;
      const found: Uint8Array[] = [];
      for (const chunk of chunked(random, input)) {
        for (const result of splitter.push(chunk)) {
          if (result.type === 'discarded') {
            discardBytes += result.bytes.length;
            continue;
          }
          frameBytes += result.frame.length;
          found.push(result.frame);
          const outcome = dalyDecoder.decode(result.frame);
          if (typeof outcome.ok !== 'boolean') throw new Error('decode outcome without ok');
        }
      }
      frames += found.length;
      if (frameBytes + discardBytes + splitter.pendingBytes !== input.length) {
        throw new Error(`byte accounting broken on input ${Buffer.from(input).toString('hex')}`);
      }
      expect(splitter.stats.discardedBytes).toBe(discardBytes);
      if (!equal(found.at(-1), GOOD) || splitter.pendingBytes !== 0) {
        throw new Error(`lost step after ${Buffer.from(garbage).toString('hex')}`);
      }
      if (!equal(found.at(-2), GOOD)) firstCopyLost++;
      // The mutated bytes straight into the decoders: only coded BridgeErrors may come out.
      const raw = Uint8Array.from(garbage);
      expect(typeof dalyDecoder.decode(raw).ok).toBe('boolean');
      for (const decode of [decodeResponse, decodeRequest]) {
        try {
          decode(raw);
        } catch (err) {
          if (!(err instanceof BridgeError)) throw err;
        }
      }
    }
    expect(frames).toBeGreaterThan(2 * ITERATIONS);
    // An 8-bit sum lets noise pass now and then, taking the head of the next frame with it; rarely.
    expect(firstCopyLost / ITERATIONS).toBeLessThan(0.01);
  });
});

function equal(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}
