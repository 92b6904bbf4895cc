import {
  encodeBasicInfo,
  encodeReadRequest,
  encodeResponse,
  JbdRegister,
  JbdStatus,
  nmea,
} from '@triporteur/firmware-bridge';
import { describe, expect, it } from 'vitest';
import { deviceConfig } from '../src/devices/config.js';
import { classify } from '../src/doctor/serial/classify.js';
import { classifyOpenFailure } from '../src/doctor/serial/open-error.js';
import { profileOf } from '../src/doctor/serial/profiles.js';
import { resampleUart } from './support/uart-model.js';

const jbd = profileOf(deviceConfig('battery', { type: 'jbd', path: '/dev/triporteur-bms' }));
const request = encodeReadRequest(JbdRegister.basicInfo);
const answer = encodeResponse(
  JbdRegister.basicInfo,
  JbdStatus.ok,
  encodeBasicInfo({
    voltageV: 52.1,
    currentA: -3,
    remainingAh: 15,
    nominalAh: 20,
    cycles: 4,
    productionDate: { year: 2024, month: 3, day: 18 },
    balancing: [],
    protection: [],
    protectionOtherBits: 0,
    softwareVersion: 0x21,
    socPct: 75,
    fets: { charge: true, discharge: true },
    fetOtherBits: 0,
    cellCount: 13,
    temperaturesC: [21, 22],
    extra: new Uint8Array(0),
  }),
);
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('classify: what one listening window amounts to', () => {
  it('a half-duplex RS485 echo followed by the answer is a pass, not an echo', () => {
    const verdict = classify(jbd, join(request, answer), [request]);
    expect(verdict).toMatchObject({ kind: 'answered' });
    expect(verdict.kind === 'answered' && verdict.detail).toBe('BMS JBD : 13 cellules, 52,10 V, SoC 75 %');
  });

  it('our request alone, twice, is an echo; other bytes are garbage; nothing is silence', () => {
    expect(classify(jbd, join(request, request), [request, request])).toEqual({ kind: 'echo', bytes: 14 });
    expect(classify(jbd, Uint8Array.of(0x00, 0xff, 0x80), [request])).toEqual({ kind: 'garbage', bytes: 3 });
    expect(classify(jbd, new Uint8Array(0), [request])).toEqual({ kind: 'silent' });
  });

  it('a GPS needs two valid sentences: one alone among noise is not the receiver', () => {
    const gps = profileOf({ type: 'nmea', path: '/dev/triporteur-gps', baudRate: 9600 });
    const rmc = nmea.encodeSentence({ type: 'RMC', talker: 'GN', status: 'V' });
    expect(classify(gps, join(Uint8Array.of(1, 2, 3), rmc), []).kind).toBe('garbage');
    expect(classify(gps, join(rmc, rmc), []).kind).toBe('answered');
  });
});

describe('resampleUart: the wrong-baud line of the fault rigs', () => {
  const frame = join(request, answer);

  it('hands the bytes over unchanged when both ends agree on the speed', () => {
    for (const baud of [1200, 9600, 115_200]) expect(resampleUart(frame, baud, baud)).toEqual(frame);
  });

  it('turns them into bytes no decoder accepts when the speeds differ, both ways', () => {
    for (const [tx, rx] of [
      [9600, 115_200],
      [115_200, 9600],
      [9600, 19_200],
      [19_200, 9600],
    ] as const) {
      const seen = resampleUart(frame, tx, rx);
      expect(seen).not.toEqual(frame);
      expect(classify(jbd, seen, []).kind).not.toBe('answered');
    }
  });

  it('a slow sender seen by a fast receiver reads as breaks (NUL bytes), as a real UART reports them', () => {
    // Each 9600-baud start bit lasts twelve 115200-baud bit times: a whole character of low level.
    expect(resampleUart(Uint8Array.of(0x00), 9600, 115_200)).toEqual(Uint8Array.of(0));
  });

  it('an inverted line decodes at no speed', () => {
    expect(classify(jbd, resampleUart(frame, 9600, 9600, { invert: true }), []).kind).not.toBe('answered');
  });
});

describe('classifyOpenFailure: why a port did not open', () => {
  it('reads serialport and kernel errors', () => {
    const locked = new Error('cannot open serial port /dev/x', {
      cause: new Error('Error Resource temporarily unavailable Cannot lock port'),
    });
    expect(classifyOpenFailure(locked)).toBe('locked');
    expect(classifyOpenFailure(Object.assign(new Error('open'), { code: 'EACCES' }))).toBe('permission');
    expect(classifyOpenFailure(new Error('Error: No such file or directory, cannot open /dev/x'))).toBe('missing');
    expect(classifyOpenFailure(new Error('something else'))).toBe('other');
  });
});
