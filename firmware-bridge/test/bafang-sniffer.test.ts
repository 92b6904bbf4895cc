import { describe, expect, it } from 'vitest';
import type { BafangMessage } from '../src/bafang/codec.js';
import type { BafangSplitDiscard } from '../src/bafang/frame.js';
import { BafangSimulator, type BafangSimulatorOptions } from '../src/bafang/simulator.js';
import { type BafangBatteryReading, BafangSniffer, type BafangSnifferOptions } from '../src/bafang/sniffer.js';
import type { BridgeError } from '../src/errors.js';
import type { DeviceState, MotorSample } from '../src/samples.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { createMemoryPair } from '../src/transport/memory.js';
import { RecordingTransport } from './support/recording-transport.js';
import { settle } from './support/settle.js';

/** A sniffer on one end of a memory pair; the simulated display and controller on the other. */
function rig(snifferOptions: Partial<BafangSnifferOptions> = {}) {
  const clock = new ManualClock();
  const [host, peer] = createMemoryPair();
  const sniffer = new BafangSniffer({ transport: host, clock, ...snifferOptions });
  const seen = {
    samples: [] as MotorSample[],
    states: [] as DeviceState[],
    battery: [] as BafangBatteryReading[],
    messages: [] as BafangMessage[],
    discards: [] as BafangSplitDiscard[],
    errors: [] as BridgeError[],
  };
  sniffer.on('sample', (s) => seen.samples.push(s));
  sniffer.on('state', (s) => seen.states.push(s));
  sniffer.on('battery', (b) => seen.battery.push(b));
  sniffer.on('message', (m) => seen.messages.push(m));
  sniffer.on('discard', (d) => seen.discards.push(d));
  sniffer.on('error', (e) => seen.errors.push(e));
  const run = async (ms: number, step = 50) => {
    await settle();
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle(4);
    }
  };
  const simulate = (options: Partial<BafangSimulatorOptions> = {}) => {
    const sim = new BafangSimulator({ transport: peer, clock, ...options });
    sim.start();
    return sim;
  };
  return { clock, sniffer, seen, run, simulate };
}

describe('BafangSniffer against the simulated display and controller', () => {
  it('rides: one sample per wheel-speed answer, with the latest current and status, battery apart', async () => {
    const { sniffer, seen, run, simulate } = rig({ wheelCircumferenceM: 2.0625, nominalVoltageV: 48 });
    const sim = simulate();
    sniffer.start();
    await run(2000);
    expect(seen.states).toEqual(['connected']);
    expect(seen.samples.length).toBe(4);
    expect(seen.samples.at(-1)).toMatchObject({
      kind: 'motor',
      source: 'bafang',
      wheelRpm: 162,
      speedKmh: 20.05,
      inputCurrentA: 8,
      powerW: 384,
      faultCode: 0,
      faultName: 'none',
      quality: { speedKmh: 'inferred', powerW: 'inferred' },
    });
    expect(seen.battery.at(-1)).toMatchObject({ socPct: 80 });
    expect(seen.messages.filter((m) => m.direction === 'write').map((m) => m.kind)).toEqual([
      'assistLevel',
      'lights',
      'speedLimit',
    ]);
    expect(sniffer.stats).toMatchObject({ discardEvents: 0, unanswered: 0, decodeErrors: 0, writes: 3 });
    expect(seen.errors).toEqual([]);
    sim.assistLevel = 5;
    await run(100);
    expect(seen.messages.filter((m) => m.kind === 'assistLevel').at(-1)).toMatchObject({ code: 0x03, level5: 5 });
    sniffer.stop();
    sim.stop();
  });

  it('without a circumference or voltage gives rpm and current only', async () => {
    const { sniffer, seen, run, simulate } = rig();
    simulate();
    sniffer.start();
    await run(1000);
    const sample = seen.samples.at(-1);
    expect(sample).toMatchObject({ wheelRpm: 162, inputCurrentA: 8, quality: {} });
    expect(sample).not.toHaveProperty('speedKmh');
    expect(sample).not.toHaveProperty('powerW');
    sniffer.stop();
  });

  it('reports the controller status as a named fault', async () => {
    const { sniffer, seen, run, simulate } = rig();
    simulate({ scenario: 'fault', faultCode: 0x11 });
    sniffer.start();
    await run(1000);
    expect(seen.samples.at(-1)).toMatchObject({ faultCode: 0x11, faultName: 'motor-over-temperature' });
    sniffer.stop();
  });

  it('parks then sleeps when the display goes off, and wakes with it', async () => {
    const { sniffer, seen, run, simulate } = rig({ quietMs: 1000 });
    const sim = simulate({ scenario: 'park', sleepAfterMs: 2000 });
    sniffer.start();
    await run(1500);
    expect(seen.samples.at(-1)).toMatchObject({ wheelRpm: 0, inputCurrentA: 0 });
    await run(3000);
    expect(sniffer.state).toBe('asleep');
    sim.displayOn = true;
    await run(300);
    expect(seen.states).toEqual(['connected', 'asleep', 'connected']);
    sniffer.stop();
  });

  it('marks current and status stale when only the speed is still answered', async () => {
    const { sniffer, seen, run, simulate } = rig({ staleAfterMs: 1000, nominalVoltageV: 48 });
    const sim = simulate();
    sniffer.start();
    await run(600);
    sim.controllerAnswers = false;
    await run(1500);
    sim.controllerAnswers = true;
    // Resume just before the speed poll, so it comes before fresh current and status.
    await run(900);
    const stale = seen.samples.find((s) => s.quality?.inputCurrentA === 'stale');
    expect(stale?.quality).toMatchObject({ inputCurrentA: 'stale', powerW: 'stale', faultCode: 'stale' });
    expect(sniffer.stats.unanswered).toBeGreaterThan(10);
    sniffer.stop();
  });

  it('keeps the samples coming on a noisy line and counts the garbage', async () => {
    const { sniffer, seen, run, simulate } = rig();
    const sim = simulate({ scenario: 'noisy', seed: 11 });
    sniffer.start();
    await run(20_000, 100);
    expect(sim.stats.noiseBytes).toBeGreaterThan(200);
    expect(seen.discards.length).toBeGreaterThan(0);
    // 200 polls, a fifth of them wheel speed; noise can cost a few.
    expect(seen.samples.length).toBeGreaterThanOrEqual(36);
    expect(sniffer.state).toBe('connected');
    sniffer.stop();
  });

  it('calls a line with no traffic silent; stop() leaves no timer; options are checked', async () => {
    const { sniffer, seen, run, clock } = rig({ quietMs: 500 });
    sniffer.start();
    await run(600);
    expect(seen.states).toEqual(['silent']);
    sniffer.stop();
    expect(clock.pendingTimers).toBe(0);
    const transport = new RecordingTransport();
    const codes: string[] = [];
    for (const options of [{ quietMs: -1 }, { staleAfterMs: Number.NaN }]) {
      try {
        new BafangSniffer({ transport, ...options });
      } catch (err) {
        codes.push((err as { code: string }).code);
      }
    }
    expect(codes).toEqual(['BRG_OPTION_INVALID', 'BRG_OPTION_INVALID']);
  });
});
