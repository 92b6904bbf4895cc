import type { BafangMessage } from '../../src/bafang/codec.js';
import { hex } from './kt.js';

export { hex };

/**
 * Golden Bafang display-line vectors. The only captured bytes found are the display's assist
 * commands (16 0B …) in the "cop button" sketch; no public capture of the controller's answers
 * was found, so every exchange is constructed with the reply format of the open controller
 * firmware danielnilsson9/bbs-fw @10cadba7 src/firmware/extcom.c, and says so.
 */
export interface BafangVector {
  name: string;
  provenance: string;
  captured: boolean;
  bytes: Uint8Array;
  expected: BafangMessage;
}

export interface BafangStreamVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  frames: Uint8Array[];
  discards: { reason: string; bytes: Uint8Array }[];
}

const EXTCOM = 'constructed with the reply format of bbs-fw @10cadba7 src/firmware/extcom.c';
const APP_H = 'status names from bbs-fw @10cadba7 src/firmware/app.h';
const COP =
  'captured display commands in the Arduino "BAFANG BBSxx change settings on the fly (aka cop button)" sketch (endless-sphere t=94850), DPAS0…DPAS9; the same codes are in bbs-fw extcom.c and FTEX lcd_bafang_comm.h';

const status = (code: number, faultCode: number, faultName: string): BafangMessage => ({
  direction: 'exchange',
  kind: 'status',
  code,
  faultCode,
  faultName,
  braking: code === 0x03,
});

const assist = (code: number, level: number | null, level5: number | null, walk = false): BafangMessage => ({
  direction: 'write',
  kind: 'assistLevel',
  code,
  level,
  level5,
  walk,
});

export const bafangVectors: BafangVector[] = [
  {
    name: 'status: normal',
    provenance: `${EXTCOM} (one byte, no checksum); ${APP_H}: 01 STATUS_NORMAL`,
    captured: false,
    bytes: hex('11 08 01'),
    expected: status(0x01, 0, 'none'),
  },
  {
    name: 'status: braking is no fault',
    provenance: `${EXTCOM}; ${APP_H}: 03 STATUS_BRAKING`,
    captured: false,
    bytes: hex('11 08 03'),
    expected: status(0x03, 0, 'none'),
  },
  {
    name: 'status: hall sensor error',
    provenance: `${EXTCOM}; ${APP_H}: 08 STATUS_ERROR_HALL_SENSOR`,
    captured: false,
    bytes: hex('11 08 08'),
    expected: status(0x08, 0x08, 'hall-sensor'),
  },
  {
    name: 'status: motor over temperature (0x11, which also starts a read request)',
    provenance: `${EXTCOM}; ${APP_H}: 11 STATUS_ERROR_MOTOR_OVER_TEMP (EBiCS display_bafang.h agrees)`,
    captured: false,
    bytes: hex('11 08 11'),
    expected: status(0x11, 0x11, 'motor-over-temperature'),
  },
  {
    name: 'current: 8 A',
    provenance: `${EXTCOM}: amps × 2, then the same byte as checksum`,
    captured: false,
    bytes: hex('11 0A 10 10'),
    expected: { direction: 'exchange', kind: 'current', currentA: 8 },
  },
  {
    name: 'current: 8.5 A, whose reply bytes look like a battery request',
    provenance: EXTCOM,
    captured: false,
    bytes: hex('11 0A 11 11'),
    expected: { direction: 'exchange', kind: 'current', currentA: 8.5 },
  },
  {
    name: 'battery: 80 %',
    provenance: `${EXTCOM}: percent, then the same byte`,
    captured: false,
    bytes: hex('11 11 50 50'),
    expected: { direction: 'exchange', kind: 'battery', socPct: 80 },
  },
  {
    name: 'wheel speed: 161 rpm',
    provenance: `${EXTCOM}: rpm big-endian, then hi + lo + 0x20 ("weird checksum")`,
    captured: false,
    bytes: hex('11 20 00 A1 C1'),
    expected: { direction: 'exchange', kind: 'wheelSpeed', wheelRpm: 161 },
  },
  {
    name: 'wheel speed: 300 rpm (high byte set)',
    provenance: EXTCOM,
    captured: false,
    bytes: hex('11 20 01 2C 4D'),
    expected: { direction: 'exchange', kind: 'wheelSpeed', wheelRpm: 300 },
  },
  {
    name: 'moving',
    provenance: `${EXTCOM}: 0x31 moving / 0x30 stopped, twice`,
    captured: false,
    bytes: hex('11 31 31 31'),
    expected: { direction: 'exchange', kind: 'moving', moving: true },
  },
  {
    name: 'stopped',
    provenance: EXTCOM,
    captured: false,
    bytes: hex('11 31 30 30'),
    expected: { direction: 'exchange', kind: 'moving', moving: false },
  },
  {
    name: 'calories field: 52.3 V × 10',
    provenance: `${EXTCOM} (bbs-fw puts battery voltage × 10 there); the third request byte is unknown, bbs-fw never reads it, 00 is ours`,
    captured: false,
    bytes: hex('11 24 00 02 0B 0D'),
    expected: { direction: 'exchange', kind: 'calories', requestArg: 0, value: 523 },
  },
  {
    name: 'range field: 30',
    provenance: EXTCOM,
    captured: false,
    bytes: hex('11 22 00 00 1E 1E'),
    expected: { direction: 'exchange', kind: 'range', requestArg: 0, value: 30 },
  },
  {
    name: 'opcode 25: five zero bytes',
    provenance: `${EXTCOM} (process_bafang_display_read_unknown3)`,
    captured: false,
    bytes: hex('11 25 00 00 00 00 00 00'),
    expected: { direction: 'exchange', kind: 'unknown25', requestArg: 0, data: [0, 0, 0, 0] },
  },
  {
    name: 'read request with no answer',
    provenance: 'constructed: what the splitter gives out when no valid reply follows a request',
    captured: false,
    bytes: hex('11 0A'),
    expected: { direction: 'request', kind: 'unanswered', opcode: 0x0a, requestArg: null },
  },
  { name: 'assist 0', provenance: COP, captured: true, bytes: hex('16 0B 00 21'), expected: assist(0x00, 0, 0) },
  {
    name: 'assist 1 of 9',
    provenance: COP,
    captured: true,
    bytes: hex('16 0B 01 22'),
    expected: assist(0x01, 1, null),
  },
  {
    name: 'assist 2 of 9, 1 of 5',
    provenance: COP,
    captured: true,
    bytes: hex('16 0B 0B 2C'),
    expected: assist(0x0b, 2, 1),
  },
  {
    name: 'assist 4 of 9, 2 of 5',
    provenance: COP,
    captured: true,
    bytes: hex('16 0B 0D 2E'),
    expected: assist(0x0d, 4, 2),
  },
  {
    name: 'assist 6 of 9, 3 of 5',
    provenance: COP,
    captured: true,
    bytes: hex('16 0B 15 36'),
    expected: assist(0x15, 6, 3),
  },
  {
    name: 'assist 9 of 9, 5 of 5',
    provenance: COP,
    captured: true,
    bytes: hex('16 0B 03 24'),
    expected: assist(0x03, 9, 5),
  },
  {
    name: 'walk assist',
    provenance: 'constructed; 06 is ASSIST_PUSH in bbs-fw extcom.c and A_PUSH in FTEX lcd_bafang_comm.h',
    captured: false,
    bytes: hex('16 0B 06 27'),
    expected: assist(0x06, null, null, true),
  },
  {
    name: 'mode: sport',
    provenance: 'constructed; bbs-fw extcom.c process_bafang_display_write_mode: 04 sport, sum checksum',
    captured: false,
    bytes: hex('16 0C 04 26'),
    expected: { direction: 'write', kind: 'mode', code: 0x04, mode: 'sport' },
  },
  {
    name: 'lights on',
    provenance: 'constructed; bbs-fw extcom.c: F1 on / F0 off, no checksum (EBiCS: BF_LIGHTON 241)',
    captured: false,
    bytes: hex('16 1A F1'),
    expected: { direction: 'write', kind: 'lights', on: true },
  },
  {
    name: 'speed limit: 202 (25 km/h as wheel rpm on 2.0625 m)',
    provenance: 'constructed; bbs-fw extcom.c reads 16 1F hi lo sum as a wheel rpm limit, EBiCS as a wheel diameter',
    captured: false,
    bytes: hex('16 1F 00 CA FF'),
    expected: { direction: 'write', kind: 'speedLimit', value: 202, checksum: 0xff, checksumValid: true },
  },
];

export const bafangStreams: BafangStreamVector[] = [
  {
    name: 'a poll round with the assist command first',
    provenance: 'constructed from the vectors above, in the order the simulator polls',
    bytes: hex('16 0B 0D 2E 11 08 01 11 0A 10 10 11 20 00 A1 C1 11 31 31 31 11 11 50 50'),
    frames: [
      hex('16 0B 0D 2E'),
      hex('11 08 01'),
      hex('11 0A 10 10'),
      hex('11 20 00 A1 C1'),
      hex('11 31 31 31'),
      hex('11 11 50 50'),
    ],
    discards: [],
  },
  {
    name: 'status poll unanswered, then a normal exchange',
    provenance: 'constructed: the look-ahead must not read the next request as a 0x11 status',
    bytes: hex('11 08 11 0A 10 10'),
    frames: [hex('11 08'), hex('11 0A 10 10')],
    discards: [],
  },
  {
    name: 'a real 0x11 status, then an exchange',
    provenance: 'constructed: here 11 11 0A 10 is no valid exchange, so 0x11 stays the status',
    bytes: hex('11 08 11 11 0A 10 10'),
    frames: [hex('11 08 11'), hex('11 0A 10 10')],
    discards: [],
  },
  {
    name: 'wheel speed with a corrupted checksum',
    provenance: 'the wheel-speed vector with its last byte changed from C1 to C2',
    bytes: hex('11 20 00 A1 C2 11 0A 10 10'),
    frames: [hex('11 20'), hex('11 0A 10 10')],
    discards: [{ reason: 'garbage', bytes: hex('00 A1 C2') }],
  },
  {
    name: 'assist command with a bad checksum, an unknown opcode, a bad lights value',
    provenance: 'constructed from the captured 16 0B 01 22 (checksum changed to 23)',
    bytes: hex('16 0B 01 23 11 99 16 1A F2 11 0A 10 10'),
    frames: [hex('11 0A 10 10')],
    discards: [
      { reason: 'bad-checksum', bytes: hex('16 0B 01 23') },
      { reason: 'unknown-opcode', bytes: hex('11 99') },
      { reason: 'bad-checksum', bytes: hex('16 1A F2') },
    ],
  },
];
