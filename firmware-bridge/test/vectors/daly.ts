import type { DalyRequest, DalyResponse } from '../../src/daly/codec.js';
import type { DalyDiscardReason } from '../../src/daly/frame.js';

/**
 * Golden Daly A5 vectors. Every checksum below was re-computed before use. Bytes are data copied
 * from the named public captures and documents; the decoded values are ours, checked against the
 * values the source prints beside the bytes where it does. Constructed vectors say so.
 */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export interface ResponseVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  expected: DalyResponse;
}

export interface RequestVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  expected: DalyRequest;
}

export interface StreamVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  frames: Uint8Array[];
  discards: { reason: DalyDiscardReason; bytes: Uint8Array }[];
  /** Bytes still held at the end (the head of a frame cut off by the capture). */
  pending: number;
}

const V12 =
  'Daly "UART/485 Communications Protocol V1.2" (maland16/daly-bms-uart, docs/Daly UART_485 Communications Protocol V1.2.pdf), section 2 frame layout; REFERENCE.md §1 quotes the same request';
const SOLARREADER =
  'solarreader-plugins/plugin-dalybms src/test/java/de/schnippsche/solarreader/test/DalyBmsUsbConnection.java, the 14S replies of its test double. The file does not say where they came from; the 0x92 and 0x95 replies carry bytes of the reply before them in reserved fields, as real boards do. DalyBmsTest.java expects 14 cells, 25.6 A, 3.74/3.784 V and 16 (the 0x93 life byte), as we decode';
const MPP_83 =
  'jblance/mpp-solar issue #83, comments by spilegi (mpp-solar 0.7.49 -I logs, an 8S pack asked from UART address 0x80), "response passed to decode"';
const MPP_516 =
  'jblance/mpp-solar issue #516 ("Fragmented cellVoltage serial response with Daly BMS", klvbdmh), the raw_response of one cellVoltages command';
const BATMON_416 =
  'fl4p/batmon-ha bmslib/test/test_daly_ble_connect.py, REPLIES "from the #416 snoop log" (a 4S pack at rest, over BLE)';
const BATMON_INLINE =
  'fl4p/batmon-ha bmslib/test/data/daly_uart_fixtures.py: a payload the batmon-ha author captured (bmslib/models/daly.py comment, per bmslib/test/data/SOURCES.md) in the A5 01 <id> 08 envelope that file builds; checksum recomputed by us';
const DALYMON_2 = 'jallum/dalymon issue #2, vicgwee sniffing Daly PCMaster switching the discharge MOSFET';
const CONSTRUCTED = 'constructed by us from the V1.2 layout; checksum computed by a script';

const soc = (voltageV: number, wireCurrentA: number, socPct: number, gatherVoltageV = 0): DalyResponse => ({
  kind: 'soc',
  address: 1,
  id: 0x90,
  soc: { voltageV, gatherVoltageV, wireCurrentA, socPct },
});
const cells = (frame: number, cellsV: number[], reserved: number): DalyResponse => ({
  kind: 'cellVoltages',
  address: 1,
  id: 0x95,
  cells: { frame, cellsV, reserved: [reserved] },
});
const status = (cellCount: number, sensorCount: number, dio: boolean[], cycles: number, reserved: number) =>
  ({
    kind: 'statusInfo',
    address: 1,
    id: 0x94,
    status: {
      cellCount,
      sensorCount,
      charger: false,
      load: false,
      inputs: dio.slice(0, 4),
      outputs: dio.slice(4, 8),
      cycles,
      reserved: [reserved],
    },
  }) satisfies DalyResponse;
const NO_DIO = [false, false, false, false, false, false, false, false];
const DI2 = [false, true, false, false, false, false, false, false];
const balancing = (...on: number[]) => Array.from({ length: 48 }, (_, i) => on.includes(i + 1));

/** The solarreader 14S session, in the order its test double answers. */
export const SOLARREADER_SESSION = {
  soc: 'A5 01 90 08 02 10 00 00 76 30 01 F4 EB',
  range: 'A5 01 91 08 0E C8 05 0E 9C 09 01 F4 C2',
  temperatureRange: 'A5 01 92 08 3D 01 3D 01 9C 09 01 F4 56',
  mos: 'A5 01 93 08 00 01 01 10 00 00 4E 20 C1',
  status: 'A5 01 94 08 0E 01 00 00 02 00 00 20 73',
  cells: [
    'A5 01 95 08 01 0E C0 0E C2 0E C7 20 D7',
    'A5 01 95 08 02 0E C8 0E C8 0E C6 20 E5',
    'A5 01 95 08 03 0E C2 0E C2 0E 9C 20 B0',
    'A5 01 95 08 04 0E C4 0E C4 0E C4 20 DD',
    'A5 01 95 08 05 0E C3 0E C0 0E C4 20 D9',
  ],
  temperatures: ['A5 01 96 08 01 3D 00 00 00 00 00 00 82', 'A5 01 96 08 02 00 00 00 00 00 00 00 46'],
  balance: 'A5 01 97 08 00 01 11 10 00 00 00 00 67',
  alarms: 'A5 01 98 08 00 00 11 11 00 00 00 00 68',
} as const;
const S = SOLARREADER_SESSION;
const MPP_83_CELLS = [
  'A5 01 95 08 01 0C CD 0C D6 0C D6 8E 6F',
  'A5 01 95 08 02 0C D7 0C D2 0C D6 8E 76',
  'A5 01 95 08 03 0C D4 0C D5 00 00 8E 95',
  'A5 01 95 08 04 00 00 00 00 00 00 8E D5',
  'A5 01 95 08 05 00 00 00 00 00 00 8E D6',
  'A5 01 95 08 06 00 00 00 00 00 00 8E D7',
  'A5 01 95 08 07 00 00 00 00 00 00 8E D8',
];

export const responseVectors: ResponseVector[] = [
  {
    name: '14S SOC: 52.8 V, 25.6 A on the wire, 50 %',
    provenance: SOLARREADER,
    bytes: fromHex(S.soc),
    expected: soc(52.8, 25.6, 50),
  },
  {
    name: '14S cell voltage range, previous reply bytes in the reserved tail',
    provenance: SOLARREADER,
    bytes: fromHex(S.range),
    expected: {
      kind: 'cellVoltageRange',
      address: 1,
      id: 0x91,
      range: { maxCellV: 3.784, maxCell: 5, minCellV: 3.74, minCell: 9, reserved: [0x01, 0xf4] },
    },
  },
  {
    name: '14S temperature range, one sensor at 21 °C',
    provenance: SOLARREADER,
    bytes: fromHex(S.temperatureRange),
    expected: {
      kind: 'temperatureRange',
      address: 1,
      id: 0x92,
      range: { maxC: 21, maxSensor: 1, minC: 21, minSensor: 1, reserved: [0x9c, 0x09, 0x01, 0xf4] },
    },
  },
  {
    name: '14S MOS status: idle, both MOSFETs on, 20 Ah left',
    provenance: SOLARREADER,
    bytes: fromHex(S.mos),
    expected: {
      kind: 'mosStatus',
      address: 1,
      id: 0x93,
      mos: { stateCode: 0, state: 'idle', chargeMos: true, dischargeMos: true, life: 16, remainingAh: 20 },
    },
  },
  {
    name: '14S status information: one sensor, DI2 set',
    provenance: SOLARREADER,
    bytes: fromHex(S.status),
    expected: status(14, 1, DI2, 0, 0x20),
  },
  ...S.cells.map((bytes, i) => ({
    name: `14S cell voltages, frame ${i + 1} of 5`,
    provenance: SOLARREADER,
    bytes: fromHex(bytes),
    expected: cells(
      i + 1,
      [
        [3.776, 3.778, 3.783],
        [3.784, 3.784, 3.782],
        [3.778, 3.778, 3.74],
        [3.78, 3.78, 3.78],
        [3.779, 3.776, 3.78],
      ][i] ?? [],
      0x20,
    ),
  })),
  {
    name: '14S temperatures, frame 1: sensor 1 at 21 °C, unused slots raw 0 (−40 °C)',
    provenance: SOLARREADER,
    bytes: fromHex(S.temperatures[0]),
    expected: {
      kind: 'temperatures',
      address: 1,
      id: 0x96,
      temperatures: { frame: 1, temperaturesC: [21, -40, -40, -40, -40, -40, -40] },
    },
  },
  {
    name: '14S balance bitmap (byte 0 bit 0 = cell 1: cells 9, 17, 21, 29)',
    provenance: `${SOLARREADER}. Cells past 14 show that this bitmap was made up or that its bit order differs; peers disagree on the order`,
    bytes: fromHex(S.balance),
    expected: {
      kind: 'balance',
      address: 1,
      id: 0x97,
      balance: { balancing: balancing(9, 17, 21, 29), reserved: [0, 0] },
    },
  },
  {
    name: 'alarms: charge over-current and SOC high level 1, cell difference level 1, reserved bit 4 of byte 3',
    provenance: SOLARREADER,
    bytes: fromHex(S.alarms),
    expected: {
      kind: 'alarms',
      address: 1,
      id: 0x98,
      alarms: {
        flags: ['chargeOverCurrentL1', 'socHighL1', 'cellVoltageDiffL1'],
        otherBits: [0, 0, 0, 0x10, 0, 0, 0],
        faultCode: 0,
      },
    },
  },
  {
    name: '8S SOC: 25.9 V, 6.9 A on the wire, 24.9 %',
    provenance: MPP_83,
    bytes: fromHex('A5 01 90 08 01 03 00 00 75 75 00 F9 25'),
    expected: soc(25.9, 6.9, 24.9),
  },
  ...MPP_83_CELLS.slice(0, 4).map((bytes, i) => ({
    name: `8S cell voltages, frame ${i + 1} (the board sends all 16 frames, empty ones too)`,
    provenance: MPP_83,
    bytes: fromHex(bytes),
    expected: cells(
      i + 1,
      [
        [3.277, 3.286, 3.286],
        [3.287, 3.282, 3.286],
        [3.284, 3.285, 0],
        [0, 0, 0],
      ][i] ?? [],
      0x8e,
    ),
  })),
  {
    name: '4S SOC at rest: 13.3 V, 0 A, 48.4 %',
    provenance: BATMON_416,
    bytes: fromHex('A5 01 90 08 00 85 00 00 75 30 01 E4 4D'),
    expected: soc(13.3, 0, 48.4),
  },
  {
    name: '4S status information: two sensors',
    provenance: BATMON_416,
    bytes: fromHex('A5 01 94 08 04 02 00 00 00 00 00 43 8B'),
    expected: status(4, 2, NO_DIO, 0, 0x43),
  },
  {
    name: 'MOS status while charging: 253.24 Ah left',
    provenance: BATMON_INLINE,
    bytes: fromHex('A5 01 93 08 01 01 01 CA 00 03 DD 38 26'),
    expected: {
      kind: 'mosStatus',
      address: 1,
      id: 0x93,
      mos: { stateCode: 1, state: 'charging', chargeMos: true, dischargeMos: true, life: 0xca, remainingAh: 253.24 },
    },
  },
  {
    name: '8S status information: DI2 set, 53 cycles',
    provenance: BATMON_INLINE,
    bytes: fromHex('A5 01 94 08 08 01 00 00 02 00 35 DC 5E'),
    expected: status(8, 1, DI2, 53, 0xdc),
  },
  {
    name: 'reply to a discharge-MOSFET switch (0xD9), kept raw',
    provenance: DALYMON_2,
    bytes: fromHex('A5 01 D9 08 01 0D 13 0D 21 0D 17 C0 BA'),
    expected: { kind: 'other', address: 1, id: 0xd9, data: [0x01, 0x0d, 0x13, 0x0d, 0x21, 0x0d, 0x17, 0xc0] },
  },
  {
    name: 'SOC while discharging: −12.3 A on the wire, gather voltage set',
    provenance: CONSTRUCTED,
    bytes: fromHex('A5 01 90 08 02 00 01 FF 74 B5 03 6B D7'),
    expected: soc(51.2, -12.3, 87.5, 51.1),
  },
  {
    name: 'temperature range below zero',
    provenance: CONSTRUCTED,
    bytes: fromHex('A5 01 92 08 2D 02 1C 01 00 00 00 00 8C'),
    expected: {
      kind: 'temperatureRange',
      address: 1,
      id: 0x92,
      range: { maxC: 5, maxSensor: 2, minC: -12, minSensor: 1, reserved: [0, 0, 0, 0] },
    },
  },
  {
    name: 'MOS status while discharging',
    provenance: CONSTRUCTED,
    bytes: fromHex('A5 01 93 08 02 01 01 07 00 00 44 5C EC'),
    expected: {
      kind: 'mosStatus',
      address: 1,
      id: 0x93,
      mos: { stateCode: 2, state: 'discharging', chargeMos: true, dischargeMos: true, life: 7, remainingAh: 17.5 },
    },
  },
  {
    name: 'balance on cells 1 and 13',
    provenance: CONSTRUCTED,
    bytes: fromHex('A5 01 97 08 01 10 00 00 00 00 00 00 56'),
    expected: { kind: 'balance', address: 1, id: 0x97, balance: { balancing: balancing(1, 13), reserved: [0, 0] } },
  },
  {
    name: 'alarms in every byte, a reserved bit, and fault code 0x21',
    provenance: CONSTRUCTED,
    bytes: fromHex('A5 01 98 08 0A 20 08 00 10 01 84 21 2E'),
    expected: {
      kind: 'alarms',
      address: 1,
      id: 0x98,
      alarms: {
        flags: [
          'cellVoltageHighL2',
          'cellVoltageLowL2',
          'dischargeTemperatureHighL2',
          'dischargeOverCurrentL2',
          'chargeMosStuckClosed',
          'afeChipFault',
          'shortCircuitProtection',
        ],
        otherBits: [0, 0, 0, 0, 0, 0, 0x80],
        faultCode: 0x21,
      },
    },
  },
  {
    name: 'temperatures numbered from 0, as the V1.2 text says',
    provenance: CONSTRUCTED,
    bytes: fromHex('A5 01 96 08 00 3E 3D 00 00 00 00 00 BF'),
    expected: {
      kind: 'temperatures',
      address: 1,
      id: 0x96,
      temperatures: { frame: 0, temperaturesC: [22, 21, -40, -40, -40, -40, -40] },
    },
  },
];

const read = (address: number, id: number, fill = 0): DalyRequest => ({ address, id, data: Array(8).fill(fill) });

export const requestVectors: RequestVector[] = [
  {
    name: 'read SOC on RS485',
    provenance: V12,
    bytes: fromHex('A5 40 90 08 00 00 00 00 00 00 00 00 7D'),
    expected: read(0x40, 0x90),
  },
  {
    name: 'read alarms on RS485 (checksum 85, last of REFERENCE.md’s 7E…85)',
    provenance: V12,
    bytes: fromHex('A5 40 98 08 00 00 00 00 00 00 00 00 85'),
    expected: read(0x40, 0x98),
  },
  {
    name: 'read SOC on UART',
    provenance: MPP_83,
    bytes: fromHex('A5 80 90 08 00 00 00 00 00 00 00 00 BD'),
    expected: read(0x80, 0x90),
  },
  {
    name: 'read cell voltages on UART',
    provenance: MPP_83,
    bytes: fromHex('A5 80 95 08 00 00 00 00 00 00 00 00 C2'),
    expected: read(0x80, 0x95),
  },
  {
    name: 'read SOC filled with 0xAA (batmon-ha’s wired fill)',
    provenance: 'fl4p/batmon-ha bmslib/test/data/daly_uart_fixtures.py REQUEST_FRAMES',
    bytes: fromHex('A5 40 90 08 AA AA AA AA AA AA AA AA CD'),
    expected: read(0x40, 0x90, 0xaa),
  },
  {
    name: 'switch the discharge MOSFET on (a write; the driver never sends one)',
    provenance: DALYMON_2,
    bytes: fromHex('A5 40 D9 08 01 00 00 00 00 00 00 00 C7'),
    expected: { address: 0x40, id: 0xd9, data: [1, 0, 0, 0, 0, 0, 0, 0] },
  },
];

export const streamVectors: StreamVector[] = [
  {
    name: 'cell voltages after a stray byte and a stale frame 6 from the reply before',
    provenance: `${MPP_516}: 0x7B, then a complete earlier frame 6, then frames 1–6`,
    bytes: fromHex(
      '7B A5 01 95 08 06 0C CE 0C D0 0C D0 A0 7B A5 01 95 08 01 0C D1 0C D0 0C CE A0 77 A5 01 95 08 02 0C D0 0C CF 0C D0 A0 78 A5 01 95 08 03 0C CF 0C D0 0C CF A0 78 A5 01 95 08 04 0C D0 0C CF 0C D0 A0 7A A5 01 95 08 05 0C CF 0C D0 0C CF A0 7A A5 01 95 08 06 0C CF 0C D0 0C CF A0 7B',
    ),
    frames: [
      'A5 01 95 08 06 0C CE 0C D0 0C D0 A0 7B',
      'A5 01 95 08 01 0C D1 0C D0 0C CE A0 77',
      'A5 01 95 08 02 0C D0 0C CF 0C D0 A0 78',
      'A5 01 95 08 03 0C CF 0C D0 0C CF A0 78',
      'A5 01 95 08 04 0C D0 0C CF 0C D0 A0 7A',
      'A5 01 95 08 05 0C CF 0C D0 0C CF A0 7A',
      'A5 01 95 08 06 0C CF 0C D0 0C CF A0 7B',
    ].map(fromHex),
    discards: [{ reason: 'garbage', bytes: fromHex('7B') }],
    pending: 0,
  },
  {
    name: 'status information behind two zero bytes',
    provenance: `${SOLARREADER} (its 0x94 reply starts with 00 00)`,
    bytes: fromHex(`00 00 ${S.status}`),
    frames: [fromHex(S.status)],
    discards: [{ reason: 'garbage', bytes: fromHex('00 00') }],
    pending: 0,
  },
  {
    name: 'all 16 cell frames from an 8S board, as far as the log shows them',
    provenance: `${MPP_83}; the excerpt we read is cut inside frame 8, so its 12 bytes stay pending`,
    bytes: fromHex(`${MPP_83_CELLS.join(' ')} A5 01 95 08 08 00 00 00 00 00 00 8E`),
    frames: MPP_83_CELLS.map(fromHex),
    discards: [],
    pending: 12,
  },
  {
    name: 'a request with the newline mpp-solar appends, then the reply',
    provenance: `${MPP_83} (full command …C2\\n)`,
    bytes: fromHex(`A5 80 95 08 00 00 00 00 00 00 00 00 C2 0A ${MPP_83_CELLS[0]}`),
    frames: [fromHex('A5 80 95 08 00 00 00 00 00 00 00 00 C2'), fromHex(MPP_83_CELLS[0] ?? '')],
    discards: [{ reason: 'garbage', bytes: fromHex('0A') }],
    pending: 0,
  },
];

/** Bytes that are no frame: decodeResponse must refuse them, the splitter must discard them. */
export const malformedVectors: StreamVector[] = [
  {
    name: 'checksum off by one',
    provenance: `${SOLARREADER}, last byte changed by us`,
    bytes: fromHex('A5 01 90 08 02 10 00 00 76 30 01 F4 EC'),
    frames: [],
    discards: [{ reason: 'bad-checksum', bytes: fromHex('A5 01 90 08 02 10 00 00 76 30 01 F4 EC') }],
    pending: 0,
  },
  {
    name: 'length byte 07 (checksum made to match)',
    provenance: CONSTRUCTED,
    bytes: fromHex('A5 01 90 07 02 10 00 00 76 30 01 F4 EA'),
    frames: [],
    discards: [{ reason: 'garbage', bytes: fromHex('A5 01 90 07 02 10 00 00 76 30 01 F4 EA') }],
    pending: 0,
  },
  {
    name: 'a truncated frame: held back, never a frame',
    provenance: `${SOLARREADER}, last byte dropped by us`,
    bytes: fromHex('A5 01 90 08 02 10 00 00 76 30 01 F4'),
    frames: [],
    discards: [],
    pending: 12,
  },
  {
    name: 'wrong start byte',
    provenance: CONSTRUCTED,
    bytes: fromHex('A6 01 90 08 02 10 00 00 76 30 01 F4 EC'),
    frames: [],
    discards: [{ reason: 'garbage', bytes: fromHex('A6 01 90 08 02 10 00 00 76 30 01 F4 EC') }],
    pending: 0,
  },
  {
    name: 'the head of a lost frame, then a whole one: resync on the start byte inside',
    provenance: `${SOLARREADER}, 0x90 cut after six bytes by us`,
    bytes: fromHex(`A5 01 90 08 02 10 ${S.range}`),
    frames: [fromHex(S.range)],
    discards: [{ reason: 'bad-checksum', bytes: fromHex('A5 01 90 08 02 10') }],
    pending: 0,
  },
];
