import type { FirmataMessage, PinCapability } from '../../src/firmata/codec.js';
import type { FirmataDirection, FirmataDiscardReason } from '../../src/firmata/frame.js';

/**
 * Golden Firmata vectors. Firmata has no checksum to verify; every frame below was checked by hand
 * against protocol.md (firmata/protocol @ 7908873) for length, 7-bit data and its terminator.
 * Bytes are data; the decoded values are ours.
 *
 * Real bytes come from the recorded board streams firmata.js replays in its parser tests
 * (firmata/firmata.js @ 4a3b86b, packages/firmata.js/test/unit/fixtures/unexpected-data-*.js,
 * added in 15f2b82, 2016): an Uno running StandardFirmataPlus 2.5, captured while reconnecting,
 * so each starts mid-message and carries the glitches of a real line. firmata.js does not say how
 * they were recorded; their jitter and dropped bytes are what a real board produces.
 * Everything marked "constructed" is ours, from protocol.md and StandardFirmata.ino / Boards.h
 * (firmata/arduino @ 53bb550).
 */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export interface MessageVector {
  name: string;
  provenance: string;
  direction: FirmataDirection;
  bytes: Uint8Array;
  expected: FirmataMessage;
}

export interface MalformedVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  reason: 'not-a-frame' | 'malformed';
}

export interface StreamVector {
  name: string;
  provenance: string;
  direction: FirmataDirection;
  bytes: Uint8Array;
  /** Frames by decoded kind, in total. */
  frameKinds: Partial<Record<FirmataMessage['kind'], number>>;
  /** Every discard, adjacent ones of the same reason merged. */
  discards: { reason: FirmataDiscardReason; bytes: Uint8Array }[];
}

const FIXTURES = 'firmata/firmata.js packages/firmata.js/test/unit/fixtures';
const SPEC = 'constructed by us from protocol.md (firmata/protocol)';
const SKETCH = 'constructed by us from StandardFirmata.ino and Boards.h (firmata/arduino)';

const IN: PinCapability = { mode: 0x00, resolution: 1 };
const PULLUP: PinCapability = { mode: 0x0b, resolution: 1 };
const OUT: PinCapability = { mode: 0x01, resolution: 1 };
const ANALOG: PinCapability = { mode: 0x02, resolution: 10 };
const PWM: PinCapability = { mode: 0x03, resolution: 8 };
const SERVO: PinCapability = { mode: 0x04, resolution: 14 };
const I2C: PinCapability = { mode: 0x06, resolution: 1 };
const D = [IN, PULLUP, OUT, SERVO];
const P = [IN, PULLUP, OUT, PWM, SERVO];
const A = [IN, PULLUP, OUT, ANALOG, SERVO];
const W = [...A, I2C];
/** ATmega328P: D0/D1 serial, PWM on 3 5 6 9 10 11, A0–A5 also digital, I2C on A4/A5. */
export const UNO_CAPABILITIES: PinCapability[][] = [[], [], D, P, D, P, P, D, D, P, P, P, D, D, A, A, A, A, W, W];
/** A Nano adds A6/A7, analog only. */
export const NANO_CAPABILITIES: PinCapability[][] = [...UNO_CAPABILITIES, [ANALOG], [ANALOG]];
const none = (n: number): null[] => Array.from({ length: n }, () => null);

const ADC_CAPTURE = hex(
  '42 02 E0 41 02 E0 41 02 E0 42 02 E0 44 02 E0 44 02 E0 43 02 E0 42 02 E0 40 02 E0 41 02 E0 42 02' +
    'E0 43 02 E0 44 02 E0 43 02 E0 42 02 E0 40 02 E0 40 02 E0 41 02 E0 42 02 E0 43 02 E0 43 02 E0 41' +
    '02 E0 40 02 E0 3F 02 E0 41 02 E0 42 02 E0 43 02 E0 42 02 E0 41 02 E0 40 02 E0 3F 02 E0 40 02 E0' +
    '41 02 E0 42 02 E0 42 02 E0 41 02 E0 40 02 41 02 E0 42 02 E0 42 02 E0 44 02 E0 44 02 E0 43 02 E0' +
    '42 02 E0 41 02 E0 41 02 E0 42 02 E0 44 02 E0 44 02 E0 43 02 E0 42 02 E0 40 02 E0 41 02 E0 42 02' +
    'E0 43 02 E0 44 02 E0 43 02 E0 42 02 E0 40 02 E0 40 02 E0 41 02 E0 42 02 E0 43 02 E0 43 02 E0 41' +
    '02 E0 40 02 E0 3F 02 E0 41 02 E0 42 02 E0 43 02 E0 42 02 E0 41 02 E0 40 02 E0 3F 02 E0 40 02 E0' +
    '41 02 E0 42 02 E0 42 02 E0 41 02 E0 40 02 F9 02 05 F0 79 02 05 53 00 74 00 61 00 6E 00 64 00 61' +
    '00 72 00 64 00 46 00 69 00 72 00 6D 00 61 00 74 00 61 00 50 00 6C 00 75 00 73 00 2E 00 69 00 6E' +
    '00 6F 00 F7 F0 6C 7F 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01' +
    '01 01 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01' +
    '01 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 03 08' +
    '04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 04 0E 7F' +
    '00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E' +
    '7F 00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 06 01 7F 00 01 0B 01 01 01 02' +
    '0A 04 0E 06 01 7F F7 F0 6A 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 00 01 02 03 04 05 F7 E0 7F' +
    '03',
);
const I2C_CAPTURE = hex(
  '01 04 00 16 00 05 00 42 01 F7 00 40 01 F7 F0 77 0A 00 00 00 06 00 66 00 05 00 39 01 05 00 48 01' +
    '05 00 40 01 04 00 16 00 05 00 40 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05' +
    '00 3F 01 04 00 16 00 05 00 42 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05 00' +
    '3F 01 04 00 16 00 05 00 42 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05 00 3F' +
    '01 04 00 16 00 05 00 42 01 F7 00 40 01 F7 F0 77 0A 00 00 00 06 00 66 00 05 00 39 01 05 00 48 01' +
    '05 00 40 01 04 00 16 00 05 00 40 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05' +
    '00 3F 01 04 00 16 00 05 00 42 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05 00' +
    '3F 01 04 00 16 00 05 00 42 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05 00 3F' +
    '01 04 00 16 00 05 00 42 01 F7 00 40 01 F7 F0 77 0A 00 00 00 06 00 66 00 05 00 39 01 05 00 48 01' +
    '05 00 40 01 04 00 16 00 05 00 40 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05' +
    '00 3F 01 04 00 16 00 05 00 42 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05 00' +
    '3F 01 04 00 16 00 05 00 42 01 F7 F0 77 0A 00 00 00 06 00 5E 00 05 00 48 01 05 00 1B 01 05 00 3F' +
    '01 04 00 16 00 05 00 42 01 F7 F9 02 05 F0 79 02 05 53 00 74 00 61 00 6E 00 64 00 61 00 72 00 64' +
    '00 46 00 69 00 72 00 6D 00 61 00 74 00 61 00 50 00 6C 00 75 00 73 00 2E 00 69 00 6E 00 6F 00 F7' +
    'F0 6C 7F 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E' +
    '7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E 7F' +
    '00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00' +
    '01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01' +
    '01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B' +
    '01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 06 01 7F 00 01 0B 01 01 01 02 0A 04 0E 06' +
    '01 7F F7 F0 6A 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 00 01 02 03 04 05 F7 F0 77 0A 00 00 00' +
    '06 00 5D 00 05 00 40 01 05 00 41 01 05 00 41 01 04 00 16 00 05 00 40 01 F7',
);
const SERIAL_CAPTURE = hex(
  '00 2C 00 30 00 F7 F0 60 48 30 00 30 00 2C 00 2A 00 37 00 31 00 0D 00 F7 F0 60 48 30 00 30 00 2C' +
    '00 2A 00 37 00 31 00 0D 00 F7 F0 60 48 30 00 30 00 2C 00 2A 00 37 00 31 00 0D 00 F7 F0 60 48 30' +
    '00 30 00 2C 00 2A 00 37 00 31 00 0D 00 F7 F0 60 48 30 00 30 00 2C 00 2A 00 37 00 31 00 0D 00 F7' +
    'F0 60 48 30 00 30 00 2C 00 2A 00 37 00 31 00 0D 00 F7 F0 60 48 30 00 30 00 2C 00 2A 00 37 00 31' +
    '00 0D 00 F7 F0 60 48 0A 00 24 00 47 00 50 00 52 00 4D 00 43 00 F7 F0 60 48 2C 00 2C 00 56 00 2C' +
    '00 2C 00 2C 00 F7 F0 60 48 2C 00 2C 00 2C 00 2C 00 2C 00 2C 00 F7 F0 60 48 2C 00 4E 00 2A 00 35' +
    '00 33 00 0D 00 0A 00 F7 F0 60 48 24 00 F7 F0 60 48 47 00 F7 F0 60 48 50 00 F7 F0 60 48 47 00 F7' +
    'F0 60 48 47 00 F7 F0 60 48 41 FE F0 79 02 05 53 00 74 00 61 00 6E 00 64 00 61 00 72 00 64 00 46' +
    '00 69 00 72 00 6D 00 61 00 74 00 61 00 50 00 6C 00 75 00 73 00 2E 00 69 00 6E 00 6F 00 F7 F9 02' +
    '05 05 53 00 74 00 61 00 6E 00 64 00 61 00 72 00 64 00 46 00 69 00 72 00 6D 00 61 00 74 00 61 00' +
    '50 00 6C 00 75 00 73 00 2E 00 69 00 6E 00 6F 00 F7 F0 6C 7F 7F 00 01 0B 01 01 01 04 0E 7F 00 01' +
    '0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B' +
    '01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01' +
    '03 08 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01' +
    '01 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A' +
    '04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02' +
    '0A 04 0E 06 01 7F 00 01 0B 01 01 01 02 0A 04 0E 06 01 7F F7 F0 6A 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F' +
    '7F 7F 7F 7F 00 01 02 03 04 05 F7 F0 60 48 19 01 F7',
);

const UNO_CAPABILITY_HEX =
  'F0 6C 7F 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E 7F' +
  '00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E 7F' +
  '00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 03 08 04 0E 7F' +
  '00 01 0B 01 01 01 03 08 04 0E 7F 00 01 0B 01 01 01 04 0E 7F 00 01 0B 01 01 01 04 0E 7F' +
  '00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 7F' +
  '00 01 0B 01 01 01 02 0A 04 0E 7F 00 01 0B 01 01 01 02 0A 04 0E 06 01 7F' +
  '00 01 0B 01 01 01 02 0A 04 0E 06 01 7F';
const PLUS_NAME_HEX =
  '53 00 74 00 61 00 6E 00 64 00 61 00 72 00 64 00 46 00 69 00 72 00 6D 00 61 00 74 00 61 00 50 00 6C 00 75 00 73 00 2E 00 69 00 6E 00 6F 00';

export const messageVectors: MessageVector[] = [
  {
    name: 'protocol version 2.5',
    provenance: `${FIXTURES}/unexpected-data-adc.js, bytes 238–240 (the board's REPORT_VERSION)`,
    direction: 'fromBoard',
    bytes: hex('F9 02 05'),
    expected: { kind: 'version', major: 2, minor: 5 },
  },
  {
    name: 'firmware StandardFirmataPlus.ino 2.5',
    provenance: `${FIXTURES}/unexpected-data-adc.js, the REPORT_FIRMWARE after the version (".ino" kept: the sketch strips only ".cpp")`,
    direction: 'fromBoard',
    bytes: hex(`F0 79 02 05 ${PLUS_NAME_HEX} F7`),
    expected: { kind: 'firmware', major: 2, minor: 5, name: 'StandardFirmataPlus.ino' },
  },
  {
    name: 'Uno capability response (20 pins)',
    provenance: `${FIXTURES}/unexpected-data-adc.js, the CAPABILITY_RESPONSE; pins 0/1 list no modes`,
    direction: 'fromBoard',
    bytes: hex(`${UNO_CAPABILITY_HEX} F7`),
    expected: { kind: 'capabilities', pins: UNO_CAPABILITIES },
  },
  {
    name: 'Uno analog mapping (A0–A5 on pins 14–19)',
    provenance: `${FIXTURES}/unexpected-data-adc.js, the ANALOG_MAPPING_RESPONSE`,
    direction: 'fromBoard',
    bytes: hex('F0 6A 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 00 01 02 03 04 05 F7'),
    expected: { kind: 'analogMapping', channels: [...none(14), 0, 1, 2, 3, 4, 5] },
  },
  {
    name: 'A0 reads 511',
    provenance: `${FIXTURES}/unexpected-data-adc.js, last three bytes`,
    direction: 'fromBoard',
    bytes: hex('E0 7F 03'),
    expected: { kind: 'analog', channel: 0, value: 511 },
  },
  {
    name: 'A0 reads 321 (the stream before the handshake)',
    provenance: `${FIXTURES}/unexpected-data-adc.js, bytes 2–4`,
    direction: 'fromBoard',
    bytes: hex('E0 41 02'),
    expected: { kind: 'analog', channel: 0, value: 321 },
  },
  {
    name: 'I2C reply (sysex 0x77), kept raw',
    provenance: `${FIXTURES}/unexpected-data-i2c.js, first whole sysex: address 0x0A, register 0, 12 words`,
    direction: 'fromBoard',
    bytes: hex('F0 77 0A 00 00 00 06 00 66 00 05 00 39 01 05 00 48 01 05 00 40 01 04 00 16 00 05 00 40 01 F7'),
    expected: {
      kind: 'sysex',
      command: 0x77,
      data: hex('0A 00 00 00 06 00 66 00 05 00 39 01 05 00 48 01 05 00 40 01 04 00 16 00 05 00 40 01'),
    },
  },
  {
    name: 'serial reply (sysex 0x60) carrying "\\n$GPRMC" from a GPS on software serial',
    provenance: `${FIXTURES}/unexpected-data-serial.js, the eighth sysex`,
    direction: 'fromBoard',
    bytes: hex('F0 60 48 0A 00 24 00 47 00 50 00 52 00 4D 00 43 00 F7'),
    expected: { kind: 'sysex', command: 0x60, data: hex('48 0A 00 24 00 47 00 50 00 52 00 4D 00 43 00') },
  },
  {
    name: 'firmware StandardFirmata.ino 2.5 (what a Nano with StandardFirmata sends)',
    provenance: `${SKETCH}: setFirmwareVersion(2, 5) with __FILE__, named like the real capture above`,
    direction: 'fromBoard',
    bytes: hex(
      'F0 79 02 05 53 00 74 00 61 00 6E 00 64 00 61 00 72 00 64 00 46 00 69 00 72 00 6D 00 61 00 74 00 61 00 2E 00 69 00 6E 00 6F 00 F7',
    ),
    expected: { kind: 'firmware', major: 2, minor: 5, name: 'StandardFirmata.ino' },
  },
  {
    name: 'Nano capability response (22 pins, A6/A7 analog only)',
    provenance: `${SKETCH} (CAPABILITY_QUERY case; TOTAL_PINS 22 when NUM_ANALOG_INPUTS is 8)`,
    direction: 'fromBoard',
    bytes: hex(`${UNO_CAPABILITY_HEX} 02 0A 7F 02 0A 7F F7`),
    expected: { kind: 'capabilities', pins: NANO_CAPABILITIES },
  },
  {
    name: 'Nano analog mapping (A0–A7)',
    provenance: SKETCH,
    direction: 'fromBoard',
    bytes: hex('F0 6A 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 7F 00 01 02 03 04 05 06 07 F7'),
    expected: { kind: 'analogMapping', channels: [...none(14), 0, 1, 2, 3, 4, 5, 6, 7] },
  },
  {
    name: 'A7 at full scale',
    provenance: SPEC,
    direction: 'fromBoard',
    bytes: hex('E7 7F 07'),
    expected: { kind: 'analog', channel: 7, value: 1023 },
  },
  {
    name: 'port 0 with D2 high (pause button released, pull-up on)',
    provenance: `${SPEC} (digital I/O message: bits 0–6, then bit 7)`,
    direction: 'fromBoard',
    bytes: hex('90 04 00'),
    expected: { kind: 'digitalPort', port: 0, value: 0x04 },
  },
  {
    name: 'pin state of D7: output, high',
    provenance: SPEC,
    direction: 'fromBoard',
    bytes: hex('F0 6E 07 01 01 F7'),
    expected: { kind: 'pinState', pin: 7, mode: 1, state: 1 },
  },
  {
    name: 'pin state of a servo at 2000 µs (two state bytes)',
    provenance: SPEC,
    direction: 'fromBoard',
    bytes: hex('F0 6E 09 04 50 0F F7'),
    expected: { kind: 'pinState', pin: 9, mode: 4, state: 2000 },
  },
  {
    name: 'pin state asked for a pin the board lacks: the pin alone',
    provenance: `${SKETCH} (PIN_STATE_QUERY case when pin >= TOTAL_PINS)`,
    direction: 'fromBoard',
    bytes: hex('F0 6E 30 F7'),
    expected: { kind: 'pinStateUnavailable', pin: 48 },
  },
  {
    name: 'string "Unknown pin mode"',
    provenance: `${SKETCH} (setPinModeCallback default branch)`,
    direction: 'fromBoard',
    bytes: hex(
      'F0 71 55 00 6E 00 6B 00 6E 00 6F 00 77 00 6E 00 20 00 70 00 69 00 6E 00 20 00 6D 00 6F 00 64 00 65 00 F7',
    ),
    expected: { kind: 'string', text: 'Unknown pin mode' },
  },
  {
    name: 'sampling interval 1000 ms',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F0 7A 68 07 F7'),
    expected: { kind: 'samplingInterval', ms: 1000 },
  },
  {
    name: 'version query',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F9'),
    expected: { kind: 'versionQuery' },
  },
  {
    name: 'firmware query',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F0 79 F7'),
    expected: { kind: 'firmwareQuery' },
  },
  {
    name: 'capability query',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F0 6B F7'),
    expected: { kind: 'capabilityQuery' },
  },
  {
    name: 'analog mapping query',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F0 69 F7'),
    expected: { kind: 'analogMappingQuery' },
  },
  {
    name: 'pin state query for D7',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F0 6D 07 F7'),
    expected: { kind: 'pinStateQuery', pin: 7 },
  },
  {
    name: 'sampling interval query (protocol 2.6)',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F0 7C F7'),
    expected: { kind: 'samplingIntervalQuery' },
  },
  {
    // protocol.md's own example says "0xF4 0x0E 0x03" for this, but 3 is PWM; ANALOG is 2.
    name: 'set pin 14 (A0) to ANALOG',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F4 0E 02'),
    expected: { kind: 'setPinMode', pin: 14, mode: 2 },
  },
  {
    name: 'enable reporting of A1',
    provenance: `${SPEC} (its example: 0xC1 0x01)`,
    direction: 'toBoard',
    bytes: hex('C1 01'),
    expected: { kind: 'reportAnalog', channel: 1, enable: true },
  },
  {
    name: 'disable reporting of port 0',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('D0 00'),
    expected: { kind: 'reportDigital', port: 0, enable: false },
  },
  {
    name: 'write port 0: D2 pull-up and D7 (modem relay) high',
    provenance: `${SPEC}; what firmata.js writes after Button(pullup) and Relay.close()`,
    direction: 'toBoard',
    bytes: hex('90 04 01'),
    expected: { kind: 'digitalPort', port: 0, value: 0x84 },
  },
  {
    name: 'set D7 low (SET_DIGITAL_PIN_VALUE, protocol 2.5)',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('F5 07 00'),
    expected: { kind: 'setDigitalPinValue', pin: 7, value: 0 },
  },
  {
    name: 'system reset',
    provenance: SPEC,
    direction: 'toBoard',
    bytes: hex('FF'),
    expected: { kind: 'systemReset' },
  },
  {
    name: 'extended-id sysex, kept raw',
    provenance: `${SPEC} (ID 0x00 then a two-byte extended id)`,
    direction: 'toBoard',
    bytes: hex('F0 00 01 02 03 F7'),
    expected: { kind: 'sysex', command: 0x00, data: hex('01 02 03') },
  },
];

export const malformedVectors: MalformedVector[] = [
  { name: 'empty sysex', provenance: SPEC, bytes: hex('F0 F7'), reason: 'malformed' },
  {
    name: 'firmware name with half a character',
    provenance: SPEC,
    bytes: hex('F0 79 02 05 53 F7'),
    reason: 'malformed',
  },
  {
    name: 'firmware report with only a major version',
    provenance: SPEC,
    bytes: hex('F0 79 02 F7'),
    reason: 'malformed',
  },
  { name: 'capability list not ended by 7F', provenance: SPEC, bytes: hex('F0 6C 00 01 F7'), reason: 'malformed' },
  { name: 'capability mode without resolution', provenance: SPEC, bytes: hex('F0 6C 00 F7'), reason: 'malformed' },
  { name: 'sampling interval of one byte', provenance: SPEC, bytes: hex('F0 7A 64 F7'), reason: 'malformed' },
  { name: 'string of an odd byte count', provenance: SPEC, bytes: hex('F0 71 41 F7'), reason: 'malformed' },
  { name: 'pin state without state', provenance: SPEC, bytes: hex('F0 6E 07 01 F7'), reason: 'malformed' },
  { name: 'capability query with data', provenance: SPEC, bytes: hex('F0 6B 01 F7'), reason: 'malformed' },
  { name: 'analog message one byte short', provenance: SPEC, bytes: hex('E0 41'), reason: 'not-a-frame' },
  { name: 'data bytes only', provenance: SPEC, bytes: hex('41 02'), reason: 'not-a-frame' },
  { name: 'a command byte inside a message', provenance: SPEC, bytes: hex('E0 41 82'), reason: 'not-a-frame' },
  { name: 'sysex without its end', provenance: SPEC, bytes: hex('F0 79'), reason: 'not-a-frame' },
  { name: 'MIDI note-off: not Firmata', provenance: SPEC, bytes: hex('80 00 00'), reason: 'not-a-frame' },
  { name: 'version with one number', provenance: SPEC, bytes: hex('F9 02'), reason: 'not-a-frame' },
  { name: 'empty input', provenance: SPEC, bytes: hex(''), reason: 'not-a-frame' },
];

export const streamVectors: StreamVector[] = [
  {
    name: 'Uno reconnecting: stale A0 stream, then the handshake',
    provenance: `${FIXTURES}/unexpected-data-adc.js (whole file). Starts two bytes into an analog message; one E0 was lost mid-stream`,
    direction: 'fromBoard',
    bytes: ADC_CAPTURE,
    frameKinds: { analog: 79, version: 1, firmware: 1, capabilities: 1, analogMapping: 1 },
    discards: [
      { reason: 'garbage', bytes: hex('42 02') },
      { reason: 'garbage', bytes: hex('41 02') },
    ],
  },
  {
    name: 'Uno reconnecting: stale I2C replies, then the handshake',
    provenance: `${FIXTURES}/unexpected-data-i2c.js (whole file). Starts inside a sysex; three stray "00 40 01 F7" tails`,
    direction: 'fromBoard',
    bytes: I2C_CAPTURE,
    frameKinds: { sysex: 13, version: 1, firmware: 1, capabilities: 1, analogMapping: 1 },
    discards: [
      { reason: 'garbage', bytes: hex('01 04 00 16 00 05 00 42 01 F7 00 40 01 F7') },
      { reason: 'garbage', bytes: hex('00 40 01 F7') },
      { reason: 'garbage', bytes: hex('00 40 01 F7') },
    ],
  },
  {
    name: 'Uno reconnecting: stale GPS serial replies, a cut sysex, a doubled firmware report',
    provenance: `${FIXTURES}/unexpected-data-serial.js (whole file). A sysex is cut by FE (MIDI active sensing); a firmware report lost its header after F9 02 05`,
    direction: 'fromBoard',
    bytes: SERIAL_CAPTURE,
    frameKinds: { sysex: 17, version: 1, firmware: 1, capabilities: 1, analogMapping: 1 },
    discards: [
      { reason: 'garbage', bytes: hex('00 2C 00 30 00 F7') },
      { reason: 'truncated', bytes: hex('F0 60 48 41') },
      { reason: 'unknown-command', bytes: hex('FE') },
      { reason: 'garbage', bytes: hex(`05 ${PLUS_NAME_HEX} F7`) },
    ],
  },
];
