import type { JbdBasicInfo, JbdRequest, JbdResponse } from '../../src/jbd/codec.js';
import type { DiscardReason } from '../../src/jbd/frame.js';

/**
 * Golden JBD vectors. Every checksum below was re-computed before use. Bytes are data, copied
 * from the named public captures and documents; the decoded values are ours, cross-checked with
 * the values the source prints next to the bytes where it does.
 */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export interface ResponseVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  expected: JbdResponse;
}

export interface RequestVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  expected: JbdRequest;
}

export interface StreamVector {
  name: string;
  provenance: string;
  /** The reads, in order, exactly as the source printed them. */
  chunks: Uint8Array[];
  frames: Uint8Array[];
  discards: { reason: DiscardReason; bytes: Uint8Array }[];
}

const ESPHOME_README =
  'syssi/esphome-jbd-bms README.md, "Example response all sensors enabled" (ESPHome uart_debug log)';
const SP04_PDUS =
  'syssi/esphome-jbd-bms docs/pdus/JBD-SP04S034-L4S-200A-B-U.txt (UART capture of a JBD-SP04S034 4S board)';
const SP25_PDUS =
  'syssi/esphome-jbd-bms docs/pdus/JBD-SP25S003-L16S-100A-100A-B.txt (UART capture of a JBD-SP25S003 16S board; the log prints 100 Ah, 2022.2.16, SW 2.0, status 1)';
const VENDOR_DOC =
  'Jiabaida "Software Board General Protocol" worked examples, as transcribed in mahmoudamr1205/Electra_Bike JBD_BMS/Software_Board_Universal_Protocol_V13.md §3 and §11';

function basic(overrides: Partial<JbdBasicInfo>): JbdBasicInfo {
  return {
    voltageV: 0,
    currentA: 0,
    remainingAh: 0,
    nominalAh: 0,
    cycles: 0,
    productionDate: { year: 2000, month: 0, day: 0 },
    balancing: [],
    protection: [],
    protectionOtherBits: 0,
    softwareVersion: 0,
    socPct: 0,
    fets: { charge: false, discharge: false },
    fetOtherBits: 0,
    cellCount: 0,
    temperaturesC: [],
    extra: new Uint8Array(0),
    ...overrides,
  };
}

const off = (n: number): boolean[] => Array.from({ length: n }, () => false);

export const responseVectors: ResponseVector[] = [
  {
    name: '4S basic info, MOSFET software lock, discharge FET only',
    provenance: `${ESPHOME_README}; the log decodes it as 15.47 V, 4.93/5.00 Ah, 2022.3.28, errors 4096 "Mosfet Software Lock", SOC 99 %, status 2, 24.5/24.2/23.7 °C`,
    bytes: hex(
      'DD 03 00 1D 06 0B 00 00 01 ED 01 F4 00 00 2C 7C 00 00 00 00 10 00 80 63 02 04 03 0B A0 0B 9D 0B 98 FA 55 77',
    ),
    expected: {
      kind: 'basicInfo',
      register: 0x03,
      info: basic({
        voltageV: 15.47,
        remainingAh: 4.93,
        nominalAh: 5,
        productionDate: { year: 2022, month: 3, day: 28 },
        balancing: off(4),
        protection: ['mosfetSoftwareLock'],
        softwareVersion: 0x80,
        socPct: 99,
        fets: { charge: false, discharge: true },
        cellCount: 4,
        temperaturesC: [24.5, 24.2, 23.7],
      }),
    },
  },
  {
    name: '4S cell voltages',
    provenance: `${ESPHOME_README}; the log decodes it as 3.875/3.868/3.858/3.869 V`,
    bytes: hex('DD 04 00 08 0F 23 0F 1C 0F 12 0F 1D FF 4E 77'),
    expected: { kind: 'cellVoltages', register: 0x04, cellsV: [3.875, 3.868, 3.858, 3.869] },
  },
  {
    name: '4S basic info, three NTCs, both FETs on',
    provenance: `${SP04_PDUS}, line 1`,
    bytes: hex(
      'DD 03 00 1D 06 18 00 00 01 F2 01 F4 00 00 2C 7C 00 00 00 00 00 00 80 64 03 04 03 0B 8B 0B 8A 0B 84 FA 8D 77',
    ),
    expected: {
      kind: 'basicInfo',
      register: 0x03,
      info: basic({
        voltageV: 15.6,
        remainingAh: 4.98,
        nominalAh: 5,
        productionDate: { year: 2022, month: 3, day: 28 },
        balancing: off(4),
        softwareVersion: 0x80,
        socPct: 100,
        fets: { charge: true, discharge: true },
        cellCount: 4,
        temperaturesC: [22.4, 22.3, 21.7],
      }),
    },
  },
  {
    name: '4S cell voltages (second board capture)',
    provenance: `${SP04_PDUS}, line 3`,
    bytes: hex('DD 04 00 08 0F 45 0F 3D 0F 37 0F 3D FE C6 77'),
    expected: { kind: 'cellVoltages', register: 0x04, cellsV: [3.909, 3.901, 3.895, 3.901] },
  },
  {
    name: 'hardware model string',
    provenance: `${SP04_PDUS}, line 5`,
    bytes: hex('DD 05 00 19 4A 42 44 2D 53 50 30 34 53 30 33 34 2D 4C 34 53 2D 32 30 30 41 2D 42 2D 55 FA 08 77'),
    expected: { kind: 'hardwareVersion', register: 0x05, model: 'JBD-SP04S034-L4S-200A-B-U' },
  },
  {
    name: '16S basic info with no NTC at all (shortest legal 0x03)',
    provenance: SP25_PDUS,
    bytes: hex('DD 03 00 17 00 00 00 00 00 00 27 10 00 00 2C 50 00 00 00 00 00 00 20 00 01 10 00 FF 05 77'),
    expected: {
      kind: 'basicInfo',
      register: 0x03,
      info: basic({
        nominalAh: 100,
        productionDate: { year: 2022, month: 2, day: 16 },
        balancing: off(16),
        softwareVersion: 0x20,
        fets: { charge: true, discharge: false },
        cellCount: 16,
      }),
    },
  },
  {
    name: '16S cell voltages, last cell unconnected',
    provenance: SP25_PDUS,
    bytes: hex(
      'DD 04 00 20 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 0E 10 00 00 FE 1E 77',
    ),
    expected: { kind: 'cellVoltages', register: 0x04, cellsV: [...Array.from({ length: 15 }, () => 3.6), 0] },
  },
  {
    name: 'vendor example: 15S basic info',
    provenance: `${VENDOR_DOC} Example 2. V13 prints three callback-id bytes (AA BB CC) before the checksum; the checksum FB FF only fits without them (see malformed vectors), and this is the frame as earlier protocol versions print it`,
    bytes: hex('DD 03 00 1B 17 00 00 00 02 D0 03 E8 00 00 20 78 00 00 00 00 00 00 10 48 03 0F 02 0B 76 0B 82 FB FF 77'),
    expected: {
      kind: 'basicInfo',
      register: 0x03,
      info: basic({
        voltageV: 58.88,
        remainingAh: 7.2,
        nominalAh: 10,
        productionDate: { year: 2016, month: 3, day: 24 },
        balancing: off(15),
        softwareVersion: 0x10,
        socPct: 72,
        fets: { charge: true, discharge: true },
        cellCount: 15,
        temperaturesC: [20.3, 21.5],
      }),
    },
  },
  {
    name: 'vendor example: 15S cell voltages',
    provenance: `${VENDOR_DOC} Example 1`,
    bytes: hex(
      'DD 04 00 1E 0F 66 0F 63 0F 63 0F 64 0F 3E 0F 63 0F 37 0F 5B 0F 65 0F 3B 0F 63 0F 63 0F 3C 0F 66 0F 3D F9 F9 77',
    ),
    expected: {
      kind: 'cellVoltages',
      register: 0x04,
      cellsV: [3.942, 3.939, 3.939, 3.94, 3.902, 3.939, 3.895, 3.931, 3.941, 3.899, 3.939, 3.939, 3.9, 3.942, 3.901],
    },
  },
  {
    name: 'vendor example: hardware version',
    provenance: `${VENDOR_DOC} §3.3`,
    bytes: hex('DD 05 00 0A 30 31 32 33 34 35 36 37 38 39 FD E9 77'),
    expected: { kind: 'hardwareVersion', register: 0x05, model: '0123456789' },
  },
  {
    name: 'refused read (status 0x80)',
    provenance: 'constructed by us from the response layout in REFERENCE.md §1 (status 80 = error, no data)',
    bytes: hex('DD 03 80 00 FF 80 77'),
    expected: { kind: 'deviceError', register: 0x03, status: 0x80, data: new Uint8Array(0) },
  },
  {
    name: '13S discharging, balancing, protections, negative NTC, unknown tail',
    provenance:
      'constructed by us (checksum computed by hand-written script): exercises negative current and temperature, balance bits for cells 1 and 13, named protection bits 1 and 9 plus undocumented bit 14, and two trailing bytes newer firmware appends',
    bytes: hex(
      'DD 03 00 1D 14 79 FC E0 07 08 07 D0 00 25 30 72 10 01 00 00 42 02 21 5A 01 0D 02 0B A5 0A 74 00 2A F9 95 77',
    ),
    expected: {
      kind: 'basicInfo',
      register: 0x03,
      info: basic({
        voltageV: 52.41,
        currentA: -8,
        remainingAh: 18,
        nominalAh: 20,
        cycles: 37,
        productionDate: { year: 2024, month: 3, day: 18 },
        balancing: [true, ...off(11), true],
        protection: ['cellUnderVoltage', 'dischargeOverCurrent'],
        protectionOtherBits: 0x4000,
        softwareVersion: 0x21,
        socPct: 90,
        fets: { charge: true, discharge: false },
        cellCount: 13,
        temperaturesC: [25, -5.5],
        extra: hex('00 2A'),
      }),
    },
  },
];

export const requestVectors: RequestVector[] = [
  {
    name: 'read basic info',
    provenance: 'REFERENCE.md §1 read requests; also every capture above',
    bytes: hex('DD A5 03 00 FF FD 77'),
    expected: { action: 'read', register: 0x03, data: new Uint8Array(0) },
  },
  {
    name: 'read cell voltages',
    provenance: 'REFERENCE.md §1 read requests',
    bytes: hex('DD A5 04 00 FF FC 77'),
    expected: { action: 'read', register: 0x04, data: new Uint8Array(0) },
  },
  {
    name: 'read hardware version',
    provenance: 'REFERENCE.md §1 read requests',
    bytes: hex('DD A5 05 00 FF FB 77'),
    expected: { action: 'read', register: 0x05, data: new Uint8Array(0) },
  },
  {
    name: 'read protection statistics',
    provenance: `${VENDOR_DOC} §3.4`,
    bytes: hex('DD A5 AA 00 FF 56 77'),
    expected: { action: 'read', register: 0xaa, data: new Uint8Array(0) },
  },
];

const DEBUG_03 =
  'DD 03 00 1D 06 18 00 00 01 F2 01 F4 00 00 2C 7C 00 00 00 00 00 00 80 64 03 04 03 0B 8C 0B 8A 0B 84 FA 8C 77';
const DEBUG_05 = 'DD 05 00 19 4A 42 44 2D 53 50 30 34 53 30 33 34 2D 4C 34 53 2D 32 30 30 41 2D 42 2D 55 FA 08 77';

/** A real session in which reads came back split and with stale bytes in front. */
export const debugSession: StreamVector = {
  name: 'jbdtool session: split reads and stale bytes',
  provenance:
    'syssi/esphome-jbd-bms docs/debug.txt (jbdtool over /dev/ttyUSB0): the hex dumps of its reads, in order. Two reads it logged as 6 bytes without a dump are absent.',
  chunks: [
    hex('DD 03 00 1D 06 18 00'),
    hex('00 01 F2 01 F4 00 00 2C 7C 00 00 00 00 00 00 80 64 03 04 03 0B 8C 0B 8A 0B 84 FA 8C 77'),
    hex(DEBUG_03),
    hex('00 00 DD 04 00 08 0F 46 0F 3E 0F 37 0F 3D FE C4 77'),
    hex('DD 04 00 08 0F 46 0F 3E 0F 38 0F 3E FE C2 77'),
    hex(`0F 3E ${DEBUG_05}`),
    hex(DEBUG_05),
  ],
  frames: [
    hex(DEBUG_03),
    hex(DEBUG_03),
    hex('DD 04 00 08 0F 46 0F 3E 0F 37 0F 3D FE C4 77'),
    hex('DD 04 00 08 0F 46 0F 3E 0F 38 0F 3E FE C2 77'),
    hex(DEBUG_05),
    hex(DEBUG_05),
  ],
  discards: [
    { reason: 'garbage', bytes: hex('00 00') },
    { reason: 'garbage', bytes: hex('0F 3E') },
  ],
};

/** The V13 document's example with its callback-id bytes: the length byte no longer fits, so it must be refused. */
export const vendorCallbackIdFrame = {
  provenance: `${VENDOR_DOC} §3.1, verbatim`,
  bytes: hex(
    'DD 03 00 1B 17 00 00 00 02 D0 03 E8 00 00 20 78 00 00 00 00 00 00 10 48 03 0F 02 0B 76 0B 82 AA BB CC FB FF 77',
  ),
};
