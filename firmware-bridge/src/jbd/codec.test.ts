import { describe, expect, it } from 'vitest';
import { hex, requestVectors, responseVectors } from '../../test/vectors/jbd.js';
import { BridgeErrorCode } from '../errors.js';
import {
  decodeBasicInfo,
  decodeRequest,
  decodeResponse,
  encodeBasicInfo,
  encodeCellVoltages,
  encodeHardwareVersion,
  encodeReadRequest,
  encodeResponse,
  type JbdBasicInfo,
  type JbdResponse,
  jbdChecksum,
} from './codec.js';

/** Re-encodes a decoded response with the public encoders. */
function reencode(response: JbdResponse): Uint8Array {
  switch (response.kind) {
    case 'basicInfo':
      return encodeResponse(response.register, 0, encodeBasicInfo(response.info));
    case 'cellVoltages':
      return encodeResponse(response.register, 0, encodeCellVoltages(response.cellsV));
    case 'hardwareVersion':
      return encodeResponse(response.register, 0, encodeHardwareVersion(response.model));
    case 'deviceError':
      return encodeResponse(response.register, response.status, response.data);
    case 'other':
      return encodeResponse(response.register, 0, response.data);
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const sampleInfo = (): JbdBasicInfo => {
  const first = responseVectors[0]?.expected;
  if (first?.kind !== 'basicInfo') throw new Error('vector 0 must be a basic info frame');
  return structuredClone(first.info);
};

describe('JBD codec golden vectors', () => {
  for (const vector of responseVectors) {
    describe(vector.name, () => {
      it('decodes to the expected values', () => {
        expect(decodeResponse(vector.bytes)).toEqual(vector.expected);
      });

      it('re-encodes to the same bytes', () => {
        expect(reencode(decodeResponse(vector.bytes))).toEqual(vector.bytes);
      });
    });
  }

  for (const vector of requestVectors) {
    describe(vector.name, () => {
      it('decodes and re-encodes', () => {
        expect(decodeRequest(vector.bytes)).toEqual(vector.expected);
        expect(encodeReadRequest(vector.expected.register)).toEqual(vector.bytes);
      });
    });
  }
});

describe('jbdChecksum', () => {
  it('is 0x10000 minus the byte sum, over the requested range', () => {
    expect(jbdChecksum(hex('03 00'))).toBe(0xfffd);
    expect(jbdChecksum(hex('DD A5 05 00 FF FB 77'), 2, 4)).toBe(0xfffb);
    expect(jbdChecksum(new Uint8Array(0))).toBe(0);
  });

  it('wraps when the sum passes 16 bits', () => {
    expect(jbdChecksum(new Uint8Array(300).fill(0xff))).toBe((0x10000 - ((300 * 0xff) & 0xffff)) & 0xffff);
  });
});

describe('decodeResponse', () => {
  it('returns unknown registers as raw data', () => {
    const frame = encodeResponse(0xaa, 0, hex('01 02 03'));
    expect(decodeResponse(frame)).toEqual({ kind: 'other', register: 0xaa, data: hex('01 02 03') });
  });

  it('treats any non-zero status as a device error result', () => {
    expect(decodeResponse(encodeResponse(0x04, 0x81, new Uint8Array(0)))).toMatchObject({
      kind: 'deviceError',
      status: 0x81,
    });
  });

  it('ignores an odd trailing byte in cell voltages', () => {
    const frame = encodeResponse(0x04, 0, hex('0F 23 0F 1C 99'));
    expect(decodeResponse(frame)).toEqual({ kind: 'cellVoltages', register: 0x04, cellsV: [3.875, 3.868] });
  });

  it('rejects a basic info payload shorter than the fixed fields', () => {
    const frame = encodeResponse(0x03, 0, new Uint8Array(22));
    expect(codeOf(() => decodeResponse(frame))).toBe(BridgeErrorCode.PAYLOAD_SHORT);
  });

  it('rejects a basic info payload missing announced temperatures', () => {
    const data = encodeBasicInfo({ ...sampleInfo(), temperaturesC: [20, 21] }).slice(0, 25);
    expect(codeOf(() => decodeBasicInfo(data))).toBe(BridgeErrorCode.PAYLOAD_SHORT);
  });

  it.each([
    ['bad checksum', 'DD 04 00 08 0F 23 0F 1C 0F 12 0F 1D FF 4F 77'],
    ['bad end byte', 'DD 04 00 08 0F 23 0F 1C 0F 12 0F 1D FF 4E 78'],
    ['length byte too large', 'DD 04 00 09 0F 23 0F 1C 0F 12 0F 1D FF 4E 77'],
    ['no start byte', 'DC 04 00 00 00 00 77'],
    ['empty input', ''],
  ])('refuses %s with BRG_FRAME_INVALID', (_, bytes) => {
    expect(codeOf(() => decodeResponse(hex(bytes)))).toBe(BridgeErrorCode.FRAME_INVALID);
  });
});

describe('decodeRequest', () => {
  it('reads the write action', () => {
    expect(decodeRequest(hex('DD 5A 00 02 56 78 FF 30 77'))).toEqual({
      action: 'write',
      register: 0x00,
      data: hex('56 78'),
    });
  });

  it('refuses a response frame', () => {
    expect(codeOf(() => decodeRequest(hex('DD 03 80 00 FF 80 77')))).toBe(BridgeErrorCode.FRAME_INVALID);
  });
});

describe('encoders refuse what the wire cannot carry', () => {
  it.each<[string, Partial<JbdBasicInfo>]>([
    ['negative voltage', { voltageV: -0.01 }],
    ['voltage above 655.35 V', { voltageV: 655.36 }],
    ['current above 327.67 A', { currentA: 327.68 }],
    ['current below −327.68 A', { currentA: -327.69 }],
    ['NaN capacity', { remainingAh: Number.NaN }],
    ['cycles above 65535', { cycles: 65536 }],
    ['year before 2000', { productionDate: { year: 1999, month: 1, day: 1 } }],
    ['year after 2127', { productionDate: { year: 2128, month: 1, day: 1 } }],
    ['month 16', { productionDate: { year: 2024, month: 16, day: 1 } }],
    ['day 32', { productionDate: { year: 2024, month: 1, day: 32 } }],
    ['33 balance flags', { balancing: Array.from({ length: 33 }, () => false) }],
    ['other protection bits overlapping named ones', { protectionOtherBits: 0x0001 }],
    ['unknown protection flag', { protection: ['bogus' as never] }],
    ['fet bits overlapping charge/discharge', { fetOtherBits: 0x02 }],
    ['SOC of 256', { socPct: 256 }],
    ['fractional software version', { softwareVersion: 1.5 }],
    ['cell count 300', { cellCount: 300 }],
    ['temperature below absolute zero', { temperaturesC: [-274] }],
    ['256 temperature probes', { temperaturesC: Array.from({ length: 256 }, () => 20) }],
  ])('basic info: %s', (_, change) => {
    expect(codeOf(() => encodeBasicInfo({ ...sampleInfo(), ...change }))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('cell voltages above 65.535 V or negative', () => {
    expect(codeOf(() => encodeCellVoltages([3.7, 65.536]))).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(codeOf(() => encodeCellVoltages([-1]))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('model strings with characters above 0xFF', () => {
    expect(codeOf(() => encodeHardwareVersion('pack—1'))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('frames with more than 255 data bytes, or non-byte header values', () => {
    expect(codeOf(() => encodeResponse(0x03, 0, new Uint8Array(256)))).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(codeOf(() => encodeResponse(0x100, 0, new Uint8Array(0)))).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(codeOf(() => encodeResponse(0x03, -1, new Uint8Array(0)))).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(codeOf(() => encodeReadRequest(3.5))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('accepts the extremes of each range', () => {
    const info = {
      ...sampleInfo(),
      voltageV: 655.35,
      currentA: -327.68,
      productionDate: { year: 2127, month: 15, day: 31 },
      balancing: Array.from({ length: 32 }, () => true),
      cellCount: 32,
    };
    const decoded = decodeBasicInfo(encodeBasicInfo(info));
    expect(decoded).toEqual(info);
  });
});
