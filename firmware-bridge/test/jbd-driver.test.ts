import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rig } from './support/driver-rig.js';

describe('JbdDriver against the simulator', () => {
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

  it('polls 0x03 then 0x04 and emits one plausible sample per cycle', async () => {
    const { driver, seen, run, simulate, clock } = rig();
    simulate();
    driver.start();
    await run(0);
    expect(driver.state).toBe('connected');
    expect(seen.states).toEqual(['connected']);
    expect(seen.samples).toHaveLength(1);
    const [sample] = seen.samples;
    expect(sample).toMatchObject({ kind: 'battery', source: 'jbd', at: clock.now(), socPct: 90, currentA: -8 });
    expect(sample?.voltageV).toBeGreaterThan(50);
    expect(sample?.voltageV).toBeLessThan(54);
    expect(sample?.cellsV).toHaveLength(13);
    expect(sample?.temperaturesC).toHaveLength(2);
    expect(sample?.fets).toEqual({ charge: true, discharge: true });
    await run(10_000);
    expect(seen.samples).toHaveLength(3);
    expect(driver.stats).toMatchObject({ cycles: 3, samples: 3, requests: 6, retries: 0, frames: 6, discardEvents: 0 });
    await driver.stop();
  });

  it('sees the state of charge fall as simulated time runs faster', async () => {
    const { driver, seen, run, simulate } = rig({ pollIntervalMs: 5000 });
    simulate({ timeScale: 60 });
    driver.start();
    await run(60_000, 500);
    const soc = seen.samples.map((s) => s.socPct);
    expect(soc[0]).toBe(90);
    // One clock minute is one simulated hour: 8 A out of 20 Ah takes 40 points.
    expect(soc.at(-1)).toBeGreaterThanOrEqual(49);
    expect(soc.at(-1)).toBeLessThanOrEqual(51);
    expect(soc).toEqual([...soc].sort((a, b) => b - a));
    expect(seen.samples.at(-1)?.voltageV).toBeLessThan(seen.samples[0]?.voltageV ?? 0);
    await driver.stop();
  });

  it('calls a BMS that stops answering asleep, without errors, and connected again when it wakes', async () => {
    const { driver, seen, run, simulate } = rig();
    const sim = simulate();
    driver.start();
    await run(0);
    sim.asleep = true;
    await run(13_000);
    expect(driver.state).toBe('asleep');
    expect(seen.errors).toEqual([]);
    sim.asleep = false;
    await run(5_000);
    expect(seen.states).toEqual(['connected', 'asleep', 'connected']);
    expect(driver.stats.failedCycles).toBe(2);
    await driver.stop();
  });

  it('recovers the request a waking BMS drops by retrying once at once', async () => {
    const { driver, seen, run, simulate } = rig();
    const sim = simulate({ asleep: true, dropFirstAfterWake: true });
    driver.start();
    await run(8_000);
    expect(driver.state).toBe('silent');
    sim.asleep = false;
    await run(3_500);
    expect(sim.stats.droppedAfterWake).toBe(1);
    expect(seen.samples).toHaveLength(1);
    expect(driver.state).toBe('connected');
    // Two failed cycles retried once each, then the wake-up retry.
    expect(driver.stats.retries).toBe(3);
    expect(seen.errors).toEqual([]);
    await driver.stop();
  });

  it('calls a peer that never answers silent', async () => {
    const { driver, seen, run } = rig();
    driver.start();
    await run(7_000);
    expect(seen.states).toEqual(['silent']);
    expect(seen.errors).toEqual([]);
    expect(driver.stats).toMatchObject({
      cycles: 2,
      failedCycles: 2,
      requests: 4,
      retries: 2,
      timeouts: 4,
      samples: 0,
    });
  });

  it('stop() abandons the pending request quietly and leaves no timer behind', async () => {
    const { driver, seen, run, clock, peer } = rig();
    let bytesAtPeer = 0;
    peer.onData((b) => {
      bytesAtPeer += b.length;
    });
    driver.start();
    await run(500);
    expect(clock.pendingTimers).toBe(1);
    await driver.stop();
    expect(driver.state).toBe('stopped');
    expect(clock.pendingTimers).toBe(0);
    const before = bytesAtPeer;
    await run(30_000, 1000);
    expect(bytesAtPeer).toBe(before);
    expect(seen.errors).toEqual([]);
    expect(seen.states).toEqual(['stopped']);
  });

  it('emits nothing for an answer that lands after stop(), and can start again', async () => {
    const { driver, seen, run, simulate } = rig();
    simulate();
    driver.start();
    const stopped = driver.stop();
    await run(0);
    await stopped;
    expect(seen.samples).toEqual([]);
    driver.start();
    await run(0);
    expect(seen.samples).toHaveLength(1);
    expect(seen.states).toEqual(['stopped', 'connecting', 'connected']);
    await driver.stop();
  });
});
