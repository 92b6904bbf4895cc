import { describe, expect, it } from 'vitest';
import { hex, replyVectors, requestVectors, undecodableFrames, VESC_RS_MASK } from '../../test/vectors/vesc.js';
import {
  decodeReply,
  decodeRequest,
  encodeFwVersionReply,
  encodeFwVersionRequest,
  encodeGetValuesRequest,
  encodeGetValuesSelectiveRequest,
  encodeReply,
  encodeRequest,
  encodeSelectiveValuesReply,
  encodeValuesReply,
  type VescReply,
} from './codec.js';
import { VESC_FAULT_NAMES, VescFault, vescFaultName } from './faults.js';
import { encodeVescFrame } from './frame.js';
import type { VescFwVersion } from './fw-version.js';
import { VESC_ALL_FIELDS_MASK, VESC_VALUE_FIELDS, type VescValues, vescMaskOf, vescValuesLength } from './values.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const vector = (name: string) => {
  const found = replyVectors.find((v) => v.name.startsWith(name));
  if (found === undefined) throw new Error(`no vector ${name}`);
  return found;
};
const FORWARD = vector('GET_VALUES turning forward');
const forwardValues = (): VescValues => {
  if (FORWARD.expected.kind !== 'values') throw new Error('forward vector must be GET_VALUES');
  return structuredClone(FORWARD.expected.values);
};

describe('VESC codec golden vectors', () => {
  for (const v of replyVectors) {
    describe(v.name, () => {
      it('decodes to the expected values', () => {
        expect(decodeReply(v.bytes)).toEqual(v.expected);
      });
      it('re-encodes to the same bytes', () => {
        expect(encodeReply(decodeReply(v.bytes))).toEqual(v.bytes);
      });
    });
  }

  for (const v of requestVectors) {
    it(`${v.name}: decodes and re-encodes`, () => {
      expect(decodeRequest(v.bytes)).toEqual(v.expected);
      expect(encodeRequest(v.expected)).toEqual(v.bytes);
    });
  }

  for (const v of undecodableFrames) {
    it(`${v.name}: refused with ${v.decodeCode}`, () => {
      expect(codeOf(() => decodeReply(v.bytes))).toBe(v.decodeCode);
    });
  }
});

describe('request encoders', () => {
  it('build the reference frames', () => {
    expect(encodeFwVersionRequest()).toEqual(hex('02 01 00 00 00 03'));
    expect(encodeGetValuesRequest()).toEqual(hex('02 01 04 40 84 03'));
    expect(encodeGetValuesSelectiveRequest(VESC_RS_MASK)).toEqual(hex('02 05 32 00 02 A1 8A 38 80 03'));
  });

  it('refuse masks and commands the wire cannot carry', () => {
    expect(codeOf(() => encodeGetValuesSelectiveRequest(-1))).toBe('BRG_ENCODE_RANGE');
    expect(codeOf(() => encodeGetValuesSelectiveRequest(2 ** 32))).toBe('BRG_ENCODE_RANGE');
    expect(codeOf(() => encodeGetValuesSelectiveRequest(1.5))).toBe('BRG_ENCODE_RANGE');
    expect(codeOf(() => encodeRequest({ kind: 'other', command: 256, data: new Uint8Array(0) }))).toBe(
      'BRG_ENCODE_RANGE',
    );
  });

  it('decodeRequest ignores bytes after a known request, and wants the whole selective mask', () => {
    expect(decodeRequest(encodeVescFrame(hex('04 99')))).toEqual({ kind: 'getValues' });
    expect(codeOf(() => decodeRequest(encodeVescFrame(hex('32 00 01'))))).toBe('BRG_PAYLOAD_SHORT');
    expect(codeOf(() => decodeRequest(hex('02 01 04 40 84 04')))).toBe('BRG_FRAME_INVALID');
  });
});

describe('GET_VALUES tolerance of firmware versions', () => {
  it('decodes every cut of the forward payload to exactly the fields that fit, never garbage', () => {
    const payload = FORWARD.bytes.subarray(2, -3);
    const all = forwardValues();
    for (let length = 1; length <= payload.length; length++) {
      const reply = decodeReply(encodeVescFrame(payload.subarray(0, length)));
      if (reply.kind !== 'values') throw new Error('expected values');
      // Fields come in wire order: whatever decoded is a prefix of the full set, with the same numbers.
      const keys = Object.keys(reply.values);
      expect(keys).toEqual(Object.keys(all).slice(0, keys.length));
      for (const key of keys) expect(reply.values[key as keyof VescValues]).toEqual(all[key as keyof VescValues]);
      expect(reply.extra.length).toBeLessThan(6);
      expect(encodeReply(reply)).toEqual(encodeVescFrame(payload.subarray(0, length)));
    }
  });

  it('takes a lone command byte as a reply with no fields', () => {
    expect(decodeReply(encodeVescFrame(hex('04')))).toEqual({ kind: 'values', values: {}, extra: new Uint8Array(0) });
  });
});

describe('GET_VALUES_SELECTIVE', () => {
  const selective = vector('GET_VALUES_SELECTIVE turning forward');

  it('accepts the echoed mask when it is the requested one', () => {
    expect(decodeReply(selective.bytes, { expectedMask: VESC_RS_MASK })).toEqual(selective.expected);
  });

  it('refuses a reply echoing another mask with BRG_MASK_MISMATCH', () => {
    expect(codeOf(() => decodeReply(selective.bytes, { expectedMask: 0x81cf }))).toBe('BRG_MASK_MISMATCH');
    expect(codeOf(() => decodeReply(selective.bytes, { expectedMask: 0 }))).toBe('BRG_MASK_MISMATCH');
  });

  it('decodes only the selected fields, in wire order, whatever order the mask is built in', () => {
    const mask = vescMaskOf('status', 'erpm', 'tempFetC');
    expect(mask).toBe((1 << 21) | (1 << 7) | 1);
    const frame = encodeSelectiveValuesReply(mask, { tempFetC: 31.5, erpm: -4200, status: 2, duty: 0.5 });
    expect(frame.length).toBe(5 + 1 + 4 + 2 + 4 + 1);
    expect(decodeReply(frame, { expectedMask: mask })).toEqual({
      kind: 'selectiveValues',
      mask,
      values: { tempFetC: 31.5, erpm: -4200, status: 2 },
      extra: new Uint8Array(0),
    });
  });

  it('leaves fields absent that an older firmware echoed but did not send (its mask has bits it ignores)', () => {
    const mask = vescMaskOf('inputVoltageV', 'vdV', 'status');
    const frame = encodeSelectiveValuesReply(mask, { inputVoltageV: 50.2 });
    expect(decodeReply(frame, { expectedMask: mask })).toMatchObject({ values: { inputVoltageV: 50.2 } });
  });

  it('ignores mask bits beyond the known fields, and keeps the bytes a newer firmware sends for them', () => {
    const mask = (1 << 8) | (1 << 30);
    const frame = encodeSelectiveValuesReply(mask, { inputVoltageV: 48 }, hex('AA BB'));
    expect(vescValuesLength(mask)).toBe(2);
    expect(decodeReply(frame)).toEqual({
      kind: 'selectiveValues',
      mask: mask >>> 0,
      values: { inputVoltageV: 48 },
      extra: hex('AA BB'),
    });
  });
});

describe('value encoders refuse what the wire cannot carry', () => {
  it.each<[string, VescValues]>([
    ['a FET temperature above 3276.7 °C', { tempFetC: 3276.8 }],
    ['a duty below −32.768', { duty: -33 }],
    ['NaN', { tempFetC: Number.NaN }],
    ['a fault code of 256', { faultCode: 256 }],
    ['a fractional controller id', { controllerId: 1.5 }],
    ['two MOSFET temperatures instead of three', { tempMosC: [20, 21] as unknown as [number, number, number] }],
  ])('%s', (_, values) => {
    const mask = vescMaskOf(...(Object.keys(values) as (keyof VescValues)[]));
    expect(codeOf(() => encodeSelectiveValuesReply(mask, values))).toBe('BRG_ENCODE_RANGE');
  });

  it('a field present after an absent one', () => {
    expect(codeOf(() => encodeValuesReply({ tempFetC: 20, duty: 0.1 }))).toBe('BRG_ENCODE_RANGE');
  });

  it('accepts the extremes of each width', () => {
    const values: VescValues = { tempFetC: -3276.8, tempMotorC: 3276.7, motorCurrentA: 21474836.47, erpm: -2147483648 };
    const mask = vescMaskOf('tempFetC', 'tempMotorC', 'motorCurrentA', 'erpm');
    expect(decodeReply(encodeSelectiveValuesReply(mask, values))).toMatchObject({ values });
  });
});

describe('FW_VERSION', () => {
  const full = vector('FW_VERSION from firmware 6.05');
  const fw = (): VescFwVersion => {
    if (full.expected.kind !== 'fwVersion') throw new Error('expected FW_VERSION');
    return structuredClone(full.expected.fw);
  };

  it('keeps a hardware name the payload cut off, with nothing after it', () => {
    const frame = encodeVescFrame(hex('00 06 05 36 30'));
    expect(decodeReply(frame)).toEqual({
      kind: 'fwVersion',
      fw: { major: 6, minor: 5, hardwareName: '60', extra: new Uint8Array(0) },
    });
  });

  it('decodes flags as booleans and the app offset as an unsigned 32-bit number', () => {
    const decoded = decodeReply(encodeFwVersionReply({ ...fw(), pairingDone: true, newAppOffset: 0xfffffffe }));
    expect(decoded).toMatchObject({ fw: { pairingDone: true, newAppOffset: 0xfffffffe } });
  });

  it.each<[string, Partial<VescFwVersion>]>([
    ['major 256', { major: 256 }],
    ['a NUL inside the hardware name', { hardwareName: 'a\0b' }],
    ['a character above 0xFF', { firmwareName: 'fw—1' }],
    ['an 11-byte UUID', { uuid: new Uint8Array(11) }],
    ['a negative app offset', { newAppOffset: -1 }],
    ['a field after an absent one', { testVersion: undefined }],
  ])('refuses %s with BRG_ENCODE_RANGE', (_, change) => {
    expect(codeOf(() => encodeFwVersionReply({ ...fw(), ...change }))).toBe('BRG_ENCODE_RANGE');
  });
});

describe('fault names', () => {
  it('names the first codes as the reference does, and every enum entry once', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(vescFaultName)).toEqual([
      'none',
      'over-voltage',
      'under-voltage',
      'drv',
      'abs-over-current',
      'fet-over-temperature',
      'motor-over-temperature',
    ]);
    expect(VESC_FAULT_NAMES).toHaveLength(34);
    expect(new Set(VESC_FAULT_NAMES).size).toBe(VESC_FAULT_NAMES.length);
    expect(vescFaultName(33)).toBe('abs-overspeed');
    expect(vescFaultName(VescFault.motorOverTemperature)).toBe('motor-over-temperature');
  });

  it('calls a code newer than the table unknown, never none', () => {
    expect(vescFaultName(34)).toBe('unknown-34');
    expect(vescFaultName(255)).toBe('unknown-255');
  });
});

describe('field table', () => {
  it('has 22 fields whose sizes add up to the 73 data bytes of a firmware 5.03+ reply', () => {
    expect(VESC_VALUE_FIELDS).toHaveLength(22);
    expect(VESC_ALL_FIELDS_MASK).toBe(0x3fffff);
    expect(vescValuesLength(VESC_ALL_FIELDS_MASK)).toBe(73);
  });

  it('round-trips a reply built from nothing but the encoder', () => {
    const reply: VescReply = { kind: 'values', values: forwardValues(), extra: new Uint8Array(0) };
    expect(decodeReply(encodeReply(reply))).toEqual(reply);
  });
});
