import { describe, expect, it } from 'vitest';
import { type BridgeError, BridgeErrorCode } from '../src/errors.js';
import { encodeResponse } from '../src/jbd/codec.js';
import { JbdDriver } from '../src/jbd/driver.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { breakableTransport } from './support/breakable-transport.js';
import { rig, script } from './support/driver-rig.js';
import { hex, responseVectors } from './vectors/jbd.js';

const vectorBytes = (name: string): Uint8Array => {
  const found = responseVectors.find((v) => v.name === name);
  if (found === undefined) throw new Error(`no vector ${name}`);
  return found.bytes;
};
const BASIC_4S = vectorBytes('4S basic info, three NTCs, both FETs on');
const CELLS_4S = vectorBytes('4S cell voltages (second board capture)');

describe('JbdDriver against scripted peers', () => {
  it('reports noise in front of an answer as a discard and still takes the answer at once', async () => {
    const { driver, seen, run, peer } = rig();
    script(peer, (r) => {
      const answer = r.register === 3 ? BASIC_4S : CELLS_4S;
      return Uint8Array.from([...hex('00 DD 03 00 40'), ...answer]);
    });
    driver.start();
    await run(0);
    expect(seen.samples).toHaveLength(1);
    expect(seen.samples[0]).toMatchObject({ voltageV: 15.6, cellsV: [3.909, 3.901, 3.895, 3.901] });
    expect(seen.discards.map((d) => d.reason)).toEqual(['garbage', 'garbage']);
    expect(driver.stats).toMatchObject({ discardEvents: 2, discardedBytes: 10, retries: 0 });
    await driver.stop();
  });

  it('reports a refused read as BRG_DEVICE_ERROR and keeps the link connected', async () => {
    const { driver, seen, run, peer } = rig();
    script(peer, (r) => encodeResponse(r.register, 0x80, new Uint8Array(0)));
    driver.start();
    await run(12_000);
    expect(driver.state).toBe('connected');
    expect(seen.samples).toEqual([]);
    expect(seen.errors.map((e) => e.code)).toEqual(Array(3).fill(BridgeErrorCode.DEVICE_ERROR));
    expect(driver.stats.deviceErrors).toBe(3);
    await driver.stop();
  });

  it('reports a short 0x03 payload as BRG_PAYLOAD_SHORT', async () => {
    const { driver, seen, run, peer } = rig();
    script(peer, (r) => encodeResponse(r.register, 0, new Uint8Array(10)));
    driver.start();
    await run(0);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.PAYLOAD_SHORT]);
    expect(driver.stats.decodeErrors).toBe(1);
    await driver.stop();
  });

  it('still emits a sample, without cells, when only 0x04 goes unanswered', async () => {
    const { driver, seen, run, peer } = rig();
    script(peer, (r) => (r.register === 3 ? BASIC_4S : undefined));
    driver.start();
    await run(2_500);
    expect(seen.samples).toHaveLength(1);
    expect(seen.samples[0]?.cellsV).toBeUndefined();
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.TIMEOUT]);
    expect(driver.state).toBe('connected');
    await driver.stop();
  });

  it('reads only 0x03 when readCells is false', async () => {
    const { driver, seen, run, peer } = rig({ readCells: false });
    const asked: number[] = [];
    script(peer, (r) => {
      asked.push(r.register);
      return BASIC_4S;
    });
    driver.start();
    await run(5_000);
    expect(asked).toEqual([3, 3]);
    expect(seen.samples.every((s) => s.cellsV === undefined)).toBe(true);
    await driver.stop();
  });

  it('ignores an RS485 echo of its own request and counts stray frames', async () => {
    const { driver, seen, run, peer } = rig();
    script(peer, (r) => {
      const echo = r.register === 3 ? hex('DD A5 03 00 FF FD 77') : hex('DD A5 04 00 FF FC 77');
      const stray = encodeResponse(0x05, 0, hex('41'));
      return Uint8Array.from([...echo, ...stray, ...(r.register === 3 ? BASIC_4S : CELLS_4S)]);
    });
    driver.start();
    await run(0);
    expect(seen.samples).toHaveLength(1);
    expect(driver.stats).toMatchObject({ echoes: 2, unexpectedFrames: 2, discardEvents: 0 });
    await driver.stop();
  });

  it('reports a closed transport as BRG_PORT_CLOSED and, unanswered, goes silent', async () => {
    const { driver, seen, run, host } = rig();
    await host.close();
    driver.start();
    await run(6_000);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.PORT_CLOSED, BridgeErrorCode.PORT_CLOSED]);
    expect(driver.state).toBe('silent');
    await driver.stop();
  });

  it('passes a link failure on as BRG_PORT_CLOSED with its cause, and unsubscribes cleanly', async () => {
    const link = breakableTransport();
    const { transport } = link;
    const driver = new JbdDriver({ transport, clock: new ManualClock() });
    const errors: BridgeError[] = [];
    const off = driver.on('error', (e) => errors.push(e));
    // @ts-expect-error: only the four documented events exist
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
});
