import { describe, expect, it } from 'vitest';
import { framingVectors, hex, replyVectors, requestVectors } from '../../test/vectors/vesc.js';
import { vescCrc16 } from './crc.js';

/** The textbook bit-by-bit form, to check the table against. */
function bitwise(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe('vescCrc16 (CRC-16/XMODEM)', () => {
  it('gives the catalogue check value for "123456789"', () => {
    expect(vescCrc16(new TextEncoder().encode('123456789'))).toBe(0x31c3);
  });

  it('gives the CRCs of the two reference requests', () => {
    expect(vescCrc16(hex('00'))).toBe(0x0000);
    expect(vescCrc16(hex('04'))).toBe(0x4084);
  });

  it('matches the CRC carried by every golden frame, short and long', () => {
    const frames = [...replyVectors, ...requestVectors, ...framingVectors].map((v) => v.bytes);
    for (const frame of frames) {
      const header = frame[0] === 0x02 ? 2 : 3;
      const carried = ((frame.at(-3) ?? 0) << 8) | (frame.at(-2) ?? 0);
      expect(vescCrc16(frame, header, frame.length - 3)).toBe(carried);
    }
  });

  it('agrees with the bit-by-bit form on every single byte and on longer runs', () => {
    for (let b = 0; b < 256; b++) expect(vescCrc16(Uint8Array.of(b))).toBe(bitwise(Uint8Array.of(b)));
    const run = Uint8Array.from({ length: 600 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(vescCrc16(run)).toBe(bitwise(run));
    expect(vescCrc16(run, 100, 200)).toBe(bitwise(run.subarray(100, 200)));
    expect(vescCrc16(new Uint8Array(0))).toBe(0);
  });
});
