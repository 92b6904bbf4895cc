import { describe, expect, it } from 'vitest';
import { jbdScenarios } from '../src/jbd/scenarios.js';
import { JbdSimulator } from '../src/jbd/simulator.js';
import { runScenario } from '../src/simulation/scenario.js';
import { noisyTransport } from '../src/transport/noisy.js';
import { rig } from './support/driver-rig.js';
import { prng } from './support/prng.js';

describe('JBD scenarios driven through the real driver', () => {
  it('ride, park then sleep, then charge at the depot', async () => {
    const { clock, driver, seen, run, simulate } = rig({ pollIntervalMs: 1000, responseTimeoutMs: 300 });
    const sim = simulate({ initialSocPct: 70 });
    driver.start();
    const story = runScenario(
      [
        ...jbdScenarios.ride(sim),
        ...jbdScenarios.parkThenSleep(sim, 4000).map((s) => ({ ...s, atMs: s.atMs + 5000 })),
        ...jbdScenarios.charge(sim).map((s) => ({ ...s, atMs: s.atMs + 20_000 })),
      ],
      clock,
    );
    await run(4000);
    expect(seen.samples.at(-1)?.currentA).toBeCloseTo(-12, 1);
    await run(3000);
    expect(Math.abs(seen.samples.at(-1)?.currentA ?? 99)).toBeLessThan(1);
    await run(12_000);
    expect(driver.state).toBe('asleep');
    const beforeCharge = seen.samples.length;
    await run(5000);
    await story.done;
    expect(story.applied).toEqual(['ride', 'park', 'sleep', 'charge']);
    expect(driver.state).toBe('connected');
    expect(seen.samples.length).toBeGreaterThan(beforeCharge);
    expect(seen.samples.at(-1)?.currentA).toBeCloseTo(10, 1);
    await driver.stop();
  });

  it('reports a protection fault in the samples, and its clearing', async () => {
    const { clock, driver, seen, run, simulate } = rig({ pollIntervalMs: 1000 });
    const sim = simulate();
    driver.start();
    runScenario(jbdScenarios.fault(sim, 3000), clock);
    await run(2000);
    expect(seen.samples.at(-1)?.protection).toEqual(['dischargeOverCurrent']);
    await run(3000);
    expect(seen.samples.at(-1)?.protection).toEqual([]);
    await driver.stop();
  });

  it('keeps delivering samples over a noisy line, counting what it had to discard', async () => {
    const { clock, driver, peer, seen, run } = rig({ pollIntervalMs: 1000, responseTimeoutMs: 400 });
    const line = noisyTransport(peer, {
      burstProbability: 0.5,
      maxBurst: 12,
      bitFlipProbability: 0.1,
      random: prng(7),
    });
    new JbdSimulator({ transport: line, clock }).start();
    driver.start();
    await run(60_000);
    expect(driver.stats.discardEvents).toBeGreaterThan(5);
    // Most cycles still make it through; the ones that do not are retried or show as failures.
    expect(seen.samples.length).toBeGreaterThan(30);
    expect(driver.state).toBe('connected');
    await driver.stop();
  });
});
