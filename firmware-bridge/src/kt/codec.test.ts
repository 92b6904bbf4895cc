import { describe, expect, it } from 'vitest';
import { hex, ktNegativeVectors, ktVectors } from '../../test/vectors/kt.js';
import { BridgeErrorCode } from '../errors.js';
import {
  decodeControllerFrame,
  decodeKtFrame,
  decodeLcdFrame,
  encodeControllerFrame,
  encodeLcdFrame,
  type KtControllerStatus,
  type KtLcdSettings,
  ktControllerChecksum,
  ktLcdXor,
} from './codec.js';
import { ktDecoder } from './decoder.js';
import { ktMotorSample, ktWheelRpm } from './sample.js';
import { KT_WHEEL_SIZES, ktFaultName } from './tables.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const reencode = (m: KtControllerStatus | KtLcdSettings) =>
  m.direction === 'controller' ? encodeControllerFrame(m) : encodeLcdFrame(m);

const first = <D extends 'controller' | 'lcd'>(direction: D) => {
  const found = ktVectors.find((v) => v.expected.direction === direction)?.expected;
  if (found?.direction !== direction) throw new Error(`no ${direction} vector`);
  return structuredClone(found) as Extract<KtControllerStatus | KtLcdSettings, { direction: D }>;
};

describe('KT golden vectors', () => {
  for (const vector of ktVectors) {
    describe(vector.name, () => {
      it('decodes to the expected values', () => {
        expect(decodeKtFrame(vector.bytes)).toEqual(vector.expected);
      });

      it('re-encodes to the same bytes', () => {
        expect(reencode(decodeKtFrame(vector.bytes))).toEqual(vector.bytes);
      });

      it('decodes through ktDecoder as a JSON-able message', () => {
        const outcome = ktDecoder.decode(vector.bytes);
        expect(outcome).toEqual({ ok: true, message: vector.expected });
        expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
      });
    });
  }

  it('the captured controller frame checks without B0, as the firmwares compute it', () => {
    const frame = hex('41 10 30 00 8B 00 A4 02 0D 00 00 00');
    expect(ktControllerChecksum(frame)).toBe(0xa4);
    // The notes' prose includes B0; that would give 0xE5, which the example does not carry.
    expect(ktControllerChecksum(frame) ^ 0x41).toBe(0xe5);
  });

  it('reads the LCD key as B5 XOR the other twelve bytes', () => {
    expect(ktLcdXor(hex('0C 00 95 A0 29 66 12 4A 04 14 00 32 0E')) ^ 0x66).toBe(2);
  });
});

describe('KT decoding refuses what is not one good frame', () => {
  const plain = ktNegativeVectors.filter((v) => v.lcdChecksumKeys === undefined);
  it.each(plain.map((v) => [v.name, v] as const))('%s', (_, vector) => {
    expect(codeOf(() => decodeKtFrame(vector.bytes))).toBe(BridgeErrorCode.FRAME_INVALID);
    expect(ktDecoder.decode(vector.bytes)).toMatchObject({ ok: false, reason: BridgeErrorCode.FRAME_INVALID });
  });

  it("refuses the LCD8 row with key 28 only once the keys are narrowed to that display's 31", () => {
    const vector = ktNegativeVectors.find((v) => v.lcdChecksumKeys !== undefined);
    if (vector === undefined) throw new Error('missing key vector');
    expect(codeOf(() => decodeKtFrame(vector.bytes, vector.lcdChecksumKeys))).toBe(BridgeErrorCode.FRAME_INVALID);
    // The default 0–50 range (EBiCS's) cannot tell: a one-byte key is a weak check.
    expect(decodeKtFrame(vector.bytes)).toMatchObject({ direction: 'lcd', checksumKey: 28 });
  });

  it.each([
    ['a 12-byte frame without the 0x41 start', () => decodeControllerFrame(hex('40 10 30 00 8B 00 A4 02 0D 00 00 00'))],
    ['an LCD frame of 12 bytes', () => decodeLcdFrame(hex('0C 00 95 A0 29 66 12 4A 04 14 00 32'))],
    [
      'an LCD frame with a key outside the accepted set',
      () => decodeLcdFrame(hex('0C 00 95 A0 29 66 12 4A 04 14 00 32 0E'), [31]),
    ],
    ['an LCD frame whose B11 is not 32/37', () => decodeLcdFrame(hex('0C 00 95 A0 29 66 12 4A 04 14 00 33 0E'))],
    ['an empty input', () => decodeKtFrame(new Uint8Array(0))],
  ])('throws BRG_FRAME_INVALID for %s', (_, fn) => {
    expect(codeOf(fn)).toBe(BridgeErrorCode.FRAME_INVALID);
  });

  it('accepts the LCD8 L1 bits above a 0x32 terminator', () => {
    const settings = { ...first('lcd'), l1: 3 };
    const frame = encodeLcdFrame(settings);
    expect(frame[11]).toBe(0xf2);
    expect(decodeLcdFrame(frame)).toEqual(settings);
  });
});

describe('KT encoders refuse what the wire cannot carry', () => {
  it.each<[string, Partial<KtControllerStatus>]>([
    ['a period above 65535 ms', { wheelPeriodMs: 65_536 }],
    ['a fractional period', { wheelPeriodMs: 1.5 }],
    ['a current above 63.75 A', { currentA: 64 }],
    ['a negative current', { currentA: -0.25 }],
    ['a temperature above 142 °C', { motorTempC: 143 }],
    ['a temperature below −113 °C', { motorTempC: -114 }],
    ['a battery level of 256', { batteryLevel: 256 }],
    ['a NaN voltage', { nominalVoltageV: Number.NaN }],
  ])('controller: %s', (_, change) => {
    expect(codeOf(() => encodeControllerFrame({ ...first('controller'), ...change }))).toBe(
      BridgeErrorCode.ENCODE_RANGE,
    );
  });

  it.each<[string, Partial<KtLcdSettings>]>([
    ['a speed limit of 9 km/h', { maxSpeedKmh: 9 }],
    ['a speed limit of 74 km/h', { maxSpeedKmh: 74 }],
    ['assist level 8', { assistLevel: 8 }],
    ['a 6-bit wheel code', { wheelSizeCode: 0x20 }],
    ['a terminator other than 32/37', { terminator: 0x33 }],
    ['C5 of 16', { c5: 16 }],
    ['spare bits that overlap named ones', { spareBits: { b1: 0x01, b6: 0, b7: 0, b8: 0, b9: 0, b10: 0 } }],
    ['a checksum key of 256', { checksumKey: 256 }],
  ])('LCD: %s', (_, change) => {
    expect(codeOf(() => encodeLcdFrame({ ...first('lcd'), ...change }))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('accepts the extremes', () => {
    const status = { ...first('controller'), wheelPeriodMs: 65_535, currentA: 63.75, motorTempC: -113 };
    expect(decodeControllerFrame(encodeControllerFrame(status))).toMatchObject({
      wheelPeriodMs: 65_535,
      motorTempC: -113,
    });
    const lcd = { ...first('lcd'), maxSpeedKmh: 73, wheelSizeCode: 0x1f, wheelSize: null };
    expect(decodeLcdFrame(encodeLcdFrame(lcd))).toEqual(lcd);
  });
});

describe('KT tables and samples', () => {
  it('names the error codes the sources name, and says which ones it does not know', () => {
    expect([0x00, 0x21, 0x22, 0x23, 0x91].map(ktFaultName)).toEqual([
      'none',
      'short-circuit',
      'throttle-fault',
      'error-e02',
      'battery-under-voltage',
    ]);
    expect(ktFaultName(0x20)).toBe('unknown-0x20');
  });

  it('has a circumference for every named wheel size except the LCD8-only 5"', () => {
    const missing = [...KT_WHEEL_SIZES].filter(([, w]) => w.circumferenceM === undefined);
    expect(missing).toEqual([[0x16, { label: '5"' }]]);
  });

  it('turns the wheel period into rpm, with 4500 ms and 0 ms meaning stopped', () => {
    expect(ktWheelRpm(139)).toBeCloseTo(431.65, 2);
    expect(ktWheelRpm(4500)).toBe(0);
    expect(ktWheelRpm(0)).toBe(0);
    expect(ktWheelRpm(4499)).toBeCloseTo(13.34, 2);
    expect(ktWheelRpm(3000, 2500)).toBe(0);
  });

  it('builds a MotorSample with inferred speed and power', () => {
    const status = decodeControllerFrame(hex('41 10 30 00 8B 00 A4 02 0D 00 00 00'));
    expect(ktMotorSample(status, 1000, { wheelCircumferenceM: 2.0625 })).toEqual({
      kind: 'motor',
      source: 'kt',
      at: 1000,
      wheelRpm: 431.65,
      speedKmh: 53.42,
      inputCurrentA: 3.25,
      powerW: 156,
      motorTempC: 15,
      faultCode: 0,
      faultName: 'none',
      quality: { speedKmh: 'inferred', powerW: 'inferred' },
    });
  });

  it('leaves out speed without a circumference, and the temperature on request; takes a voltage override', () => {
    const status = decodeControllerFrame(hex('41 10 30 00 8B 00 A4 02 0D 00 00 00'));
    const sample = ktMotorSample(status, 0, { motorTemperature: false, nominalVoltageV: 52 });
    expect(sample).not.toHaveProperty('speedKmh');
    expect(sample).not.toHaveProperty('motorTempC');
    expect(sample.powerW).toBe(169);
  });
});
