import { describe, expect, it } from 'vitest';
import { BridgeError } from '../src/errors.js';
import { decodeSentence } from '../src/nmea/codec.js';
import { nmeaDecoder } from '../src/nmea/decoder.js';
import { NmeaSplitter } from '../src/nmea/splitter.js';
import { fuzzDecoder } from './support/fuzz.js';
import { prng } from './support/prng.js';
import { enc, negativeVectors, sentenceVectors, streamVectors } from './vectors/nmea.js';

/** FUZZ_ITERATIONS=1000000 for a longer run; the default keeps the suite fast. */
const ITERATIONS = Math.max(100_000, Number(process.env.FUZZ_ITERATIONS ?? 0) || 0);
/** A long run needs a longer test timeout: 50 µs per input is generous. */
const TIMEOUT_MS = Math.max(20_000, ITERATIONS / 20);

const corpus: Uint8Array[] = [
  ...sentenceVectors.map((v) => enc(v.line)),
  ...streamVectors.flatMap((v) => (v.text.match(/[^\n]*\n/g) ?? []).map(enc)),
  ...negativeVectors.map((v) => v.bytes),
];
const GOOD = enc('$GNRMC,171926.00,A,4404.14063,N,12118.85478,W,0.117,,180315,,,A*76\r\n');

/** Bit flips, insertions (biased to the bytes NMEA cares about), deletions, truncation, garbage. */
function mutate(random: () => number, input: Uint8Array): Uint8Array {
  const bytes = [...input];
  const special = [0x24, 0x2a, 0x2c, 0x2e, 0x0d, 0x0a, 0x2d, 0x30, 0x39, 0x41, 0x4e];
  const anyByte = () =>
    random() < 0.5 ? (special[Math.floor(random() * special.length)] ?? 0) : Math.floor(random() * 256);
  const rounds = 1 + Math.floor(random() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(random() * (bytes.length + 1));
    const kind = Math.floor(random() * 6);
    if (kind === 0 && bytes.length > 0)
      bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ (1 << Math.floor(random() * 8));
    else if (kind === 1) bytes.splice(at, 0, anyByte());
    else if (kind === 2) bytes.splice(at, 1 + Math.floor(random() * 4));
    else if (kind === 3) bytes.length = at;
    else if (kind === 4) bytes.splice(at, 0, ...Array.from({ length: Math.floor(random() * 24) }, anyByte));
    else bytes.push(...(corpus[Math.floor(random() * corpus.length)] ?? []));
  }
  return Uint8Array.from(bytes);
}

/** Makes the checksum right again, so the mutation reaches the field parsers instead of the checksum check. */
function resum(bytes: Uint8Array): Uint8Array {
  const star = bytes.lastIndexOf(0x2a);
  if (bytes[0] !== 0x24 || star < 1 || star + 2 >= bytes.length) return bytes;
  let xor = 0;
  for (let i = 1; i < star; i++) xor ^= bytes[i] ?? 0;
  const out = bytes.slice();
  const hex = xor.toString(16).toUpperCase().padStart(2, '0');
  out[star + 1] = hex.charCodeAt(0);
  out[star + 2] = hex.charCodeAt(1);
  return out;
}

const pick = (random: () => number) => corpus[Math.floor(random() * corpus.length)] ?? GOOD;

describe(`NMEA fuzzing (${ITERATIONS} inputs per codec)`, () => {
  it(
    'passes the shared codec fuzz harness: nothing thrown, every byte accounted for, resync',
    () => {
      const seeds = streamVectors.flatMap((v) => (v.text.match(/[^\n]*\n/g) ?? []).map(enc));
      const report = fuzzDecoder(nmeaDecoder, seeds, ITERATIONS, 0x183);
      expect(report).toMatchObject({ resyncFailures: 0, accountingFailures: 0 });
      expect(report.firstFailure).toBeUndefined();
      expect(report.frames).toBeGreaterThan(ITERATIONS);
      expect(report.discards).toBeGreaterThan(ITERATIONS / 2);
    },
    TIMEOUT_MS,
  );

  it(
    'the splitter never throws, accounts for every byte and finds a good sentence after any damage',
    () => {
      const random = prng(0x0183);
      const failures: string[] = [];
      let frames = 0;
      let discards = 0;
      for (let i = 0; i < ITERATIONS && failures.length < 5; i++) {
        const damaged = mutate(random, pick(random));
        const input = Uint8Array.from([...damaged, ...GOOD]);
        const splitter = new NmeaSplitter({ maxLength: random() < 0.2 ? 128 : 82 });
        let last: Uint8Array | undefined;
        let bytesOut = 0;
        for (let at = 0; at < input.length; ) {
          const size = 1 + Math.floor(random() * 64);
          for (const result of splitter.push(input.subarray(at, at + size))) {
            if (result.type === 'frame') {
              last = result.frame;
              bytesOut += result.frame.length;
              frames++;
            } else {
              bytesOut += result.bytes.length;
              discards++;
            }
          }
          at += size;
        }
        const stats = splitter.stats;
        if (bytesOut + splitter.pendingBytes !== input.length) failures.push(`lost bytes: ${[...input]}`);
        if (stats.discardEvents + stats.frames === 0) failures.push(`no results: ${[...input]}`);
        if (last === undefined || last.join() !== GOOD.join()) failures.push(`no resync: ${[...input]}`);
      }
      expect(failures).toEqual([]);
      // The mutations must really hit both paths, or the test proves nothing.
      expect(frames).toBeGreaterThan(ITERATIONS);
      expect(discards).toBeGreaterThan(ITERATIONS / 2);
    },
    TIMEOUT_MS,
  );

  it(
    'the decoder never throws anything but BRG_FRAME_INVALID, and the protocol decoder never throws',
    () => {
      const random = prng(0x2947);
      const failures: string[] = [];
      let decoded = 0;
      let rejected = 0;
      for (let i = 0; i < ITERATIONS && failures.length < 5; i++) {
        const mutated = mutate(random, pick(random));
        const input = random() < 0.6 ? resum(mutated) : mutated;
        let ok = false;
        try {
          decodeSentence(input);
          ok = true;
          decoded++;
        } catch (err) {
          if (!(err instanceof BridgeError) || err.code !== 'BRG_FRAME_INVALID')
            failures.push(`${String(err)}: ${[...input]}`);
          rejected++;
        }
        try {
          if (nmeaDecoder.decode(input).ok !== ok) failures.push(`nmeaDecoder disagrees on ${[...input]}`);
        } catch (err) {
          failures.push(`nmeaDecoder threw ${String(err)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(decoded).toBeGreaterThan(ITERATIONS / 10);
      expect(rejected).toBeGreaterThan(ITERATIONS / 10);
    },
    TIMEOUT_MS,
  );
});
