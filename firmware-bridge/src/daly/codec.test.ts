import { describe, expect, it } from 'vitest';
import { fromHex, malformedVectors, requestVectors, responseVectors } from '../../test/vectors/daly.js';
import { BridgeErrorCode } from '../errors.js';
import { DALY_ALARM_FLAGS, toProtectionFlags } from './alarms.js';
import {
  dalyChecksum,
  decodeRequest,
  decodeResponse,
  encodeFrame,
  encodeReadRequest,
  encodeRequest,
  encodeResponse,
  kindOf,
} from './codec.js';
import {
  decodeSoc,
  encodeCellFrame,
  encodeCellVoltageRange,
  encodeSoc,
  encodeTemperatureFrame,
  encodeTemperatureRange,
} from './measurements.js';
import { decodeAlarms, encodeAlarms, encodeBalance, encodeMosStatus, encodeStatusInfo } from './status.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('Daly codec golden vectors', () => {
  for (const vector of responseVectors) {
    describe(vector.name, () => {
      it('decodes to the expected values', () => {
        expect(decodeResponse(vector.bytes)).toEqual(vector.expected);
      });

      it('re-encodes to the same bytes', () => {
        expect(encodeResponse(decodeResponse(vector.bytes))).toEqual(vector.bytes);
      });
    });
  }

  for (const vector of requestVectors) {
    it(`${vector.name}: decodes and re-encodes`, () => {
      expect(decodeRequest(vector.bytes)).toEqual(vector.expected);
      expect(encodeRequest(vector.expected)).toEqual(vector.bytes);
    });
  }

  for (const vector of malformedVectors) {
    it(`${vector.name}: refused with BRG_FRAME_INVALID both ways`, () => {
      expect(codeOf(() => decodeResponse(vector.bytes))).toBe(BridgeErrorCode.FRAME_INVALID);
      expect(codeOf(() => decodeRequest(vector.bytes))).toBe(BridgeErrorCode.FRAME_INVALID);
    });
  }
});

describe('Daly read requests', () => {
  it('match REFERENCE.md: A5 40 90 … 7D, and 7E…85 for 91…98', () => {
    const sums = Array.from({ length: 9 }, (_, i) => encodeReadRequest(0x90 + i, 'rs485')[12]);
    expect(sums).toEqual([0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85]);
    expect(encodeReadRequest(0x90, 'rs485')).toEqual(fromHex('A5 40 90 08 00 00 00 00 00 00 00 00 7D'));
  });

  it('use host address 0x80 on UART', () => {
    expect(encodeReadRequest(0x95, 'uart')).toEqual(fromHex('A5 80 95 08 00 00 00 00 00 00 00 00 C2'));
  });

  it('refuse ids and addresses a byte cannot carry', () => {
    expect(codeOf(() => encodeReadRequest(0x100, 'uart'))).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(codeOf(() => encodeRequest({ address: 0x01, id: 0x90, data: Array(8).fill(0) }))).toBe(
      BridgeErrorCode.ENCODE_RANGE,
    );
    expect(codeOf(() => encodeFrame(0x40, 0x90, [1, 2, 3]))).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(codeOf(() => encodeFrame(0x40, 0x90, [0, 0, 0, 0, 0, 0, 0, 256]))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });
});

describe('direction', () => {
  it('refuses a request as a reply and a reply as a request', () => {
    expect(codeOf(() => decodeResponse(encodeReadRequest(0x90, 'uart')))).toBe(BridgeErrorCode.FRAME_INVALID);
    const reply = responseVectors[0]?.bytes ?? new Uint8Array(0);
    expect(codeOf(() => decodeRequest(reply))).toBe(BridgeErrorCode.FRAME_INVALID);
  });

  it('names the ids it knows', () => {
    expect(kindOf(0x95)).toBe('cellVoltages');
    expect(kindOf(0xd9)).toBeUndefined();
  });
});

describe('dalyChecksum', () => {
  it('is the low byte of the sum of the first twelve bytes', () => {
    expect(dalyChecksum(fromHex('A5 40 90 08 00 00 00 00 00 00 00 00 00'))).toBe(0x7d);
    expect(dalyChecksum(new Uint8Array(13).fill(0xff))).toBe((12 * 0xff) & 0xff);
    expect(dalyChecksum(fromHex('01 02 03'), 0, 3)).toBe(6);
  });
});

describe('0x98 alarms', () => {
  it('names 48 bits and leaves the document’s reserved ones unnamed', () => {
    expect(DALY_ALARM_FLAGS).toHaveLength(48);
    expect(new Set(DALY_ALARM_FLAGS).size).toBe(48);
    const allSet = decodeAlarms(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07]));
    expect(allSet.flags).toEqual(DALY_ALARM_FLAGS);
    expect(allSet.otherBits).toEqual([0, 0, 0, 0xf0, 0, 0, 0xf0]);
  });

  it('maps level 2 alarms onto the shared protection names, level 1 onto nothing', () => {
    expect(toProtectionFlags(['cellVoltageLowL1', 'socLowL2', 'chargeOverCurrentL1'])).toEqual([]);
    expect(
      toProtectionFlags([
        'dischargeOverCurrentL2',
        'cellVoltageHighL2',
        'afeChipFault',
        'shortCircuitProtection',
        'chargeTemperatureLowL2',
        'packVoltageLowL2',
      ]),
    ).toEqual([
      'cellOverVoltage',
      'packUnderVoltage',
      'chargeUnderTemperature',
      'dischargeOverCurrent',
      'shortCircuit',
      'frontEndIcError',
    ]);
  });

  it('refuses names it does not know and other bits over named ones', () => {
    const base = { flags: [], otherBits: [0, 0, 0, 0, 0, 0, 0], faultCode: 0 };
    expect(codeOf(() => encodeAlarms({ ...base, flags: ['bogus' as never] }))).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(codeOf(() => encodeAlarms({ ...base, otherBits: [1, 0, 0, 0, 0, 0, 0] }))).toBe(
      BridgeErrorCode.ENCODE_RANGE,
    );
    expect(codeOf(() => encodeAlarms({ ...base, otherBits: [0] }))).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(codeOf(() => encodeAlarms({ ...base, faultCode: 256 }))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });
});

describe('payload encoders refuse what the wire cannot carry', () => {
  const soc = { voltageV: 52, gatherVoltageV: 0, wireCurrentA: 0, socPct: 50 };
  it.each<[string, () => unknown]>([
    ['negative voltage', () => encodeSoc({ ...soc, voltageV: -0.1 })],
    ['voltage above 6553.5 V', () => encodeSoc({ ...soc, voltageV: 6553.6 })],
    ['current below −3000 A', () => encodeSoc({ ...soc, wireCurrentA: -3000.1 })],
    ['current above 3553.5 A', () => encodeSoc({ ...soc, wireCurrentA: 3553.6 })],
    ['NaN SOC', () => encodeSoc({ ...soc, socPct: Number.NaN })],
    [
      'cell number 256',
      () => encodeCellVoltageRange({ maxCellV: 3, maxCell: 256, minCellV: 3, minCell: 1, reserved: [0, 0] }),
    ],
    [
      'a reserved tail of the wrong length',
      () => encodeCellVoltageRange({ maxCellV: 3, maxCell: 1, minCellV: 3, minCell: 1, reserved: [0] }),
    ],
    [
      'temperature below −40 °C',
      () => encodeTemperatureRange({ maxC: -41, maxSensor: 1, minC: 0, minSensor: 1, reserved: [0, 0, 0, 0] }),
    ],
    [
      'remaining capacity below zero',
      () =>
        encodeMosStatus({ stateCode: 0, state: 'idle', chargeMos: true, dischargeMos: true, life: 0, remainingAh: -1 }),
    ],
    [
      'life counter 256',
      () =>
        encodeMosStatus({
          stateCode: 0,
          state: 'idle',
          chargeMos: true,
          dischargeMos: true,
          life: 256,
          remainingAh: 1,
        }),
    ],
    [
      'five digital inputs',
      () =>
        encodeStatusInfo({
          cellCount: 4,
          sensorCount: 1,
          charger: false,
          load: false,
          inputs: [false, false, false, false, false],
          outputs: [false, false, false, false],
          cycles: 0,
          reserved: [0],
        }),
    ],
    ['four cells in one frame', () => encodeCellFrame({ frame: 1, cellsV: [3, 3, 3, 3], reserved: [0] })],
    ['eight temperatures in one frame', () => encodeTemperatureFrame({ frame: 1, temperaturesC: Array(8).fill(20) })],
    ['49 balance flags', () => encodeBalance({ balancing: Array(49).fill(false), reserved: [0, 0] })],
  ])('%s', (_, encode) => {
    expect(codeOf(encode)).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('accepts the extremes of each range', () => {
    const extremes = { voltageV: 6553.5, gatherVoltageV: 0, wireCurrentA: -3000, socPct: 0 };
    expect(decodeSoc(encodeSoc(extremes))).toEqual(extremes);
    expect(decodeSoc(encodeSoc({ ...extremes, wireCurrentA: 3553.5 })).wireCurrentA).toBe(3553.5);
  });

  it('refuses short payloads with BRG_PAYLOAD_SHORT', () => {
    expect(codeOf(() => decodeSoc(new Uint8Array(7)))).toBe(BridgeErrorCode.PAYLOAD_SHORT);
    expect(codeOf(() => decodeAlarms(new Uint8Array(0)))).toBe(BridgeErrorCode.PAYLOAD_SHORT);
  });
});
