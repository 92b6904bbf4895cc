import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dalyRig } from './support/daly-rig.js';

describe('DalyDriver against the simulator', () => {
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

  it('reads 0x90–0x96 and 0x98 from address 0x80 and emits one plausible sample per cycle', async () => {
    const { driver, seen, run, simulate, clock, requests } = dalyRig({ nominalAh: 25 });
    simulate();
    driver.start();
    await run(0);
    expect(requests.map((r) => [r.address, r.id])).toEqual(
      [0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x98].map((id) => [0x80, id]),
    );
    expect(driver.state).toBe('connected');
    expect(seen.states).toEqual(['connected']);
    const [sample] = seen.samples;
    expect(sample).toMatchObject({
      kind: 'battery',
      source: 'daly',
      at: clock.now(),
      currentA: -8,
      socPct: 90,
      nominalAh: 25,
      cycles: 37,
      protection: [],
      fets: { charge: true, discharge: true },
    });
    expect(sample?.remainingAh).toBeCloseTo(18, 3);
    expect(sample?.voltageV).toBeGreaterThan(50);
    expect(sample?.cellsV).toHaveLength(13);
    expect(sample?.temperaturesC).toHaveLength(2);
    expect(sample?.quality).toBeUndefined();
    expect(seen.readings[0]?.cellVoltageRange?.value.maxCellV).toBe(Math.max(...(sample?.cellsV ?? [])));
    await run(10_000);
    expect(seen.samples).toHaveLength(3);
    expect(driver.stats).toMatchObject({
      cycles: 3,
      samples: 3,
      requests: 24,
      retries: 0,
      frames: 36,
      discardEvents: 0,
    });
    expect(seen.errors).toEqual([]);
    await driver.stop();
  });

  it('sees the state of charge fall as simulated time runs faster', async () => {
    const { driver, seen, run, simulate } = dalyRig();
    simulate({ timeScale: 60 });
    driver.start();
    await run(60_000, 500);
    const soc = seen.samples.map((s) => s.socPct);
    expect(soc[0]).toBe(90);
    // One clock minute is one simulated hour: 8 A out of 20 Ah takes 40 points.
    expect(soc.at(-1)).toBeGreaterThanOrEqual(49);
    expect(soc.at(-1)).toBeLessThanOrEqual(51);
    expect(soc).toEqual([...soc].sort((a, b) => b - a));
    await driver.stop();
  });

  it('calls a Daly that stops answering asleep, without errors, and connected when it answers again', async () => {
    const { driver, seen, run, simulate } = dalyRig();
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

  it('parks, then sleeps: asleep, not an error', async () => {
    const { driver, seen, run, simulate } = dalyRig();
    simulate({ scenario: 'park-then-sleep', sleepAfterMs: 20_000 });
    driver.start();
    await run(40_000, 500);
    expect(seen.samples.every((s) => s.currentA === 0)).toBe(true);
    expect(seen.states).toEqual(['connected', 'asleep']);
    expect(seen.errors).toEqual([]);
    await driver.stop();
  });

  it('calls a peer that never answers silent', async () => {
    const { driver, seen, run } = dalyRig();
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

  describe('current sign', () => {
    it('trusts the state byte when the configured sign disagrees: inferred, warned, counted', async () => {
      const { driver, seen, run, simulate } = dalyRig({ currentSign: 1 });
      simulate({ wireCurrentSign: -1 });
      driver.start();
      await run(5_000);
      expect(seen.samples.map((s) => s.currentA)).toEqual([-8, -8]);
      expect(seen.samples[0]?.quality).toEqual({ currentA: 'inferred' });
      expect(seen.warnings.filter((w) => w.kind === 'current-sign-mismatch')).toEqual([
        expect.objectContaining({ state: 'discharging', configuredA: 8, reportedA: -8 }),
        expect.objectContaining({ state: 'discharging', configuredA: 8, reportedA: -8 }),
      ]);
      expect(driver.stats.currentSignMismatches).toBe(2);
      await driver.stop();
    });

    it('is quiet when configured to match the unit', async () => {
      const { driver, seen, run, simulate } = dalyRig({ currentSign: -1 });
      simulate({ wireCurrentSign: -1, scenario: 'charge' });
      driver.start();
      await run(0);
      expect(seen.samples[0]).toMatchObject({ currentA: 10 });
      expect(seen.samples[0]?.quality).toBeUndefined();
      expect(seen.warnings).toEqual([]);
      await driver.stop();
    });

    it('does not judge the sign at rest or inside the deadband', async () => {
      const { driver, seen, run, simulate } = dalyRig({ currentDeadbandA: 1 });
      const sim = simulate({ wireCurrentSign: -1, dischargeA: 0.5 });
      driver.start();
      await run(0);
      sim.dischargeA = 0;
      await run(5_000);
      expect(seen.samples.map((s) => s.currentA)).toEqual([0.5, 0]);
      expect(driver.stats.currentSignMismatches).toBe(0);
      await driver.stop();
    });
  });

  describe('multi-frame replies', () => {
    it('puts frames that arrive last first back in order', async () => {
      const { driver, seen, run, simulate } = dalyRig();
      const sim = simulate({ reverseFrames: true, sensors: 9 });
      driver.start();
      await run(0);
      expect(seen.samples[0]?.cellsV).toEqual(sim.snapshot().cellsV);
      expect(seen.samples[0]?.temperaturesC).toEqual(sim.snapshot().temperaturesC);
      await driver.stop();
    });

    it('takes what it needs from boards that send every frame, numbered from 0 or 1', async () => {
      for (const frameBase of [0, 1] as const) {
        const { driver, seen, run, simulate } = dalyRig();
        const sim = simulate({ allFrames: true, frameBase });
        driver.start();
        await run(0);
        expect(seen.samples[0]?.cellsV).toEqual(sim.snapshot().cellsV);
        expect(seen.samples[0]?.temperaturesC).toEqual(sim.snapshot().temperaturesC);
        // 16 cell frames for 5 needed, 3 temperature frames for 1.
        expect(driver.stats).toMatchObject({ extraFrames: 13, unexpectedFrames: 0 });
        await driver.stop();
      }
    });

    it('reports lost frames, and fills them from the last cycle, marked stale', async () => {
      const { driver, seen, run, simulate } = dalyRig({ multiFrameTimeoutMs: 300 });
      // Fast enough that the cells move between cycles: fresh and stale values can be told apart.
      const sim = simulate({ dropFrames: [2], timeScale: 60 });
      driver.start();
      await run(1_000);
      expect(seen.samples[0]?.cellsV).toBeUndefined();
      expect(seen.warnings).toEqual([expect.objectContaining({ kind: 'frames-missing', id: 0x95, missing: [2] })]);
      sim.dropFrames = [];
      await run(5_000);
      sim.dropFrames = [5];
      await run(5_000);
      const [, whole, patched] = seen.samples;
      expect(whole?.cellsV).toHaveLength(13);
      // Frame 5 holds cell 13 alone: it comes from the cycle before, cells 1–12 are fresh.
      expect(patched?.cellsV?.[12]).toBe(whole?.cellsV?.[12]);
      expect(patched?.cellsV?.slice(0, 12)).not.toEqual(whole?.cellsV?.slice(0, 12));
      expect(patched?.quality).toEqual({ cellsV: 'stale' });
      expect(driver.stats.missingFrames).toBe(2);
      await driver.stop();
    });
  });

  it('reports a tripped over-current protection and the open discharge MOSFET', async () => {
    const { driver, seen, run, simulate } = dalyRig();
    simulate({ scenario: 'fault' });
    driver.start();
    await run(0);
    expect(seen.samples[0]).toMatchObject({
      protection: ['dischargeOverCurrent'],
      fets: { charge: true, discharge: false },
    });
    expect(seen.readings[0]?.alarms?.value).toMatchObject({ faultCode: 1 });
    await driver.stop();
  });

  it('talks from 0x40 on RS485', async () => {
    const { driver, seen, run, simulate, requests } = dalyRig({ link: 'rs485' });
    simulate({ hostAddresses: [0x40] });
    driver.start();
    await run(0);
    expect(seen.samples).toHaveLength(1);
    expect(new Set(requests.map((r) => r.address))).toEqual(new Set([0x40]));
    await driver.stop();
  });

  it('reports noise on the line as discards and still samples every cycle', async () => {
    const { driver, seen, run, simulate } = dalyRig();
    const sim = simulate({ scenario: 'noisy-line', seed: 3 });
    driver.start();
    await run(10_000);
    expect(seen.samples).toHaveLength(3);
    expect(seen.discards.every((d) => d.reason === 'garbage')).toBe(true);
    expect(driver.stats.discardedBytes).toBe(sim.stats.garbageBytes);
    await driver.stop();
  });

  it('stop() abandons the pending request quietly and leaves no timer behind', async () => {
    const { driver, seen, run, clock, requests } = dalyRig();
    driver.start();
    await run(500);
    expect(clock.pendingTimers).toBe(1);
    await driver.stop();
    expect(driver.state).toBe('stopped');
    expect(clock.pendingTimers).toBe(0);
    const before = requests.length;
    await run(30_000, 1000);
    expect(requests.length).toBe(before);
    expect(seen.errors).toEqual([]);
    expect(seen.states).toEqual(['stopped']);
  });

  it('emits nothing for answers that land after stop(), and can start again', async () => {
    const { driver, seen, run, simulate } = dalyRig();
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
