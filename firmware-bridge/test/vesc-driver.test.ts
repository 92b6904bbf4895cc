import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VESC_SAMPLE_MASK } from '../src/vesc/driver.js';
import { vescRig } from './support/vesc-rig.js';

describe('VescDriver against the simulator', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('reads FW_VERSION once, then polls the selective mask and emits one sample per answer', async () => {
    const { driver, seen, run, simulate, clock } = vescRig();
    const sim = simulate();
    driver.start();
    await run(0);
    expect(driver.state).toBe('connected');
    expect(seen.states).toEqual(['connected']);
    expect(seen.firmware).toEqual([driver.firmware]);
    expect(driver.firmware).toMatchObject({ major: 6, minor: 5, hardwareName: '60' });
    expect(seen.samples).toEqual([
      {
        kind: 'motor',
        source: 'vesc',
        at: clock.now(),
        erpm: 0,
        wheelRpm: 0,
        speedKmh: 0,
        inputCurrentA: 0,
        motorCurrentA: 0,
        voltageV: 52,
        powerW: 0,
        controllerTempC: 25,
        motorTempC: 28,
        dutyPct: 0,
        faultCode: 0,
        faultName: 'none',
        quality: { wheelRpm: 'inferred', speedKmh: 'inferred', powerW: 'inferred' },
      },
    ]);
    await run(3000);
    expect(seen.samples).toHaveLength(4);
    expect(driver.stats).toMatchObject({ cycles: 4, samples: 4, requests: 5, timeouts: 0, discardEvents: 0 });
    expect(sim.stats).toMatchObject({ requests: 5, replies: 5, ignoredUnknown: 0 });
    expect(VESC_SAMPLE_MASK).toBe(0x81cf);
    await driver.stop();
  });

  it('follows the ride: pulling away draws power, cruising reads 18 km/h, braking regenerates', async () => {
    const { driver, seen, run, simulate } = vescRig();
    simulate();
    driver.start();
    await run(60_000, 500);
    const bySecond = (s: number) => seen.samples[s];
    expect(bySecond(4)?.powerW).toBeGreaterThan(500);
    expect(bySecond(20)?.speedKmh).toBeCloseTo(18, 0);
    expect(bySecond(41)?.inputCurrentA).toBeLessThan(0);
    expect(bySecond(50)?.speedKmh).toBe(0);
    expect(seen.samples.every((s) => s.faultName === 'none')).toBe(true);
    await driver.stop();
  });

  it('calls a controller that is switched off asleep, without errors, and reads its firmware again when it wakes', async () => {
    const { driver, seen, run, simulate } = vescRig();
    const sim = simulate();
    driver.start();
    await run(0);
    sim.poweredOn = false;
    await run(2500);
    expect(driver.state).toBe('asleep');
    expect(driver.firmware).toBeUndefined();
    expect(seen.errors).toEqual([]);
    sim.poweredOn = true;
    await run(1000);
    expect(seen.states).toEqual(['connected', 'asleep', 'connected']);
    expect(seen.firmware).toHaveLength(2);
    expect(driver.stats.failedCycles).toBe(2);
    await driver.stop();
  });

  it('calls a controller that never answers silent, without errors', async () => {
    const { driver, seen, run, simulate } = vescRig();
    simulate({ poweredOn: false });
    driver.start();
    await run(5000);
    expect(seen.states).toEqual(['silent']);
    expect(seen.errors).toEqual([]);
    expect(driver.stats).toMatchObject({ samples: 0, timeouts: 5, failedCycles: 5 });
  });

  it('falls back to GET_VALUES on firmware older than 3.48, which ignores selective requests', async () => {
    const { driver, seen, run, simulate } = vescRig();
    const sim = simulate({ firmware: { major: 3, minor: 40 }, timeScale: 10 });
    driver.start();
    await run(2000);
    expect(seen.samples).toHaveLength(3);
    expect(seen.samples[2]?.speedKmh).toBeCloseTo(18, 0);
    expect(sim.stats.ignoredUnknown).toBe(0);
    expect(seen.errors).toEqual([]);
    await driver.stop();
  });

  it("sends GET_VALUES when told to, and takes a 5.02 firmware's 73-byte reply", async () => {
    const { driver, seen, run, simulate } = vescRig({ request: 'full' });
    simulate({ firmware: { major: 5, minor: 2 }, scenario: 'park' });
    driver.start();
    await run(1000);
    expect(seen.samples).toHaveLength(2);
    expect(seen.samples[0]).toMatchObject({ voltageV: 52, speedKmh: 0 });
    await driver.stop();
  });

  it('reports the fault scenario as motor over-temperature', async () => {
    const { driver, seen, run, simulate } = vescRig();
    simulate({ scenario: 'fault' });
    driver.start();
    await run(0);
    expect(seen.samples[0]).toMatchObject({ faultCode: 6, faultName: 'motor-over-temperature', speedKmh: 0 });
    expect(seen.samples[0]?.motorTempC).toBeGreaterThan(100);
    await driver.stop();
  });

  it('keeps sampling over a noisy line, reporting the noise as discards', async () => {
    const { driver, seen, run, simulate } = vescRig();
    simulate({ noise: (n) => Uint8Array.of(0x00, 0x02, 0x4a, n & 0xff, 0x03, 0x02) });
    driver.start();
    await run(5000);
    expect(seen.samples).toHaveLength(6);
    expect(seen.errors).toEqual([]);
    expect(seen.discards.length).toBeGreaterThanOrEqual(6);
    const { discardedBytes, frames } = driver.stats;
    expect(discardedBytes).toBe(6 * 7);
    expect(frames).toBe(7);
    await driver.stop();
  });

  it('stop() abandons the pending request quietly and leaves no timer behind, and start() polls again', async () => {
    const { driver, seen, run, clock, simulate } = vescRig();
    const sim = simulate({ poweredOn: false });
    driver.start();
    await run(200);
    expect(clock.pendingTimers).toBe(1);
    await driver.stop();
    expect(driver.state).toBe('stopped');
    expect(clock.pendingTimers).toBe(0);
    await run(10_000, 1000);
    expect(sim.stats.requests).toBe(1);
    expect(seen.errors).toEqual([]);
    sim.poweredOn = true;
    driver.start();
    await run(0);
    expect(seen.samples).toHaveLength(1);
    expect(seen.states).toEqual(['stopped', 'connecting', 'connected']);
    await driver.stop();
  });
});
