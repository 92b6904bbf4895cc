import { describe, expect, it } from 'vitest';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { settle } from '../../test/support/settle.js';
import { ManualClock } from '../testing/manual-clock.js';
import { type BafangMessage, decodeBafangFrame } from './codec.js';
import { BafangFrameSplitter } from './frame.js';
import { BafangSimulator, type BafangSimulatorOptions } from './simulator.js';

function setup(options: Partial<BafangSimulatorOptions> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const sim = new BafangSimulator({ transport, clock, ...options });
  /** Everything written so far, as the sniffer would split and decode it. */
  const traffic = (): BafangMessage[] => {
    const splitter = new BafangFrameSplitter();
    return transport.written
      .flatMap((bytes) => splitter.push(bytes))
      .flatMap((r) => (r.type === 'frame' ? [decodeBafangFrame(r.frame)] : []));
  };
  return { clock, transport, sim, traffic };
}

describe('BafangSimulator', () => {
  it('sends the settings, then polls status, current, speed, moving and battery, each answered', () => {
    const { clock, sim, traffic } = setup({ intervalMs: 100 });
    sim.start();
    clock.advance(450);
    expect(traffic().map((m) => m.kind)).toEqual([
      'assistLevel',
      'lights',
      'speedLimit',
      'status',
      'current',
      'wheelSpeed',
      'moving',
      'battery',
    ]);
    expect(traffic().slice(3)).toEqual([
      { direction: 'exchange', kind: 'status', code: 1, faultCode: 0, faultName: 'none', braking: false },
      { direction: 'exchange', kind: 'current', currentA: 8 },
      // 20 km/h on 2.0625 m is 161.6 rpm.
      { direction: 'exchange', kind: 'wheelSpeed', wheelRpm: 162 },
      { direction: 'exchange', kind: 'moving', moving: true },
      { direction: 'exchange', kind: 'battery', socPct: 80 },
    ]);
    expect(traffic()[2]).toMatchObject({ kind: 'speedLimit', value: 202, checksumValid: true });
  });

  it('sends 16 0B at once when the assist level changes, with the 5-level code', () => {
    const { clock, sim, traffic } = setup();
    sim.start();
    clock.advance(0);
    sim.assistLevel = 4;
    expect(
      traffic()
        .filter((m) => m.kind === 'assistLevel')
        .at(-1),
    ).toMatchObject({ code: 0x17, level5: 4, level: 8 });
    let code: string | undefined;
    try {
      sim.assistLevel = 6;
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).toBe('BRG_OPTION_INVALID');
  });

  it('leaves the polls unanswered when the controller does not answer', () => {
    const { clock, sim, traffic } = setup();
    sim.controllerAnswers = false;
    sim.start();
    clock.advance(1000);
    // Each request is judged once the next one arrives; the last one is still pending. The status
    // poll must not be misread as a 0x11 status taken from the next request.
    const polls = traffic().slice(3);
    expect(polls.length).toBe(10);
    expect(polls.every((m) => m.kind === 'unanswered')).toBe(true);
    expect(sim.stats.replies).toBe(0);
  });

  it('reports its fault, parks and goes quiet, and talks again when switched on', () => {
    const fault = setup({ scenario: 'fault' });
    fault.sim.start();
    fault.clock.advance(100);
    expect(fault.traffic().find((m) => m.kind === 'status')).toMatchObject({
      faultCode: 0x08,
      faultName: 'hall-sensor',
    });
    const { clock, sim, transport } = setup({ scenario: 'park', sleepAfterMs: 1000, intervalMs: 100 });
    sim.start();
    clock.advance(5000);
    const quiet = transport.written.length;
    expect(clock.pendingTimers).toBe(0);
    sim.displayOn = true;
    clock.advance(0);
    expect(transport.written.length).toBeGreaterThan(quiet);
    sim.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('puts seeded noise between the exchanges on a noisy line, and counts failed writes', async () => {
    const { clock, sim, transport } = setup({ scenario: 'noisy', seed: 5 });
    sim.start();
    clock.advance(3000);
    const splitter = new BafangFrameSplitter();
    for (const bytes of transport.written) splitter.push(bytes);
    expect(sim.stats.noiseBytes).toBeGreaterThan(0);
    expect(splitter.stats.discardedBytes).toBeGreaterThan(0);
    expect(splitter.stats.exchanges).toBeGreaterThan(20);
    const broken = setup();
    await broken.transport.close();
    broken.sim.start();
    await settle(2);
    expect(broken.sim.stats.writeErrors).toBe(3);
  });
});
