import { describe, expect, it } from 'vitest';
import { responseVectors } from '../../test/vectors/jbd.js';
import { BridgeErrorCode } from '../errors.js';
import { formatCaptureChunk, formatCaptureHeader, parseCapture } from './capture-file.js';
import { type DecodedLine, decodeStream } from './decode-stream.js';
import { decoderFor } from './decoders.js';
import { parseHex, toHex } from './hex.js';

const jbd = () => {
  const decoder = decoderFor('jbd');
  if (!decoder) throw new Error('jbd decoder missing');
  return decoder;
};

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

describe('hex input', () => {
  it('reads hex the way people paste it', () => {
    expect(toHex(parseHex('DD A5 03\n00 ff:fd, 0x77'))).toBe('dda50300fffd77');
    expect(parseHex('  ')).toHaveLength(0);
  });

  it.each(['dd a5 0', 'dd zz'])('refuses %j with BRG_HEX_INVALID', (text) => {
    expect(() => parseHex(text)).toThrow(expect.objectContaining({ code: BridgeErrorCode.HEX_INVALID }));
  });
});

describe('capture files', () => {
  it('round-trips a header and timed chunks', () => {
    const text =
      formatCaptureHeader({
        port: '/dev/ttyUSB0',
        baudRate: 9600,
        protocol: 'jbd',
        startedAt: '2026-11-22T10:00:00.000Z',
      }) +
      formatCaptureChunk({ t: 0, bytes: parseHex('dd03') }) +
      formatCaptureChunk({ t: 15.4, bytes: parseHex('0077') });
    const { header, chunks } = parseCapture(text);
    expect(header).toMatchObject({ port: '/dev/ttyUSB0', baudRate: 9600, protocol: 'jbd' });
    expect(chunks.map((c) => [c.t, toHex(c.bytes)])).toEqual([
      [0, 'dd03'],
      [15, '0077'],
    ]);
  });

  it.each([
    ['a foreign header', '{"format":"pcap"}\n', 'line 1'],
    [
      'a broken chunk line',
      `${formatCaptureHeader({ port: 'p', baudRate: 1, startedAt: 's' })}{"t":1,"rx":"zz"}\n`,
      'line 2',
    ],
    [
      'time going backwards',
      `${formatCaptureHeader({ port: 'p', baudRate: 1, startedAt: 's' })}{"t":5,"rx":"00"}\n{"t":2,"rx":"00"}\n`,
      'line 3',
    ],
  ])('refuses %s with BRG_CAPTURE_FORMAT and the line number', (_label, text, where) => {
    expect(() => parseCapture(text)).toThrow(
      expect.objectContaining({ code: BridgeErrorCode.CAPTURE_FORMAT, message: expect.stringContaining(where) }),
    );
  });
});

describe('decodeStream', () => {
  it('decodes golden frames between garbage and accounts for every byte', () => {
    const [first, second] = responseVectors;
    if (!first || !second) throw new Error('need two vectors');
    const garbage = parseHex('00 13 37 dd');
    const input = concat(garbage, first.bytes, second.bytes, parseHex('dd 03 00'));
    // Fed in awkward 5-byte chunks, as a serial port delivers them.
    const chunks = Array.from({ length: Math.ceil(input.length / 5) }, (_, i) => ({
      t: i,
      bytes: input.slice(i * 5, i * 5 + 5),
    }));
    const lines: DecodedLine[] = [...decodeStream(jbd(), chunks)];
    const messages = lines.filter((l) => l.type === 'message');
    expect(messages).toHaveLength(2);
    const discarded = lines.map((l) => (l.type === 'discarded' ? l.hex : '')).join('');
    expect(discarded).toBe('001337dd');
    expect(lines.at(-1)).toEqual({ type: 'pending', protocol: 'jbd', length: 3 });
    const accounted = lines.reduce((n, l) => n + ('length' in l ? l.length : 0), 0);
    expect(accounted).toBe(input.length);
    expect(JSON.parse(JSON.stringify(messages[0]))).toEqual(messages[0]);
  });

  it('knows no protocol it has no decoder for', () => {
    expect(decoderFor('toString')).toBeUndefined();
    expect(decoderFor('modbus')).toBeUndefined();
  });
});
