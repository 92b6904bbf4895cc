import { BridgeError, BridgeErrorCode } from '../errors.js';
import { KT_BATTERY_BARS, KT_WHEEL_SIZES, ktFaultName } from './tables.js';

/**
 * KT / Kunteng display line (9600 8N1), both directions. Pure functions over Uint8Array.
 * No vendor document exists: every field below is from the reverse-engineered notes in
 * OpenSourceEBike/BMSBattery_S_controllers_firmware documentation/S12SN_to_LCD3.txt and
 * LCD3_to_S12SN-1.txt, romelec/KT_LCD8_override doc/LCD8_to_S12SN-1.txt, and the code of
 * EBiCS/EBiCS_Firmware Src/display_kunteng.c (see test/vectors/kt.ts for exact commits).
 *
 * Controller → LCD: 12 bytes, 41 B1…B11, B6 = XOR of B1…B11 (B6 itself excluded; B0 is not in it,
 * whatever the notes' prose says: their own example only checks out without it).
 * LCD → controller: 13 bytes, no start byte, ends with 32|37 0E; B5 = XOR of the other twelve
 * bytes XOR a per-display key (2 on an LCD3, 31 on an LCD8; EBiCS searches 0–50).
 */
export const KT_CONTROLLER_START = 0x41;
export const KT_CONTROLLER_FRAME_LENGTH = 12;
export const KT_LCD_FRAME_LENGTH = 13;
export const KT_LCD_END = 0x0e;
/** B11 without the LCD8's L1 bits (6–7). EBiCS accepts both values. */
export const KT_LCD_TERMINATORS: readonly number[] = [0x32, 0x37];
/** The key range EBiCS learns from (display_kunteng.c check_message: 0…50). */
export const KT_LCD_DEFAULT_KEYS: readonly number[] = Array.from({ length: 51 }, (_, i) => i);

/** Stopped sentinel: OSEC and EBiCS send a 4500 ms period when the wheel does not turn. */
export const KT_STOPPED_PERIOD_MS = 4500;

export interface KtControllerStatus {
  direction: 'controller';
  /** B1 as sent: 0 empty box, 1 border flashing, 2 charging animation, 3 empty, 4/8/12/16 one to four bars. */
  batteryLevel: number;
  /** Bars shown (0–4), or null when B1 is one of the animations or unknown. */
  batteryBars: number | null;
  /** B2: the controller's nominal voltage (cells × 3.45, e.g. 24 for 7S, 48 in the notes' example). */
  nominalVoltageV: number;
  /** B3–B4 big-endian: one wheel turn in ms. */
  wheelPeriodMs: number;
  errorCode: number;
  faultName: string;
  /** B7 as sent; the flags below are views of it. */
  modeBits: number;
  throttle: boolean;
  cruise: boolean;
  assist: boolean;
  brake: boolean;
  /** B8 in 0.25 A steps (battery current; the LCD multiplies it by its voltage for watts). */
  currentA: number;
  /** B9 is a signed byte carrying T − 15 °C. */
  motorTempC: number;
  /** B10, B11: zero in every source; kept so re-encoding loses nothing. */
  reserved: [number, number];
}

export interface KtLcdSettings {
  direction: 'lcd';
  /** B0: parameter P5 (battery monitoring). */
  p5: number;
  /** B1 bits 0–2: assist level 0–5, 6 = walk assist. */
  assistLevel: number;
  walkAssist: boolean;
  /** B1 bit 7: front light (and backlight). */
  light: boolean;
  /** 10 + six bits: B2 bits 3–7 and B4 bit 5. */
  maxSpeedKmh: number;
  /** B2 bits 0–2 then B4 bits 6–7. */
  wheelSizeCode: number;
  /** Rim size for the code, or null when no source names it. */
  wheelSize: string | null;
  p1: number;
  p2: number;
  p3: number;
  p4: number;
  c1: number;
  c2: number;
  c4: number;
  c5: number;
  c12: number;
  c13: number;
  c14: number;
  /** LCD8 only: B11 bits 6–7 and B10 bit 0. */
  l1: number;
  l3: number;
  /** B11 bits 0–5: 0x32 or 0x37. */
  terminator: number;
  /** B5 XOR the other twelve bytes. */
  checksumKey: number;
  /** Bits no source names, per byte, kept so re-encoding loses nothing. */
  spareBits: { b1: number; b6: number; b7: number; b8: number; b9: number; b10: number };
}

export type KtMessage = KtControllerStatus | KtLcdSettings;

/** XOR of B1…B11 without B6, for the frame starting at `at`. */
export function ktControllerChecksum(buf: Uint8Array, at = 0): number {
  let x = 0;
  for (let i = 1; i < KT_CONTROLLER_FRAME_LENGTH; i++) if (i !== 6) x ^= buf[at + i] ?? 0;
  return x;
}

/** XOR of the thirteen LCD bytes without B5; XOR it with B5 to get the display's key. */
export function ktLcdXor(buf: Uint8Array, at = 0): number {
  let x = 0;
  for (let i = 0; i < KT_LCD_FRAME_LENGTH; i++) if (i !== 5) x ^= buf[at + i] ?? 0;
  return x;
}

export function isKtLcdTail(b11: number | undefined, b12: number | undefined): boolean {
  return b12 === KT_LCD_END && b11 !== undefined && KT_LCD_TERMINATORS.includes(b11 & 0x3f);
}

export function decodeControllerFrame(frame: Uint8Array): KtControllerStatus {
  if (frame.length !== KT_CONTROLLER_FRAME_LENGTH || frame[0] !== KT_CONTROLLER_START) {
    throw invalid(`not one KT controller frame (${frame.length} bytes, start 0x${hex(frame[0])})`);
  }
  const carried = at(frame, 6);
  if (carried !== ktControllerChecksum(frame)) throw invalid(`KT controller checksum 0x${hex(carried)} does not match`);
  const batteryLevel = at(frame, 1);
  const errorCode = at(frame, 5);
  const modeBits = at(frame, 7);
  return {
    direction: 'controller',
    batteryLevel,
    batteryBars: KT_BATTERY_BARS.get(batteryLevel) ?? null,
    nominalVoltageV: at(frame, 2),
    wheelPeriodMs: (at(frame, 3) << 8) | at(frame, 4),
    errorCode,
    faultName: ktFaultName(errorCode),
    modeBits,
    // Bit 1 is the throttle in the firmwares and in the notes' own example (B7 = 2).
    throttle: (modeBits & 0x02) !== 0,
    cruise: (modeBits & 0x08) !== 0,
    assist: (modeBits & 0x10) !== 0,
    brake: (modeBits & 0x20) !== 0,
    currentA: at(frame, 8) / 4,
    motorTempC: ((at(frame, 9) << 24) >> 24) + 15,
    reserved: [at(frame, 10), at(frame, 11)],
  };
}

export function encodeControllerFrame(
  status: Omit<
    KtControllerStatus,
    'direction' | 'batteryBars' | 'faultName' | 'throttle' | 'cruise' | 'assist' | 'brake'
  >,
): Uint8Array {
  const period = status.wheelPeriodMs;
  if (!Number.isInteger(period) || period < 0 || period > 0xffff) throw range('wheelPeriodMs', period, '0–65535');
  const temp = Math.round(status.motorTempC) - 15;
  if (!Number.isFinite(temp) || temp < -128 || temp > 127) throw range('motorTempC', status.motorTempC, '−113–142 °C');
  const frame = Uint8Array.of(
    KT_CONTROLLER_START,
    byte('batteryLevel', status.batteryLevel),
    byte('nominalVoltageV', status.nominalVoltageV),
    period >>> 8,
    period & 0xff,
    byte('errorCode', status.errorCode),
    0,
    byte('modeBits', status.modeBits),
    byte('currentA × 4', Math.round(status.currentA * 4)),
    temp & 0xff,
    byte('reserved[0]', status.reserved[0]),
    byte('reserved[1]', status.reserved[1]),
  );
  frame[6] = ktControllerChecksum(frame);
  return frame;
}

export function decodeLcdFrame(frame: Uint8Array, keys: readonly number[] = KT_LCD_DEFAULT_KEYS): KtLcdSettings {
  if (frame.length !== KT_LCD_FRAME_LENGTH || !isKtLcdTail(frame[11], frame[12])) {
    throw invalid(`not one KT LCD frame (${frame.length} bytes)`);
  }
  const checksumKey = ktLcdXor(frame) ^ at(frame, 5);
  if (!keys.includes(checksumKey)) throw invalid(`KT LCD checksum key ${checksumKey} is not an accepted key`);
  const [b0, b1, b2, b3, b4, , b6, b7, b8, b9, b10, b11] = Array.from(frame);
  const wheelSizeCode = (((b2 ?? 0) & 0x07) << 2) | ((b4 ?? 0) >> 6);
  const assistLevel = (b1 ?? 0) & 0x07;
  return {
    direction: 'lcd',
    p5: b0 ?? 0,
    assistLevel,
    walkAssist: assistLevel === 6,
    light: ((b1 ?? 0) & 0x80) !== 0,
    maxSpeedKmh: 10 + (((b2 ?? 0) >> 3) | ((b4 ?? 0) & 0x20)),
    wheelSizeCode,
    wheelSize: KT_WHEEL_SIZES.get(wheelSizeCode)?.label ?? null,
    p1: b3 ?? 0,
    p2: (b4 ?? 0) & 0x07,
    p3: ((b4 ?? 0) >> 3) & 1,
    p4: ((b4 ?? 0) >> 4) & 1,
    c1: ((b6 ?? 0) >> 3) & 0x07,
    c2: (b6 ?? 0) & 0x07,
    c4: (b8 ?? 0) >> 5,
    c5: (b7 ?? 0) & 0x0f,
    c12: (b9 ?? 0) & 0x0f,
    c13: ((b10 ?? 0) >> 2) & 0x07,
    c14: ((b7 ?? 0) >> 5) & 0x03,
    l1: (b11 ?? 0) >> 6,
    l3: (b10 ?? 0) & 0x01,
    terminator: (b11 ?? 0) & 0x3f,
    checksumKey,
    spareBits: {
      b1: (b1 ?? 0) & 0x78,
      b6: (b6 ?? 0) & 0xc0,
      b7: (b7 ?? 0) & 0x90,
      b8: (b8 ?? 0) & 0x1f,
      b9: (b9 ?? 0) & 0xf0,
      b10: (b10 ?? 0) & 0xe2,
    },
  };
}

export function encodeLcdFrame(s: Omit<KtLcdSettings, 'direction' | 'walkAssist' | 'wheelSize'>): Uint8Array {
  const speed = s.maxSpeedKmh - 10;
  if (!Number.isInteger(speed) || speed < 0 || speed > 63) throw range('maxSpeedKmh', s.maxSpeedKmh, '10–73');
  if (!KT_LCD_TERMINATORS.includes(s.terminator)) throw range('terminator', s.terminator, '0x32 or 0x37');
  const sp = s.spareBits;
  const frame = Uint8Array.of(
    byte('p5', s.p5),
    bits('assistLevel', s.assistLevel, 3) | (s.light ? 0x80 : 0) | mask('spareBits.b1', sp.b1, 0x78),
    ((speed & 0x1f) << 3) | (bits('wheelSizeCode', s.wheelSizeCode, 5) >> 2),
    byte('p1', s.p1),
    ((s.wheelSizeCode & 0x03) << 6) |
      (speed & 0x20) |
      (bits('p4', s.p4, 1) << 4) |
      (bits('p3', s.p3, 1) << 3) |
      bits('p2', s.p2, 3),
    0,
    (bits('c1', s.c1, 3) << 3) | bits('c2', s.c2, 3) | mask('spareBits.b6', sp.b6, 0xc0),
    (bits('c14', s.c14, 2) << 5) | bits('c5', s.c5, 4) | mask('spareBits.b7', sp.b7, 0x90),
    (bits('c4', s.c4, 3) << 5) | mask('spareBits.b8', sp.b8, 0x1f),
    bits('c12', s.c12, 4) | mask('spareBits.b9', sp.b9, 0xf0),
    (bits('c13', s.c13, 3) << 2) | bits('l3', s.l3, 1) | mask('spareBits.b10', sp.b10, 0xe2),
    (bits('l1', s.l1, 2) << 6) | s.terminator,
    KT_LCD_END,
  );
  frame[5] = ktLcdXor(frame) ^ byte('checksumKey', s.checksumKey);
  return frame;
}

/** Either direction, told apart by length (12 vs 13). Throws BRG_FRAME_INVALID on anything else. */
export function decodeKtFrame(frame: Uint8Array, keys?: readonly number[]): KtMessage {
  if (frame.length === KT_CONTROLLER_FRAME_LENGTH) return decodeControllerFrame(frame);
  if (frame.length === KT_LCD_FRAME_LENGTH) return decodeLcdFrame(frame, keys);
  throw invalid(`a KT frame is 12 or 13 bytes, not ${frame.length}`);
}

function at(frame: Uint8Array, i: number): number {
  return frame[i] ?? 0;
}

function bits(name: string, value: number, width: number): number {
  const max = (1 << width) - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) throw range(name, value, `0–${max}`);
  return value;
}

function mask(name: string, value: number, allowed: number): number {
  if (!Number.isInteger(value) || (value & ~allowed) !== 0) throw range(name, value, `bits of 0x${hex(allowed)}`);
  return value;
}

function byte(name: string, value: number): number {
  return bits(name, value, 8);
}

function invalid(message: string): BridgeError {
  return new BridgeError(BridgeErrorCode.FRAME_INVALID, message);
}

function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}

function hex(value: number | undefined): string {
  return (value ?? 0).toString(16).padStart(2, '0');
}
