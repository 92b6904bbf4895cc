import { describe, expect, it } from 'vitest';
import { parseGpsdLine, tpvToRaw } from '../src/gpsd/protocol.js';
import { PositionGate } from '../src/nmea/quality.js';
import { prng } from './support/prng.js';
import {
  bu353s4Reports,
  DEVICES_LINE,
  DOC_ERROR,
  DOC_SKY,
  DOC_TPV,
  junkLines,
  NO_FIX_TPV,
  VERSION_LINE,
  WATCH_LINE,
} from './vectors/gpsd.js';

/** FUZZ_ITERATIONS=1000000 for a longer run; the default keeps the suite fast. */
const ITERATIONS = Math.max(100_000, Number(process.env.FUZZ_ITERATIONS ?? 0) || 0);
const TIMEOUT_MS = Math.max(20_000, ITERATIONS / 20);

const corpus = [
  ...bu353s4Reports,
  VERSION_LINE,
  DEVICES_LINE,
  WATCH_LINE,
  DOC_TPV,
  DOC_SKY,
  DOC_ERROR,
  NO_FIX_TPV,
  ...junkLines.map((j) => j.line),
];

/** Character flips, insertions of JSON punctuation and digits, deletions, truncation, concatenation. */
function mutate(random: () => number, line: string): string {
  const special = '{}[]":,.-0123456789eE+truefalsnul\\ \u0000\u00e9';
  let text = line;
  const rounds = 1 + Math.floor(random() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(random() * (text.length + 1));
    const kind = Math.floor(random() * 5);
    const char = () =>
      random() < 0.7
        ? special[Math.floor(random() * special.length)]
        : String.fromCharCode(Math.floor(random() * 0x3000));
    if (kind === 0)
      text =
        text.slice(0, at) +
        String.fromCharCode((text.charCodeAt(at) || 32) ^ (1 << Math.floor(random() * 7))) +
        text.slice(at + 1);
    else if (kind === 1) text = text.slice(0, at) + char() + text.slice(at);
    else if (kind === 2) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 6));
    else if (kind === 3) text = text.slice(0, at);
    else text += corpus[Math.floor(random() * corpus.length)] ?? '';
  }
  return text;
}

describe(`gpsd protocol fuzzing (${ITERATIONS} inputs)`, () => {
  it(
    'parseGpsdLine never throws, and whatever it accepts turns into a sample without throwing',
    () => {
      const random = prng(0xb47);
      const gate = new PositionGate('gpsd');
      const failures: string[] = [];
      let accepted = 0;
      let rejected = 0;
      for (let i = 0; i < ITERATIONS && failures.length < 5; i++) {
        const line = mutate(random, corpus[Math.floor(random() * corpus.length)] ?? '');
        try {
          const result = parseGpsdLine(line);
          if (!result.ok) {
            rejected++;
            if (result.reason.length === 0) failures.push(`no reason for ${JSON.stringify(line)}`);
            continue;
          }
          accepted++;
          if (result.message.class === 'TPV') gate.apply(tpvToRaw(result.message, undefined, i));
        } catch (err) {
          failures.push(`${String(err)} on ${JSON.stringify(line)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(accepted).toBeGreaterThan(ITERATIONS / 20);
      expect(rejected).toBeGreaterThan(ITERATIONS / 2);
    },
    TIMEOUT_MS,
  );
});
