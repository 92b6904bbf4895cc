import { describe, expect, it } from 'vitest';
import { hex, malformedVectors, messageVectors } from '../../test/vectors/firmata.js';
import { BridgeErrorCode } from '../errors.js';
import { decodeFirmataMessage, encodeFirmataMessage, type FirmataMessage } from './codec.js';
import { decodeFirmataFrame, firmataDecoder } from './decoder.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('Firmata codec golden vectors', () => {
  for (const vector of messageVectors) {
    describe(vector.name, () => {
      it('decodes to the expected message', () => {
        expect(decodeFirmataMessage(vector.bytes)).toEqual({ ok: true, message: vector.expected });
      });

      it('re-encodes to the same bytes', () => {
        expect(encodeFirmataMessage(vector.expected)).toEqual(vector.bytes);
      });
    });
  }

  for (const vector of malformedVectors) {
    it(`refuses ${vector.name} as ${vector.reason}, without throwing`, () => {
      expect(decodeFirmataMessage(vector.bytes)).toMatchObject({ ok: false, reason: vector.reason });
    });
  }
});

describe('decodeFirmataMessage', () => {
  it('reads any non-zero enable byte as enable, as the firmware does', () => {
    expect(decodeFirmataMessage(hex('C2 05'))).toEqual({
      ok: true,
      message: { kind: 'reportAnalog', channel: 2, enable: true },
    });
  });

  it('keeps 14-bit port values whole (bits 7–13 in the second byte)', () => {
    expect(decodeFirmataMessage(hex('91 7F 7F'))).toEqual({
      ok: true,
      message: { kind: 'digitalPort', port: 1, value: 0x3fff },
    });
  });

  it('reads characters above 0xFF in strings', () => {
    expect(decodeFirmataMessage(hex('F0 71 2C 40 F7'))).toEqual({
      ok: true,
      message: { kind: 'string', text: '\u202c' },
    });
  });

  it('decodes a four-byte pin state and encodes it back as four bytes', () => {
    const bytes = hex('F0 6E 03 03 7F 7F 7F 7F F7');
    const decoded = decodeFirmataMessage(bytes);
    expect(decoded).toEqual({ ok: true, message: { kind: 'pinState', pin: 3, mode: 3, state: 2 ** 28 - 1 } });
    if (decoded.ok) expect(encodeFirmataMessage(decoded.message)).toEqual(bytes);
  });
});

describe('the protocol decoder for the capture tools', () => {
  it('is named firmata, splits the board side by default, and never throws', () => {
    expect(firmataDecoder.name).toBe('firmata');
    const splitter = firmataDecoder.createSplitter();
    expect(splitter.push(hex('F9 02 05'))).toEqual([{ type: 'frame', frame: hex('F9 02 05') }]);
    expect(firmataDecoder.decode(hex('E0'))).toMatchObject({ ok: false, reason: 'not-a-frame' });
  });

  it('gives JSON-able messages: raw sysex data as hex', () => {
    const outcome = decodeFirmataFrame(hex('F0 77 0A 00 7F F7'));
    expect(outcome).toEqual({ ok: true, message: { kind: 'sysex', command: 0x77, data: '0a 00 7f' } });
    expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
  });
});

describe('encodeFirmataMessage refuses what 7-bit bytes cannot carry', () => {
  it.each<[string, FirmataMessage]>([
    ['analog channel 16', { kind: 'analog', channel: 16, value: 0 }],
    ['analog value 16384', { kind: 'analog', channel: 0, value: 16384 }],
    ['negative port value', { kind: 'digitalPort', port: 0, value: -1 }],
    ['fractional channel', { kind: 'reportAnalog', channel: 1.5, enable: true }],
    ['port 16', { kind: 'reportDigital', port: 16, enable: true }],
    ['pin 128', { kind: 'setPinMode', pin: 128, mode: 1 }],
    ['pin value 128', { kind: 'setDigitalPinValue', pin: 7, value: 128 }],
    ['version 128', { kind: 'version', major: 128, minor: 0 }],
    ['firmware character above 14 bits', { kind: 'firmware', major: 2, minor: 5, name: '\u{4000}' }],
    ['capability mode 0x7F', { kind: 'capabilities', pins: [[{ mode: 0x7f, resolution: 1 }]] }],
    ['capability resolution 128', { kind: 'capabilities', pins: [[{ mode: 2, resolution: 128 }]] }],
    ['analog channel 127 in a mapping', { kind: 'analogMapping', channels: [127] }],
    ['pin state 2^28', { kind: 'pinState', pin: 1, mode: 1, state: 2 ** 28 }],
    ['negative pin state', { kind: 'pinState', pin: 1, mode: 1, state: -1 }],
    ['sampling interval of 16384 ms', { kind: 'samplingInterval', ms: 16384 }],
    ['sysex data byte 0x80', { kind: 'sysex', command: 0x77, data: hex('80') }],
    ['sysex command 0x80', { kind: 'sysex', command: 0x80, data: hex('') }],
    ['pin 200 in a state query', { kind: 'pinStateQuery', pin: 200 }],
    ['pin 200 in an unavailable answer', { kind: 'pinStateUnavailable', pin: 200 }],
  ])('%s', (_, message) => {
    expect(codeOf(() => encodeFirmataMessage(message))).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('accepts the extremes', () => {
    expect(encodeFirmataMessage({ kind: 'analog', channel: 15, value: 16383 })).toEqual(hex('EF 7F 7F'));
    expect(encodeFirmataMessage({ kind: 'samplingInterval', ms: 0 })).toEqual(hex('F0 7A 00 00 F7'));
    expect(encodeFirmataMessage({ kind: 'pinState', pin: 0, mode: 0, state: 0 })).toEqual(hex('F0 6E 00 00 00 F7'));
  });
});
