import type { KtControllerStatus, KtLcdSettings, KtMessage } from '../../src/kt/codec.js';

/**
 * Golden KT vectors. "Captured" bytes are copied as data from the named public notes, and every
 * checksum was recomputed before use (one that did not verify is kept as a negative vector);
 * "constructed" ones are ours, built with the documented layout to reach fields no capture shows.
 */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export interface KtVector {
  name: string;
  provenance: string;
  captured: boolean;
  bytes: Uint8Array;
  expected: KtMessage;
}

export interface KtNegativeVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  /** Narrower LCD keys than the default, when the vector is about keys. */
  lcdChecksumKeys?: readonly number[];
  /** What a splitter makes of the bytes followed by one good frame. */
  discardReasons: string[];
}

const OSEC = 'OpenSourceEBike/BMSBattery_S_controllers_firmware @4912740b';
const S12SN_TO_LCD3 = `${OSEC} documentation/S12SN_to_LCD3.txt, "(e.g: 65 16 48 0 139 0 164 2 13 0 0 0)"`;
const LCD3_TO_S12SN = `${OSEC} documentation/LCD3_to_S12SN-1.txt, "(e.g: 12 0 149 160 41 102 18 74 4 20 0 50 14)"`;
const LCD8_NOTES = 'romelec/KT_LCD8_override @33f90781 doc/LCD8_to_S12SN-1.txt, wheel-size table';

function controller(overrides: Partial<KtControllerStatus>): KtControllerStatus {
  return {
    direction: 'controller',
    batteryLevel: 16,
    batteryBars: 4,
    nominalVoltageV: 48,
    wheelPeriodMs: 0,
    errorCode: 0,
    faultName: 'none',
    modeBits: 0,
    throttle: false,
    cruise: false,
    assist: false,
    brake: false,
    currentA: 0,
    motorTempC: 15,
    reserved: [0, 0],
    ...overrides,
  };
}

function lcd(overrides: Partial<KtLcdSettings>): KtLcdSettings {
  return {
    direction: 'lcd',
    p5: 0,
    assistLevel: 0,
    walkAssist: false,
    light: false,
    maxSpeedKmh: 10,
    wheelSizeCode: 0,
    wheelSize: '16"',
    p1: 0,
    p2: 0,
    p3: 0,
    p4: 0,
    c1: 0,
    c2: 0,
    c4: 0,
    c5: 0,
    c12: 0,
    c13: 0,
    c14: 0,
    l1: 0,
    l3: 0,
    terminator: 0x32,
    checksumKey: 0,
    spareBits: { b1: 0, b6: 0, b7: 0, b8: 0, b9: 0, b10: 0 },
    ...overrides,
  };
}

/** The LCD8's fixed parameter bytes (B3, B6–B9), the same on every row of its table. */
const LCD8_COMMON = {
  p5: 0x11,
  assistLevel: 1,
  maxSpeedKmh: 50,
  p1: 0x2e,
  p2: 1,
  p3: 1,
  c1: 2,
  c5: 10,
  c12: 4,
  c13: 1,
  c14: 2,
  checksumKey: 31,
  spareBits: { b1: 0, b6: 0, b7: 0x80, b8: 0x04, b9: 0x10, b10: 0 },
};

export const ktVectors: KtVector[] = [
  {
    name: 'controller: 4 bars, 48 V, 139 ms wheel period, throttle, 3.25 A',
    provenance: `${S12SN_TO_LCD3}. B6 = 0xA4 checks as XOR of B1…B11 (not of B0…B11 as the prose says). B9 = 0 reads as 15 °C by the notes' own T = B9 + 15`,
    captured: true,
    bytes: hex('41 10 30 00 8B 00 A4 02 0D 00 00 00'),
    expected: controller({ wheelPeriodMs: 139, modeBits: 2, throttle: true, currentA: 3.25 }),
  },
  {
    name: 'controller: stopped, empty battery, cruise, −23 °C',
    provenance: `constructed; B9 = 0xDA is the notes' own example for −23 °C (${S12SN_TO_LCD3}), 4500 ms is OSEC's stopped period (display.c)`,
    captured: false,
    bytes: hex('41 03 24 11 94 00 70 08 00 DA 00 00'),
    expected: controller({
      batteryLevel: 3,
      batteryBars: 0,
      nominalVoltageV: 36,
      wheelPeriodMs: 4500,
      modeBits: 0x08,
      cruise: true,
      motorTempC: -23,
    }),
  },
  {
    name: 'controller: short circuit (0x21), brake, flashing battery, 67 °C, full-scale current',
    provenance: `constructed; 0x21 is MOTOR_CONTROLLER_ERROR_06_SHORT_CIRCUIT in ${OSEC.split(' ')[0]} motor.h @0289beae, B9 = 0x34 the notes' 67 °C example`,
    captured: false,
    bytes: hex('41 01 30 01 2C 21 C6 30 FF 34 00 00'),
    expected: controller({
      batteryLevel: 1,
      batteryBars: null,
      wheelPeriodMs: 300,
      errorCode: 0x21,
      faultName: 'short-circuit',
      modeBits: 0x30,
      assist: true,
      brake: true,
      currentA: 63.75,
      motorTempC: 67,
    }),
  },
  {
    name: 'LCD3: P5 12, assist 0, 60 km/h, 26", key 2',
    provenance: `${LCD3_TO_S12SN}; B5 = 0x66 checks with key 2 as the notes say. The notes' 23-byte copy-mode dump of the same LCD agrees on 26", 60 km/h, P1 160, C1 2, C5 10, C12 4, C14 2 (it says C2 1 where B6 gives 2)`,
    captured: true,
    bytes: hex('0C 00 95 A0 29 66 12 4A 04 14 00 32 0E'),
    expected: lcd({
      p5: 12,
      maxSpeedKmh: 60,
      wheelSizeCode: 0x14,
      wheelSize: '26"',
      p1: 160,
      p2: 1,
      p3: 1,
      c1: 2,
      c2: 2,
      c5: 10,
      c12: 4,
      c14: 2,
      checksumKey: 2,
      spareBits: { b1: 0, b6: 0, b7: 0, b8: 0x04, b9: 0x10, b10: 0 },
    }),
  },
  {
    name: 'LCD8: assist 1, 50 km/h, 20", key 31',
    provenance: `${LCD8_NOTES}, rows "… L1=0" and "20"" (the same bytes); key 31 verifies on every row but one`,
    captured: true,
    bytes: hex('11 01 42 2e 29 b8 10 ca 04 14 04 32 0e'),
    expected: lcd({ ...LCD8_COMMON, wheelSizeCode: 0x08, wheelSize: '20"' }),
  },
  {
    name: 'LCD8: 29" wheel, L3 set',
    provenance: `${LCD8_NOTES}, row "29""`,
    captured: true,
    bytes: hex('11 01 47 2e a9 3c 10 ca 04 14 05 32 0e'),
    expected: lcd({ ...LCD8_COMMON, wheelSizeCode: 0x1e, wheelSize: '29"', l3: 1 }),
  },
  {
    name: 'LCD: walk assist, light on, 25 km/h, 700c, 0x37 terminator, key 10',
    provenance:
      'constructed; 0x37 and key 10 are what EBiCS/EBiCS_Firmware Src/display_kunteng.c kunteng_init() writes into its default frame, walk = 6 and the light bit from the LCD3 notes',
    captured: false,
    bytes: hex('0C 86 7E A0 09 26 12 4A 04 14 00 37 0E'),
    expected: lcd({
      p5: 12,
      assistLevel: 6,
      walkAssist: true,
      light: true,
      maxSpeedKmh: 25,
      wheelSizeCode: 0x18,
      wheelSize: '700c',
      p1: 160,
      p2: 1,
      p3: 1,
      c1: 2,
      c2: 2,
      c5: 10,
      c12: 4,
      c14: 2,
      terminator: 0x37,
      checksumKey: 10,
      spareBits: { b1: 0, b6: 0, b7: 0, b8: 0x04, b9: 0x10, b10: 0 },
    }),
  },
];

export const ktNegativeVectors: KtNegativeVector[] = [
  {
    name: 'controller frame with B6 off by one bit',
    provenance: `the first captured controller frame with B6 changed from A4 to A5 (${S12SN_TO_LCD3})`,
    bytes: hex('41 10 30 00 8B 00 A5 02 0D 00 00 00'),
    discardReasons: ['bad-checksum'],
  },
  {
    name: 'LCD8 row whose checksum gives key 28 where all its other rows give 31',
    provenance: `${LCD8_NOTES}, row "10"" (11 02 43 2e a9 38 …): probably a transcription slip; refused once the key is narrowed to the display's 31`,
    bytes: hex('11 02 43 2e a9 38 10 ca 04 14 05 32 0e'),
    lcdChecksumKeys: [31],
    discardReasons: ['bad-checksum'],
  },
  {
    name: 'LCD3 frame whose last byte is 0F, not 0E',
    provenance: `constructed from ${LCD3_TO_S12SN}`,
    bytes: hex('0C 00 95 A0 29 66 12 4A 04 14 00 32 0F'),
    discardReasons: ['garbage'],
  },
  {
    name: 'copy-mode dump (C11 = 2): 23 bytes that are no frame',
    provenance: `${OSEC} documentation/LCD3_to_S12SN-1.txt, "255 26 60 0 160 1 1 0 12 2 1 8 0 10 3 0 1 0 20 4 0 2 55"`,
    bytes: Uint8Array.from([255, 26, 60, 0, 160, 1, 1, 0, 12, 2, 1, 8, 0, 10, 3, 0, 1, 0, 20, 4, 0, 2, 55]),
    discardReasons: ['garbage'],
  },
  {
    name: 'controller frame cut after 7 bytes',
    provenance: `the first 7 bytes of the captured controller frame (${S12SN_TO_LCD3})`,
    bytes: hex('41 10 30 00 8B 00 A4'),
    discardReasons: ['bad-checksum'],
  },
];
