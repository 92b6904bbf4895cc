import { describe, expect, it } from 'vitest';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { settle } from '../../test/support/settle.js';
import { ManualClock } from '../testing/manual-clock.js';
import { decodeKtFrame, KT_STOPPED_PERIOD_MS } from './codec.js';
import { KtFrameSplitter } from './frame.js';
import { KtSimulator, type KtSimulatorOptions } from './simulator.js';

function setup(options: Partial<KtSimulatorOptions> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const sim = new KtSimulator({ transport, clock, ...options });
  return { clock, transport, sim };
}

const decodedAll = (written: Uint8Array[]) => written.map((bytes) => decodeKtFrame(bytes));

describe('KtSimulator', () => {
  it('sends the LCD frame, then the controller frame, every interval', async () => {
    const { clock, transport, sim } = setup({ intervalMs: 100 });
    sim.start();
    clock.advance(250);
    await settle(2);
    expect(decodedAll(transport.written).map((m) => m.direction)).toEqual([
      'lcd',
      'controller',
      'lcd',
      'controller',
      'lcd',
      'controller',
    ]);
    expect(sim.stats).toEqual({ lcdFrames: 3, controllerFrames: 3, noiseBytes: 0, writeErrors: 0 });
  });

  it('reports the period for its speed, the stopped sentinel at rest, and what is set at runtime', () => {
    const { clock, transport, sim } = setup();
    expect(sim.wheelPeriodMs).toBe(371);
    sim.speedKmh = 0;
    expect(sim.wheelPeriodMs).toBe(KT_STOPPED_PERIOD_MS);
    sim.speedKmh = 0.5;
    expect(sim.wheelPeriodMs).toBe(KT_STOPPED_PERIOD_MS);
    sim.speedKmh = 30;
    sim.currentA = 100;
    sim.errorCode = 0x22;
    sim.assistLevel = 6;
    sim.light = true;
    sim.start();
    clock.advance(0);
    const [lcd, controller] = decodedAll(transport.written);
    expect(lcd).toMatchObject({ direction: 'lcd', walkAssist: true, light: true });
    expect(controller).toMatchObject({
      wheelPeriodMs: 248,
      currentA: 63.75,
      errorCode: 0x22,
      faultName: 'throttle-fault',
    });
  });

  it('parks, then goes quiet after sleepAfterMs, and talks again when switched on', () => {
    const { clock, transport, sim } = setup({ scenario: 'park', sleepAfterMs: 1000, intervalMs: 200 });
    sim.start();
    clock.advance(5000);
    const quietFrom = transport.written.length;
    expect(quietFrom).toBe(10);
    expect(decodedAll(transport.written).at(-1)).toMatchObject({ wheelPeriodMs: KT_STOPPED_PERIOD_MS, currentA: 0 });
    expect(clock.pendingTimers).toBe(0);
    sim.displayOn = true;
    clock.advance(0);
    expect(transport.written.length).toBe(quietFrom + 2);
    sim.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('glues seeded garbage before frames on a noisy line, the same for the same seed', () => {
    const run = (seed: number) => {
      const { clock, transport, sim } = setup({ scenario: 'noisy', seed });
      sim.start();
      clock.advance(2000);
      const splitter = new KtFrameSplitter();
      const results = transport.written.flatMap((bytes) => splitter.push(bytes));
      return { results, noise: sim.stats.noiseBytes, splitter };
    };
    const a = run(3);
    expect(a.noise).toBeGreaterThan(0);
    expect(a.splitter.stats.discardedBytes).toBeGreaterThan(0);
    expect(run(3).results).toEqual(a.results);
    expect(run(4).results).not.toEqual(a.results);
  });

  it('refuses options it cannot simulate, and counts failed writes', async () => {
    const codes: string[] = [];
    for (const options of [{ wheelSizeCode: 0x16 }, { intervalMs: 0 }]) {
      try {
        setup(options);
      } catch (err) {
        codes.push((err as { code: string }).code);
      }
    }
    expect(codes).toEqual(['BRG_OPTION_INVALID', 'BRG_OPTION_INVALID']);
    const { clock, transport, sim } = setup();
    await transport.close();
    sim.start();
    clock.advance(0);
    await settle(2);
    expect(sim.stats.writeErrors).toBe(2);
  });
});
