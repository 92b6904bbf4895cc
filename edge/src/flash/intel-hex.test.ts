import { describe, expect, it } from 'vitest';
import { formatIntelHex, record, sampleProgram } from '../../test/support/flash-images.js';
import { FlashErrorCode } from './errors.js';
import { parseIntelHex } from './intel-hex.js';

const LIMIT = { maxBytes: 30 * 1024 };
// The first and last records of StandardFirmata.cpp.hex as avr-objcopy wrote it (Arduino 1.0.6, Uno):
// the interrupt vector table's first jumps, then the end record.
const VECTORS = ':100000000C9465000C948D000C948D000C948D0064\n:00000001FF\n';

function codeOf(text: string, maxBytes = LIMIT.maxBytes): string | undefined {
  try {
    parseIntelHex(text, { maxBytes });
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('parseIntelHex', () => {
  it('reads a real record into the bytes it carries', () => {
    const image = parseIntelHex(VECTORS, LIMIT);
    expect(Array.from(image.bytes)).toEqual([
      0x0c, 0x94, 0x65, 0x00, 0x0c, 0x94, 0x8d, 0x00, 0x0c, 0x94, 0x8d, 0x00, 0x0c, 0x94, 0x8d, 0x00,
    ]);
    expect(image.dataBytes).toBe(16);
  });

  it('gives back byte for byte what avr-objcopy-style records carry, CRLF line ends included', () => {
    const program = sampleProgram(12_001);
    const image = parseIntelHex(formatIntelHex(program).replaceAll('\n', '\r\n'), LIMIT);
    expect(image.bytes).toEqual(program);
    expect(image.dataBytes).toBe(12_001);
  });

  it('leaves gaps erased (0xFF) and places data behind an extended linear address record', () => {
    const text = [record(0x04, 0, [0x00, 0x00]), record(0x00, 0x0010, [1, 2]), record(0x01, 0, [])].join('\n');
    const image = parseIntelHex(text, LIMIT);
    expect(image.bytes.length).toBe(0x12);
    expect(image.bytes[0]).toBe(0xff);
    expect(Array.from(image.bytes.subarray(0x10))).toEqual([1, 2]);
    expect(image.dataBytes).toBe(2);
  });

  it('ignores start address records, which mean nothing to a bootloader', () => {
    const text = [
      record(0x00, 0, [7]),
      record(0x03, 0, [0, 0, 0, 0]),
      record(0x05, 0, [0, 0, 0, 0]),
      record(0x01, 0, []),
    ];
    expect(Array.from(parseIntelHex(text.join('\n'), LIMIT).bytes)).toEqual([7]);
  });

  it('refuses a bad checksum, naming the line', () => {
    const broken = VECTORS.replace('0064\n', '0065\n');
    expect(codeOf(broken)).toBe(FlashErrorCode.IMAGE_INVALID);
    expect(() => parseIntelHex(broken, LIMIT)).toThrow(/ligne 1 .*0x65, attendue 0x64/);
  });

  it('refuses a file cut before its end record', () => {
    const program = formatIntelHex(sampleProgram(4096));
    const truncated = program.split('\n').slice(0, 100).join('\n');
    expect(codeOf(truncated)).toBe(FlashErrorCode.IMAGE_INVALID);
    expect(() => parseIntelHex(truncated, LIMIT)).toThrow(/fin/);
  });

  it('refuses an image that reaches past the application space', () => {
    expect(codeOf(formatIntelHex(sampleProgram(30 * 1024)))).toBeUndefined();
    expect(codeOf(formatIntelHex(sampleProgram(30 * 1024 + 1)))).toBe(FlashErrorCode.IMAGE_TOO_LARGE);
    // A single byte high up is enough: it would land in the bootloader.
    const high = [record(0x00, 0x7e00, [0x12]), record(0x01, 0, [])].join('\n');
    expect(codeOf(high)).toBe(FlashErrorCode.IMAGE_TOO_LARGE);
  });

  it.each([
    ['a line without the colon', '100000000C9465000C948D000C948D000C948D0064\n:00000001FF'],
    ['a character that is not hex', ':10000000GC9465000C948D000C948D000C948D0064\n:00000001FF'],
    ['a length that does not match the line', `:11000000${'00'.repeat(16)}EF\n:00000001FF`],
    ['an odd number of digits', ':100000000C9465000C948D000C948D000C948D00640\n:00000001FF'],
    ['an unknown record type', `${record(0x06, 0, [])}\n:00000001FF`],
    ['data after the end record', `:00000001FF\n${record(0x00, 0, [1])}`],
    ['an address written twice', `${record(0x00, 0, [1])}\n${record(0x00, 0, [2])}\n:00000001FF`],
    ['an end record carrying data', `${record(0x00, 0, [1])}\n${record(0x01, 0, [1])}`],
    ['a file with no data at all', ':00000001FF\n'],
    ['an empty file', ''],
  ])('refuses %s', (_name, text) => {
    expect(codeOf(text)).toBe(FlashErrorCode.IMAGE_INVALID);
  });
});
