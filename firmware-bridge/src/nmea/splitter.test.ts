import { describe, expect, it } from 'vitest';
import { dec, enc, negativeVectors, sentenceVectors, streamVectors } from '../../test/vectors/nmea.js';
import { type NmeaSplitResult, NmeaSplitter, type NmeaSplitterOptions } from './splitter.js';

type Piece = { frame: string } | { reason: string; bytes: Uint8Array };

/** Frames as text, and adjacent discards of one reason merged: how a cut falls must not matter. */
function normalize(results: NmeaSplitResult[]): Piece[] {
  const out: Piece[] = [];
  for (const r of results) {
    if (r.type === 'frame') {
      out.push({ frame: dec(r.frame) });
      continue;
    }
    const last = out.at(-1);
    if (last !== undefined && 'reason' in last && last.reason === r.reason) {
      last.bytes = Uint8Array.from([...last.bytes, ...r.bytes]);
    } else out.push({ reason: r.reason, bytes: r.bytes });
  }
  return out;
}

function feed(chunks: Uint8Array[], options: NmeaSplitterOptions = {}) {
  const splitter = new NmeaSplitter(options);
  const results = chunks.flatMap((chunk) => splitter.push(chunk));
  return { results, splitter, pieces: normalize(results) };
}

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function cuts(bytes: Uint8Array): Uint8Array[][] {
  const ways = Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
  ways.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  return ways;
}

/** Bytes in frames + discards + pending, after checking the stats agree with the results. */
function accountedFor(results: NmeaSplitResult[], splitter: NmeaSplitter): number {
  const discards = results.filter((r) => r.type === 'discarded');
  expect(splitter.stats).toEqual({
    frames: results.length - discards.length,
    discardEvents: discards.length,
    discardedBytes: discards.reduce((n, r) => n + r.bytes.length, 0),
  });
  return (
    results.reduce((n, r) => n + (r.type === 'frame' ? r.frame.length : r.bytes.length), 0) + splitter.pendingBytes
  );
}

/** A sentence with its correct checksum. */
function withSum(body: string): string {
  let xor = 0;
  for (const c of body.slice(1)) xor ^= c.charCodeAt(0);
  return `${body}*${xor.toString(16).toUpperCase().padStart(2, '0')}`;
}

describe('NmeaSplitter on golden sentences', () => {
  for (const vector of sentenceVectors) {
    it(`${vector.name}: one frame however the input is cut`, () => {
      const bytes = enc(vector.line);
      for (const chunks of cuts(bytes)) {
        const { results, splitter } = feed(chunks, { maxLength: vector.maxLength });
        expect(results).toEqual([{ type: 'frame', frame: bytes }]);
        expect(splitter.pendingBytes).toBe(0);
        expect(splitter.stats).toEqual({ frames: 1, discardEvents: 0, discardedBytes: 0 });
      }
    });
  }
});

describe('NmeaSplitter on golden sentences past 82 characters', () => {
  for (const vector of sentenceVectors.filter((v) => v.maxLength !== undefined)) {
    it(`${vector.name}: too long for the default limit`, () => {
      expect(feed([enc(vector.line)]).pieces).toEqual([{ reason: 'too-long', bytes: enc(vector.line) }]);
    });
  }
});

describe('NmeaSplitter on real streams', () => {
  for (const vector of streamVectors) {
    it(`${vector.name}: every line is a frame, cut anywhere`, () => {
      const bytes = enc(vector.text);
      const lines = vector.text.match(/[^\n]*\n/g) ?? [];
      for (const chunks of cuts(bytes)) {
        const { pieces, results, splitter } = feed(chunks);
        expect(pieces).toEqual(lines.map((line) => ({ frame: line })));
        expect(accountedFor(results, splitter)).toBe(bytes.length);
      }
    });
  }
});

describe('NmeaSplitter on real damage', () => {
  for (const vector of negativeVectors) {
    it(`${vector.name}: same frames and discards however the input is cut`, () => {
      for (const chunks of cuts(vector.bytes)) {
        const { pieces, results, splitter } = feed(chunks);
        expect(pieces).toEqual(vector.expected);
        expect(accountedFor(results, splitter)).toBe(vector.bytes.length);
        expect(splitter.pendingBytes).toBe(0);
      }
    });
  }

  it('takes an over-long sentence when maxLength allows it', () => {
    const long = negativeVectors.find((v) => v.name.includes('93-character'));
    expect(long).toBeDefined();
    const { pieces } = feed([long?.bytes ?? new Uint8Array(0)], { maxLength: 100 });
    expect(pieces).toEqual([{ frame: dec(long?.bytes ?? new Uint8Array(0)) }]);
  });

  it('takes a sentence without checksum only when allowed', () => {
    const line = '$GPGGA,012530.562,4131.7353,N,09336.8150,W,0,00,50.\n';
    expect(feed([enc(line)]).pieces).toEqual([{ reason: 'missing-checksum', bytes: enc(line) }]);
    expect(feed([enc(line)], { allowMissingChecksum: true }).pieces).toEqual([{ frame: line }]);
    // A bare '$' is never a sentence.
    expect(feed([enc('$\n')], { allowMissingChecksum: true }).pieces).toEqual([
      { reason: 'missing-checksum', bytes: enc('$\n') },
    ]);
  });
});

describe('NmeaSplitter line ends and limits', () => {
  const gga = '$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D';

  it('accepts LF, CR LF and CR CR LF, and keeps the line end in the frame', () => {
    for (const eol of ['\n', '\r\n', '\r\r\n', '\r\r\r\n']) {
      expect(feed([enc(gga + eol)]).pieces).toEqual([{ frame: gga + eol }]);
    }
  });

  it('ends a sentence at CR when the next one starts right after (CR-only receivers)', () => {
    const { pieces, splitter } = feed([enc(`${gga}\r${gga}\r`)]);
    expect(pieces).toEqual([{ frame: `${gga}\r` }]);
    // The last one waits: its LF, or the next '$', may still come.
    expect(splitter.pendingBytes).toBe(gga.length + 1);
  });

  it('rejects a CR inside a sentence and four CRs before the LF', () => {
    expect(feed([enc('$GPGGA,1\r2*00\n')]).pieces).toEqual([{ reason: 'garbage', bytes: enc('$GPGGA,1\r2*00\n') }]);
    expect(feed([enc(`${gga}\r\r\r\r\n`)]).pieces).toEqual([{ reason: 'garbage', bytes: enc(`${gga}\r\r\r\r\n`) }]);
  });

  it('counts the 82 characters of NMEA 0183 with CR LF, whatever line end is sent', () => {
    const body80 = `$GPTXT,${'A'.repeat(70)}`;
    const fits = withSum(body80); // 80 characters, 82 with CR LF
    expect(fits.length).toBe(80);
    expect(feed([enc(`${fits}\n`)]).pieces).toEqual([{ frame: `${fits}\n` }]);
    const over = withSum(`${body80}A`);
    expect(feed([enc(`${over}\r\n`)]).pieces).toEqual([{ reason: 'too-long', bytes: enc(`${over}\r\n`) }]);
  });

  it('gives up on an endless line at once instead of buffering it', () => {
    const splitter = new NmeaSplitter();
    const results = splitter.push(enc(`$GPTXT,${'A'.repeat(5000)}`));
    expect(splitter.pendingBytes).toBe(0);
    expect(normalize(results)).toEqual([{ reason: 'too-long', bytes: enc(`$GPTXT,${'A'.repeat(5000)}`) }]);
    // The rest of that line is thrown away with it, up to its end.
    expect(normalize(splitter.push(enc(`BBB\n${gga}\n`)))).toEqual([
      { reason: 'too-long', bytes: enc('BBB\n') },
      { frame: `${gga}\n` },
    ]);
  });

  it('clamps maxLength to 16–1024', () => {
    const fits16 = `${withSum('$GPTXT,ABCD')}\r\n`;
    expect(fits16.length).toBe(16);
    expect(feed([enc(fits16)], { maxLength: 1 }).pieces).toEqual([{ frame: fits16 }]);
    const over16 = `${withSum('$GPTXT,ABCDE')}\r\n`;
    expect(feed([enc(over16)], { maxLength: 1 }).pieces).toEqual([{ reason: 'too-long', bytes: enc(over16) }]);
    const fits1024 = `${withSum(`$GPTXT,${'A'.repeat(1012)}`)}\r\n`;
    expect(fits1024.length).toBe(1024);
    expect(feed([enc(fits1024)], { maxLength: 10_000 }).pieces).toEqual([{ frame: fits1024 }]);
    const over1024 = `${withSum(`$GPTXT,${'A'.repeat(1013)}`)}\r\n`;
    expect(feed([enc(over1024)], { maxLength: 10_000 }).pieces).toEqual([{ reason: 'too-long', bytes: enc(over1024) }]);
  });

  it('accepts lower-case hex in the checksum and rejects a third digit', () => {
    const lower = '$GNGSA,A,3,67,83,76,82,68,,,,,,,,1.56,0.91,1.27*1d\n';
    expect(feed([enc(lower)]).pieces).toEqual([{ frame: lower }]);
    const three = '$GNGSA,A,3,67,83,76,82,68,,,,,,,,1.56,0.91,1.27*1D0\n';
    expect(feed([enc(three)]).pieces).toEqual([{ reason: 'bad-checksum', bytes: enc(three) }]);
    const notHex = '$GNGSA,A,3,67,83,76,82,68,,,,,,,,1.56,0.91,1.27*1G\n';
    expect(feed([enc(notHex)]).pieces).toEqual([{ reason: 'bad-checksum', bytes: enc(notHex) }]);
  });

  it('reports garbage between sentences and holds back only a started sentence', () => {
    const splitter = new NmeaSplitter();
    expect(normalize(splitter.push(enc('\r\n\x00\xff$GPGG')))).toEqual([
      { reason: 'garbage', bytes: Uint8Array.from([0x0d, 0x0a, 0x00, 0xc3, 0xbf]) },
    ]);
    expect(splitter.pendingBytes).toBe(5);
    expect(splitter.push(new Uint8Array(0))).toEqual([]);
    expect(splitter.stats).toEqual({ frames: 0, discardEvents: 1, discardedBytes: 5 });
  });
});
