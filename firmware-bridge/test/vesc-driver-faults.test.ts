import { describe, expect, it } from 'vitest';
import { type BridgeError, BridgeErrorCode } from '../src/errors.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { createMemoryPair } from '../src/transport/memory.js';
import {
  encodeFwVersionReply,
  encodeFwVersionRequest,
  encodeGetValuesSelectiveRequest,
  encodeSelectiveValuesReply,
} from '../src/vesc/codec.js';
import { VESC_SAMPLE_MASK, VescDriver, type VescDriverOptions } from '../src/vesc/driver.js';
import { encodeVescFrame } from '../src/vesc/frame.js';
import { breakableTransport } from './support/breakable-transport.js';
import { vescRig, vescScript } from './support/vesc-rig.js';
import { hex, replyVectors, VESC_RS_MASK } from './vectors/vesc.js';

const vectorBytes = (prefix: string): Uint8Array => {
  const found = replyVectors.find((v) => v.name.startsWith(prefix));
  if (found === undefined) throw new Error(`no vector ${prefix}`);
  return found.bytes;
};
const FW_605 = vectorBytes('FW_VERSION from firmware 6.05');
const SELECTIVE_FORWARD = vectorBytes('GET_VALUES_SELECTIVE turning forward');
/** A selective answer carrying every field of the sample mask. */
const sampleReply = (mask: number, tempFetC = 30) =>
  encodeSelectiveValuesReply(mask, {
    tempFetC,
    tempMotorC: 31,
    motorCurrentA: 0,
    inputCurrentA: 0,
    duty: 0,
    erpm: 0,
    inputVoltageV: 50,
    faultCode: 0,
  });
const FW_2 = encodeFwVersionReply({ major: 2, minor: 18, hardwareName: '410', extra: new Uint8Array(0) });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('VescDriver against scripted controllers', () => {
  it('turns captured replies into a sample', async () => {
    const { driver, seen, run, peer } = vescRig({ mask: VESC_RS_MASK });
    vescScript(peer, (r) => (r.kind === 'fwVersion' ? FW_605 : SELECTIVE_FORWARD));
    driver.start();
    await run(0);
    expect(seen.samples[0]).toMatchObject({ erpm: 989, voltageV: 37.5, inputCurrentA: 0.04, speedKmh: 6.31 });
    expect(seen.samples[0]?.powerW).toBe(1.5);
    expect(seen.errors).toEqual([]);
    await driver.stop();
  });

  it('reports a reply echoing another mask as BRG_MASK_MISMATCH and keeps the link connected', async () => {
    const { driver, seen, run, peer } = vescRig();
    vescScript(peer, (r) => (r.kind === 'fwVersion' ? FW_605 : SELECTIVE_FORWARD));
    driver.start();
    await run(2000);
    expect(driver.state).toBe('connected');
    expect(seen.samples).toEqual([]);
    expect(seen.errors.map((e) => e.code)).toEqual(Array(3).fill(BridgeErrorCode.MASK_MISMATCH));
    expect(driver.stats).toMatchObject({ maskMismatches: 3, decodeErrors: 3, timeouts: 0 });
    await driver.stop();
  });

  it('always asks for the fault code, whatever mask it is given', async () => {
    const asked: number[] = [];
    const { driver, seen, run, peer } = vescRig({ mask: 0x180 });
    vescScript(peer, (r) => {
      if (r.kind === 'fwVersion') return FW_605;
      if (r.kind !== 'getValuesSelective') return undefined;
      asked.push(r.mask);
      return encodeSelectiveValuesReply(r.mask, { erpm: 300, inputVoltageV: 50, faultCode: 3 });
    });
    driver.start();
    await run(0);
    expect(asked).toEqual([0x8180]);
    expect(seen.samples[0]).toMatchObject({ erpm: 300, voltageV: 50, faultCode: 3, faultName: 'drv' });
    expect(seen.samples[0]?.inputCurrentA).toBeUndefined();
    await driver.stop();
  });

  it('refuses to read values from firmware 2.x, whose layout differs, with BRG_DEVICE_ERROR', async () => {
    const { driver, seen, run, peer } = vescRig();
    vescScript(peer, (r) => (r.kind === 'fwVersion' ? FW_2 : SELECTIVE_FORWARD));
    driver.start();
    await run(1000);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.DEVICE_ERROR, BridgeErrorCode.DEVICE_ERROR]);
    expect(seen.samples).toEqual([]);
    expect(driver.stats.requests).toBe(1);
    expect(driver.state).toBe('connected');
    await driver.stop();
  });

  it('reports an unreadable FW_VERSION answer as BRG_PAYLOAD_SHORT and asks again next cycle', async () => {
    let fwAsked = 0;
    const { driver, seen, run, peer } = vescRig();
    vescScript(peer, (r) => {
      if (r.kind !== 'fwVersion') return sampleReply(VESC_SAMPLE_MASK);
      fwAsked++;
      return fwAsked === 1 ? encodeVescFrame(hex('00 06')) : FW_605;
    });
    driver.start();
    await run(1000);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.PAYLOAD_SHORT]);
    expect(seen.samples).toHaveLength(1);
    expect(seen.samples[0]).toMatchObject({ voltageV: 50, faultName: 'none' });
    await driver.stop();
  });

  it('refuses a values answer that stops before the fault code with BRG_PAYLOAD_SHORT', async () => {
    const { driver, seen, run, peer } = vescRig();
    vescScript(peer, (r) =>
      r.kind === 'fwVersion' ? FW_605 : encodeSelectiveValuesReply(VESC_SAMPLE_MASK, { tempFetC: 30 }),
    );
    driver.start();
    await run(0);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.PAYLOAD_SHORT]);
    expect(seen.samples).toEqual([]);
    await driver.stop();
  });

  it('ignores an echo of its own requests and counts frames nobody asked for', async () => {
    const { driver, seen, run, peer } = vescRig({ mask: VESC_RS_MASK });
    vescScript(peer, (r) => {
      const echo = r.kind === 'fwVersion' ? encodeFwVersionRequest() : encodeGetValuesSelectiveRequest(VESC_RS_MASK);
      const stray = hex('02 03 DE 04 00 B2 51 03');
      return Uint8Array.from([...echo, ...stray, ...(r.kind === 'fwVersion' ? FW_605 : SELECTIVE_FORWARD)]);
    });
    driver.start();
    await run(0);
    expect(seen.samples).toHaveLength(1);
    expect(driver.stats).toMatchObject({ echoes: 2, unexpectedFrames: 2, discardEvents: 0 });
    await driver.stop();
  });

  it('takes a late answer after a timeout as unexpected, not as the next answer', async () => {
    const { driver, seen, run, peer, clock } = vescRig({ responseTimeoutMs: 200 });
    let delayed = true;
    vescScript(peer, (r) => {
      if (r.kind === 'fwVersion') return FW_605;
      if (delayed) {
        delayed = false;
        clock.setTimeout(() => void peer.write(sampleReply(VESC_SAMPLE_MASK, 99)), 300);
        return undefined;
      }
      return sampleReply(VESC_SAMPLE_MASK);
    });
    driver.start();
    await run(2000);
    expect(seen.samples.map((s) => s.controllerTempC)).toEqual([30, 30]);
    expect(driver.stats).toMatchObject({ timeouts: 1, unexpectedFrames: 1 });
    await driver.stop();
  });

  it('reports a closed transport as BRG_PORT_CLOSED and, unanswered, goes silent', async () => {
    const { driver, seen, run, host } = vescRig();
    await host.close();
    driver.start();
    await run(1500);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.PORT_CLOSED, BridgeErrorCode.PORT_CLOSED]);
    expect(driver.state).toBe('silent');
    await driver.stop();
  });

  it('passes a link failure on as BRG_PORT_CLOSED with its cause, and unsubscribes cleanly', async () => {
    const link = breakableTransport();
    const { transport } = link;
    const driver = new VescDriver({ transport, clock: new ManualClock() });
    const errors: BridgeError[] = [];
    const off = driver.on('error', (e) => errors.push(e));
    // @ts-expect-error: only the documented events exist
    driver.on('bogus', () => undefined);
    driver.start();
    const cable = new Error('EIO');
    link.fail(cable);
    off();
    link.fail(new Error('after unsubscribe'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe(BridgeErrorCode.PORT_CLOSED);
    expect(errors[0]?.cause).toBe(cable);
    await driver.stop();
    expect(link.listening).toBe(false);
  });

  it.each<[string, Partial<VescDriverOptions>]>([
    ['a negative mask', { mask: -1 }],
    ['a 33-bit mask', { mask: 2 ** 32 }],
    ['zero pole pairs', { motorPolePairs: 0 }],
    ['a NaN wheel', { wheelCircumferenceM: Number.NaN }],
    ['a zero poll interval', { pollIntervalMs: 0 }],
    ['a negative timeout', { responseTimeoutMs: -5 }],
  ])('refuses %s with BRG_OPTION_INVALID', (_, options) => {
    const [host] = createMemoryPair();
    expect(codeOf(() => new VescDriver({ transport: host, ...options }))).toBe(BridgeErrorCode.OPTION_INVALID);
  });
});
