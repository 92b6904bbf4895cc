import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeResponse } from '../src/daly/codec.js';
import { DalyDriver, type DalyDriverOptions } from '../src/daly/driver.js';
import { type BridgeError, BridgeErrorCode } from '../src/errors.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { createMemoryPair } from '../src/transport/memory.js';
import { breakableTransport } from './support/breakable-transport.js';
import { dalyRig, dalyScript } from './support/daly-rig.js';
import { fromHex, responseVectors, SOLARREADER_SESSION, streamVectors } from './vectors/daly.js';

const S = SOLARREADER_SESSION;
const vector = (name: string) => {
  const found = responseVectors.find((v) => v.name.startsWith(name));
  if (found === undefined) throw new Error(`no vector ${name}`);
  return found.bytes;
};
const join = (...hex: string[]) => fromHex(hex.join(' '));

/** The 14S board of the solarreader fixture, answering every read with its recorded replies. */
const SOLARREADER_REPLIES: Record<number, Uint8Array> = {
  144: fromHex(S.soc),
  145: fromHex(S.range),
  146: fromHex(S.temperatureRange),
  147: fromHex(S.mos),
  148: join('00 00', S.status),
  149: join(...S.cells),
  150: join(...S.temperatures),
  152: fromHex(S.alarms),
};

describe('DalyDriver against recorded replies', () => {
  it('turns the 14S session into the sample its bytes say', async () => {
    const { driver, seen, run, peer } = dalyRig({ nominalAh: 100 });
    dalyScript(peer, (r) => SOLARREADER_REPLIES[r.id]);
    driver.start();
    await run(0);
    expect(seen.samples).toEqual([
      {
        kind: 'battery',
        source: 'daly',
        at: expect.any(Number),
        voltageV: 52.8,
        // The state byte says idle, so the sign is not judged.
        currentA: 25.6,
        socPct: 50,
        remainingAh: 20,
        nominalAh: 100,
        cycles: 0,
        cellsV: [3.776, 3.778, 3.783, 3.784, 3.784, 3.782, 3.778, 3.778, 3.74, 3.78, 3.78, 3.78, 3.779, 3.776],
        temperaturesC: [21],
        // Level 1 alarms only: nothing tripped.
        protection: [],
        fets: { charge: true, discharge: true },
      },
    ]);
    expect(seen.readings[0]?.alarms?.value.flags).toEqual(['chargeOverCurrentL1', 'socHighL1', 'cellVoltageDiffL1']);
    expect(seen.discards).toEqual([{ type: 'discarded', reason: 'garbage', bytes: fromHex('00 00') }]);
    // The board sends a second, empty temperature frame for its one sensor.
    expect(driver.stats).toMatchObject({ extraFrames: 1, unexpectedFrames: 0 });
    await driver.stop();
  });

  it('uses the stale frame 6 that lands before frames 1–5 (mpp-solar #516), and counts the late one', async () => {
    const { driver, seen, run, peer } = dalyRig();
    const [fragmented] = streamVectors;
    dalyScript(peer, (r) =>
      r.id === 0x94
        ? encodeFrame(1, 0x94, [16, 1, 0, 0, 0, 0, 5, 0])
        : r.id === 0x95
          ? fragmented?.bytes
          : SOLARREADER_REPLIES[r.id],
    );
    driver.start();
    await run(0);
    const cellsV = seen.samples[0]?.cellsV ?? [];
    expect(cellsV).toHaveLength(16);
    expect(cellsV.slice(0, 3)).toEqual([3.281, 3.28, 3.278]);
    expect(cellsV[15]).toBe(3.278);
    // The late frame 6, and the second temperature frame of the 14S board.
    expect(driver.stats).toMatchObject({ extraFrames: 2, unexpectedFrames: 0, discardEvents: 1 });
    await driver.stop();
  });

  it('takes the three frames an 8S board needs out of the many it sends (mpp-solar #83)', async () => {
    const { driver, seen, run, peer } = dalyRig();
    const frames = streamVectors.find((v) => v.name.startsWith('all 16'))?.frames ?? [];
    const cellReply = Uint8Array.from(frames.flatMap((f) => [...f]));
    dalyScript(peer, (r) =>
      r.id === 0x94
        ? encodeFrame(1, 0x94, [8, 1, 0, 0, 0, 0, 0, 0])
        : r.id === 0x95
          ? cellReply
          : SOLARREADER_REPLIES[r.id],
    );
    driver.start();
    await run(0);
    expect(seen.samples[0]?.cellsV).toEqual([3.277, 3.286, 3.286, 3.287, 3.282, 3.286, 3.284, 3.285]);
    // Frames 4–7, and the second temperature frame.
    expect(driver.stats).toMatchObject({ extraFrames: 5, unexpectedFrames: 0 });
    await driver.stop();
  });

  it('flips a wire current that contradicts a charging state byte', async () => {
    const { driver, seen, run, peer } = dalyRig();
    dalyScript(peer, (r) =>
      r.id === 0x90
        ? vector('SOC while discharging')
        : r.id === 0x93
          ? vector('MOS status while charging')
          : SOLARREADER_REPLIES[r.id],
    );
    driver.start();
    await run(0);
    expect(seen.samples[0]).toMatchObject({ currentA: 12.3, remainingAh: 253.24, quality: { currentA: 'inferred' } });
    expect(seen.warnings).toEqual([
      { kind: 'current-sign-mismatch', at: expect.any(Number), state: 'charging', configuredA: -12.3, reportedA: 12.3 },
    ]);
    await driver.stop();
  });
});

describe('DalyDriver against faulty peers', () => {
  it('ignores an RS485 echo of its own request', async () => {
    const { driver, seen, run, peer } = dalyRig({ link: 'rs485' });
    dalyScript(peer, (r) => {
      const answer = SOLARREADER_REPLIES[r.id] ?? new Uint8Array(0);
      return Uint8Array.from([...encodeFrame(r.address, r.id, r.data), ...answer]);
    });
    driver.start();
    await run(0);
    expect(seen.samples).toHaveLength(1);
    expect(driver.stats).toMatchObject({ echoes: 8, unexpectedFrames: 0 });
    await driver.stop();
  });

  it('stays connected but builds no sample from 0x90 alone, and says why', async () => {
    const { driver, seen, run, peer } = dalyRig();
    dalyScript(peer, (r) => (r.id === 0x90 ? SOLARREADER_REPLIES[0x90] : undefined));
    driver.start();
    await run(6_000);
    expect(driver.state).toBe('connected');
    expect(seen.samples).toEqual([]);
    // 0x91–0x94 and 0x98 time out; without 0x94 the multi-frame reads are not even tried.
    expect(seen.errors.slice(0, 5).map((e) => e.code)).toEqual(Array(5).fill(BridgeErrorCode.TIMEOUT));
    expect(driver.stats.failedCycles).toBeGreaterThanOrEqual(1);
    await driver.stop();
  });

  it('repeats the last alarms, marked stale, when 0x98 goes unanswered', async () => {
    const { driver, seen, run, peer } = dalyRig();
    let alarms = true;
    dalyScript(peer, (r) => (r.id === 0x98 && !alarms ? undefined : SOLARREADER_REPLIES[r.id]));
    driver.start();
    await run(0);
    alarms = false;
    await run(6_000);
    expect(seen.samples).toHaveLength(2);
    expect(seen.samples[1]?.quality).toEqual({ protection: 'stale' });
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.TIMEOUT]);
    await driver.stop();
  });

  it('counts a reply that decodes to nothing useful as unexpected and keeps going', async () => {
    const { driver, seen, run, peer } = dalyRig();
    dalyScript(peer, (r) =>
      Uint8Array.from([
        ...encodeResponse({ kind: 'other', address: 1, id: 0xd8, data: Array(8).fill(0) }),
        ...(SOLARREADER_REPLIES[r.id] ?? []),
      ]),
    );
    driver.start();
    await run(0);
    expect(seen.samples).toHaveLength(1);
    // One stray 0xD8 reply per read.
    expect(driver.stats).toMatchObject({ unexpectedFrames: 8, extraFrames: 1 });
    await driver.stop();
  });

  it('reports a closed transport as BRG_PORT_CLOSED and, unanswered, goes silent', async () => {
    const { driver, seen, run, host } = dalyRig();
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
    const driver = new DalyDriver({ transport, clock: new ManualClock(), nominalAh: 20 });
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

  it.each<[string, Partial<DalyDriverOptions>]>([
    ['no capacity', { nominalAh: 0 }],
    ['a capacity that is not a number', { nominalAh: Number.NaN }],
    ['a current sign of 2', { currentSign: 2 as never }],
    ['a negative deadband', { currentDeadbandA: -1 }],
    ['an unknown link', { link: 'can' as never }],
  ])('refuses %s with BRG_OPTION_INVALID', (_, options) => {
    const [host] = createMemoryPair();
    let code: string | undefined;
    try {
      new DalyDriver({ transport: host, nominalAh: 20, ...options });
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).toBe(BridgeErrorCode.OPTION_INVALID);
  });
});
