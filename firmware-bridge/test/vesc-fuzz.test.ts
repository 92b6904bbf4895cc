import { describe, expect, it } from 'vitest';
import { isBridgeError } from '../src/errors.js';
import { decodeReply, decodeReplyPayload, decodeRequest, encodeReply } from '../src/vesc/codec.js';
import { vescDecoder } from '../src/vesc/decoder.js';
import { encodeVescFrame, unwrapVescFrame, VescFrameSplitter } from '../src/vesc/frame.js';
import { prng } from './support/prng.js';
import { chunk, fuzzIterations, mutate } from './support/vesc-mutate.js';
import { framingVectors, hex, mixedStream, negativeVectors, replyVectors, requestVectors } from './vectors/vesc.js';

const ITERATIONS = fuzzIterations(100_000);
/** Room for a long FUZZ_ITERATIONS run (vitest's default would cut it at 20 s). */
const TIMEOUT_MS = Math.max(20_000, ITERATIONS / 10);
const GOOD = hex('02 01 04 40 84 03');
const SEEDS = [...replyVectors, ...requestVectors, ...framingVectors, ...negativeVectors].map((v) => v.bytes);
SEEDS.push(mixedStream.bytes);
const PAYLOADS = [...replyVectors, ...requestVectors].map((v) => unwrapVescFrame(v.bytes));

/** Runs `fn`, letting only coded BridgeErrors through as a result; anything else fails the test. */
function outcome(fn: () => unknown): 'ok' | 'refused' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (isBridgeError(err)) return 'refused';
    throw err;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

describe(`VESC fuzz (${ITERATIONS} inputs per codec; FUZZ_ITERATIONS for more)`, () => {
  it(
    'splitter and decoders: no throw, every byte accounted for in order, resync on a frame after the noise',
    () => {
      const random = prng(0x5e5c);
      const tally = { frames: 0, refused: 0, swallowed: 0 };
      // Plain checks inside the loop (expect() per input would dominate the run); the first failure is kept to show.
      const failures: string[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const noise = mutate(random, SEEDS);
        const stream = new Uint8Array(noise.length + GOOD.length);
        stream.set(noise);
        stream.set(GOOD, noise.length);
        const splitter = new VescFrameSplitter();
        const results = chunk(random, stream).flatMap((c) => splitter.push(c));

        // Byte-exact accounting: the results, in order, are the stream minus what is still pending.
        let at = 0;
        let inOrder = true;
        let goodFound = false;
        let goodOverlapped = false;
        let frameBytes = 0;
        for (const result of results) {
          const bytes = result.type === 'frame' ? result.frame : result.bytes;
          for (let k = 0; k < bytes.length; k++) if (bytes[k] !== stream[at + k]) inOrder = false;
          if (result.type === 'frame') {
            tally.frames++;
            frameBytes += bytes.length;
            if (at === noise.length) goodFound = true;
            else if (at < noise.length && at + bytes.length > noise.length) goodOverlapped = true;
            // Every frame the splitter passes must decode or be refused with a code, never throw otherwise.
            if (!vescDecoder.decode(result.frame).ok) tally.refused++;
            outcome(() => decodeReply(result.frame, { expectedMask: Math.floor(random() * 2 ** 32) }));
            outcome(() => decodeRequest(result.frame));
          }
          at += bytes.length;
        }
        const stats = splitter.stats;
        const accounted =
          inOrder &&
          at + splitter.pendingBytes === stream.length &&
          frameBytes + stats.discardedBytes + splitter.pendingBytes === stream.length &&
          stats.frames + stats.discardEvents === results.length;
        // The good frame after the noise comes out whole, unless a CRC collision made a frame of noise reaching into it.
        if (goodOverlapped) tally.swallowed++;
        if (!accounted || !(goodFound || goodOverlapped))
          failures.push(Array.from(noise, (b) => b.toString(16)).join(' '));
      }
      expect(failures.slice(0, 1)).toEqual([]);
      expect(tally.swallowed).toBeLessThanOrEqual(Math.ceil(ITERATIONS / 10_000));
      expect(tally.frames).toBeGreaterThan(ITERATIONS);
      expect(tally.refused).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );

  it(
    'payload decoders: mutated payloads decode or are refused with a code; what decodes re-encodes exactly',
    () => {
      const random = prng(0xc0dec);
      const seen = { ok: 0, refused: 0 };
      const failures: string[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const payload = mutate(random, PAYLOADS);
        if (payload.length === 0) continue;
        const frame = encodeVescFrame(payload);
        let reply: ReturnType<typeof decodeReply> | undefined;
        const result = outcome(() => {
          reply = decodeReplyPayload(payload);
        });
        seen[result]++;
        outcome(() => decodeRequest(frame));
        // A payload that decodes as a reply is never refused by the protocol decoder (it may call it a request).
        if (result === 'ok' && !vescDecoder.decode(frame).ok) failures.push(`decoder refused ${frame.join(' ')}`);
        // FW_VERSION normalises some bytes (a flag of 2 reads true, a name without NUL gains one); the rest is exact.
        if (reply !== undefined && reply.kind !== 'fwVersion' && !sameBytes(encodeReply(reply), frame)) {
          failures.push(`re-encode differs for ${frame.join(' ')}`);
        }
      }
      expect(failures.slice(0, 1)).toEqual([]);
      expect(seen.ok).toBeGreaterThan(ITERATIONS / 2);
      expect(seen.refused).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
