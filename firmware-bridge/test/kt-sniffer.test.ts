import { describe, expect, it } from 'vitest';
import type { BridgeError } from '../src/errors.js';
import type { KtLcdSettings } from '../src/kt/codec.js';
import type { KtSplitDiscard } from '../src/kt/frame.js';
import { KtSimulator, type KtSimulatorOptions } from '../src/kt/simulator.js';
import { type KtBatteryReading, KtSniffer, type KtSnifferOptions } from '../src/kt/sniffer.js';
import type { DeviceState, MotorSample } from '../src/samples.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { createMemoryPair } from '../src/transport/memory.js';
import { RecordingTransport } from './support/recording-transport.js';
import { settle } from './support/settle.js';

/** A sniffer on one end of a memory pair; the simulator (both devices) on the other. */
function rig(snifferOptions: Partial<KtSnifferOptions> = {}) {
  const clock = new ManualClock();
  const [host, peer] = createMemoryPair();
  const sniffer = new KtSniffer({ transport: host, clock, ...snifferOptions });
  const seen = {
    samples: [] as MotorSample[],
    states: [] as DeviceState[],
    lcd: [] as KtLcdSettings[],
    battery: [] as KtBatteryReading[],
    discards: [] as KtSplitDiscard[],
    errors: [] as BridgeError[],
  };
  sniffer.on('sample', (s) => seen.samples.push(s));
  sniffer.on('state', (s) => seen.states.push(s));
  sniffer.on('lcd', (s) => seen.lcd.push(s));
  sniffer.on('battery', (b) => seen.battery.push(b));
  sniffer.on('discard', (d) => seen.discards.push(d));
  sniffer.on('error', (e) => seen.errors.push(e));
  const run = async (ms: number, step = 50) => {
    await settle();
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle(4);
    }
  };
  const simulate = (options: Partial<KtSimulatorOptions> = {}) => {
    const sim = new KtSimulator({ transport: peer, clock, ...options });
    sim.start();
    return sim;
  };
  return { clock, host, peer, sniffer, seen, run, simulate };
}

describe('KtSniffer against the simulated controller and LCD', () => {
  it('rides: connected, one sample per controller frame, speed from the LCD wheel size, inferred power', async () => {
    const { sniffer, seen, run, simulate } = rig();
    const sim = simulate();
    sniffer.start();
    await run(1000);
    expect(seen.states).toEqual(['connected']);
    expect(seen.samples.length).toBe(sim.stats.controllerFrames);
    expect(seen.samples.length).toBeGreaterThanOrEqual(5);
    // 20 km/h on 26" (2.0625 m): 371 ms a turn.
    expect(seen.samples.at(-1)).toMatchObject({
      kind: 'motor',
      source: 'kt',
      wheelRpm: 161.73,
      speedKmh: 20.01,
      inputCurrentA: 8,
      powerW: 384,
      motorTempC: 45,
      faultCode: 0,
      faultName: 'none',
      quality: { speedKmh: 'inferred', powerW: 'inferred' },
    });
    expect(seen.lcd.at(-1)).toMatchObject({ assistLevel: 3, wheelSize: '26"', maxSpeedKmh: 25, checksumKey: 2 });
    expect(seen.battery.at(-1)).toMatchObject({ level: 12, bars: 3, nominalVoltageV: 48 });
    expect(sniffer.stats).toMatchObject({ discardEvents: 0, checksumFailures: 0, decodeErrors: 0 });
    expect(sniffer.stats.lcdFrames).toBe(sim.stats.lcdFrames);
    expect(seen.errors).toEqual([]);
    sniffer.stop();
    sim.stop();
  });

  it('parks: the wheel stops, then the display is switched off and the line is asleep; it wakes again', async () => {
    const { sniffer, seen, run, simulate } = rig({ quietMs: 1000 });
    const sim = simulate({ scenario: 'park', sleepAfterMs: 3000 });
    sniffer.start();
    await run(2000);
    expect(seen.samples.at(-1)).toMatchObject({ wheelRpm: 0, speedKmh: 0, inputCurrentA: 0, powerW: 0 });
    await run(3000);
    expect(sniffer.state).toBe('asleep');
    const asleepCount = seen.samples.length;
    await run(5000);
    expect(seen.samples.length).toBe(asleepCount);
    sim.displayOn = true;
    await run(500);
    expect(seen.states).toEqual(['connected', 'asleep', 'connected']);
    expect(seen.errors).toEqual([]);
    sniffer.stop();
    sim.stop();
  });

  it('reports the controller error with its stable name', async () => {
    const { sniffer, seen, run, simulate } = rig();
    simulate({ scenario: 'fault' });
    sniffer.start();
    await run(500);
    expect(seen.samples.at(-1)).toMatchObject({ faultCode: 0x21, faultName: 'short-circuit' });
    sniffer.stop();
  });

  it('keeps the samples coming on a noisy line and counts the garbage', async () => {
    const { sniffer, seen, run, simulate } = rig();
    const sim = simulate({ scenario: 'noisy', seed: 7, noiseBytes: 8 });
    sniffer.start();
    await run(20_000, 200);
    const { controllerFrames, noiseBytes } = sim.stats;
    expect(noiseBytes).toBeGreaterThan(300);
    expect(seen.discards.length).toBeGreaterThan(0);
    // Garbage glued to a frame can very rarely hide it; almost everything must come through.
    expect(seen.samples.length).toBeGreaterThanOrEqual(Math.floor(controllerFrames * 0.95));
    expect(sniffer.stats.discardedBytes).toBeGreaterThanOrEqual(noiseBytes * 0.9);
    expect(sniffer.state).toBe('connected');
    sniffer.stop();
  });

  it('calls a line with no traffic silent, and says nothing else', async () => {
    const { sniffer, seen, run } = rig({ quietMs: 1500 });
    sniffer.start();
    await run(1400);
    expect(sniffer.state).toBe('connecting');
    await run(200);
    expect(seen.states).toEqual(['silent']);
    expect(seen.samples).toEqual([]);
    expect(seen.errors).toEqual([]);
  });

  it('lets the wheel circumference option win over the LCD, and leaves the temperature out on request', async () => {
    const { sniffer, seen, run, simulate } = rig({ wheelCircumferenceM: 1, motorTemperature: false });
    simulate();
    sniffer.start();
    await run(500);
    expect(seen.samples.at(-1)?.speedKmh).toBeCloseTo((161.73 * 60) / 1000, 2);
    expect(seen.samples.at(-1)).not.toHaveProperty('motorTempC');
    sniffer.stop();
  });

  it('stop() leaves no timer behind and ignores later bytes; start() again works', async () => {
    const { sniffer, seen, run, simulate, clock } = rig();
    const sim = simulate();
    sniffer.start();
    await run(300);
    sniffer.stop();
    sim.stop();
    expect(clock.pendingTimers).toBe(0);
    const count = seen.samples.length;
    sim.start();
    await run(1000);
    expect(seen.samples.length).toBe(count);
    sniffer.start();
    await run(500);
    expect(seen.samples.length).toBeGreaterThan(count);
    expect(seen.states).toEqual(['connected', 'stopped', 'connecting', 'connected']);
    sniffer.stop();
    sim.stop();
  });

  it('reports a failing transport as BRG_PORT_CLOSED, and refuses a bad quietMs', () => {
    const transport = new RecordingTransport();
    const sniffer = new KtSniffer({ transport, clock: new ManualClock() });
    const codes: string[] = [];
    sniffer.on('error', (e) => codes.push(e.code));
    sniffer.start();
    transport.fail(new Error('cable pulled'));
    expect(codes).toEqual(['BRG_PORT_CLOSED']);
    sniffer.stop();
    expect(transport.listeners).toBe(0);
    let code: string | undefined;
    try {
      new KtSniffer({ transport, quietMs: 0 });
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).toBe('BRG_OPTION_INVALID');
  });
});
