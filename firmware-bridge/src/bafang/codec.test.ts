import { describe, expect, it } from 'vitest';
import { bafangVectors, hex } from '../../test/vectors/bafang.js';
import { BridgeErrorCode } from '../errors.js';
import { type BafangMessage, decodeBafangFrame, encodeBafangFrame, encodeSpeedLimit } from './codec.js';
import { bafangDecoder } from './decoder.js';
import { bafangFault } from './tables.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('Bafang golden vectors', () => {
  for (const vector of bafangVectors) {
    describe(vector.name, () => {
      it('decodes to the expected values', () => {
        expect(decodeBafangFrame(vector.bytes)).toEqual(vector.expected);
      });

      it('re-encodes to the same bytes', () => {
        expect(encodeBafangFrame(decodeBafangFrame(vector.bytes))).toEqual(vector.bytes);
      });

      it('decodes through bafangDecoder as a JSON-able message', () => {
        const outcome = bafangDecoder.decode(vector.bytes);
        expect(outcome).toEqual({ ok: true, message: vector.expected });
        expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
      });
    });
  }

  it('checks the captured assist commands as the sum of the bytes before', () => {
    const captured = bafangVectors.filter((v) => v.captured);
    expect(captured.length).toBeGreaterThanOrEqual(6);
    for (const { bytes } of captured)
      expect(bytes[3]).toBe(((bytes[0] ?? 0) + (bytes[1] ?? 0) + (bytes[2] ?? 0)) & 0xff);
  });
});

describe('decodeBafangFrame refuses what is not one good frame', () => {
  it.each([
    ['a wheel-speed reply with a wrong checksum', '11 20 00 A1 C2'],
    ['a current reply whose two bytes differ', '11 0A 10 11'],
    ['a moving reply other than 30/31', '11 31 32 32'],
    ['an exchange one byte too long', '11 08 01 01'],
    ['a 3-byte request cut after two', '11 22'],
    ['an unknown read opcode', '11 99'],
    ['an unknown write opcode', '16 99 00 AF'],
    ['an assist command with a bad sum', '16 0B 01 23'],
    ['a lights command other than F0/F1', '16 1A F2'],
    ['a frame that starts with neither 11 nor 16', '12 08 01'],
    ['an empty input', ''],
  ])('%s', (_, bytes) => {
    expect(codeOf(() => decodeBafangFrame(hex(bytes)))).toBe(BridgeErrorCode.FRAME_INVALID);
    expect(bafangDecoder.decode(hex(bytes))).toMatchObject({ ok: false, reason: BridgeErrorCode.FRAME_INVALID });
  });

  it('keeps a speed-limit command whose sum is off, and says so', () => {
    expect(decodeBafangFrame(hex('16 1F 00 CA 00'))).toEqual({
      direction: 'write',
      kind: 'speedLimit',
      value: 202,
      checksum: 0,
      checksumValid: false,
    });
  });
});

describe('Bafang encoders', () => {
  it.each<[string, BafangMessage]>([
    [
      'a current that is not a whole number of half amperes',
      { direction: 'exchange', kind: 'current', currentA: 8.25 },
    ],
    ['a current above 127.5 A', { direction: 'exchange', kind: 'current', currentA: 128 }],
    ['a battery of 256 %', { direction: 'exchange', kind: 'battery', socPct: 256 }],
    ['a wheel rpm above 65535', { direction: 'exchange', kind: 'wheelSpeed', wheelRpm: 65_536 }],
    ['opcode 25 with three data bytes', { direction: 'exchange', kind: 'unknown25', requestArg: 0, data: [0, 0, 0] }],
    [
      'an unanswered request for an unknown opcode',
      { direction: 'request', kind: 'unanswered', opcode: 0x99, requestArg: null },
    ],
    [
      'an assist code of 256',
      { direction: 'write', kind: 'assistLevel', code: 256, level: null, level5: null, walk: false },
    ],
  ])('refuse %s with BRG_ENCODE_RANGE', (_, message) => {
    expect(codeOf(() => encodeBafangFrame(message))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('write the 16 1F sum bbs-fw expects, and keep a 3-byte request whole when unanswered', () => {
    expect(encodeSpeedLimit(202)).toEqual(hex('16 1F 00 CA FF'));
    expect(codeOf(() => encodeSpeedLimit(-1))).toBe(BridgeErrorCode.ENCODE_RANGE);
    const unanswered: BafangMessage = { direction: 'request', kind: 'unanswered', opcode: 0x22, requestArg: 7 };
    expect(encodeBafangFrame(unanswered)).toEqual(hex('11 22 07'));
    expect(decodeBafangFrame(hex('11 22 07'))).toEqual(unanswered);
  });
});

describe('bafangFault', () => {
  it('treats normal, braking and 00 as no fault, names the bbs-fw errors, and marks unknown codes', () => {
    expect([0x00, 0x01, 0x03].map(bafangFault)).toEqual(Array(3).fill({ faultCode: 0, faultName: 'none' }));
    expect(bafangFault(0x06)).toEqual({ faultCode: 6, faultName: 'low-voltage' });
    expect(bafangFault(0x25)).toEqual({ faultCode: 0x25, faultName: 'torque-sensor' });
    expect(bafangFault(0x02)).toEqual({ faultCode: 2, faultName: 'unknown-0x02' });
  });
});
