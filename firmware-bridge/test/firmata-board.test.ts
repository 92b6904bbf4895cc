import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BridgeError, BridgeErrorCode } from '../src/errors.js';
import type { AuxButtonEvent } from '../src/firmata/aux-board.js';
import { PinMode } from '../src/firmata/constants.js';
import { JohnnyFiveAuxBoard, type JohnnyFiveAuxBoardOptions } from '../src/firmata/johnny-five-board.js';
import { loadJohnnyFive } from '../src/firmata/johnny-five-parts.js';
import { FirmataBoardSimulator, type FirmataBoardSimulatorOptions } from '../src/firmata/simulator.js';
import type { AuxSample, DeviceState } from '../src/samples.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { createMemoryPair } from '../src/transport/memory.js';
import { trackTimers } from './support/firmata-timers.js';
import { settle } from './support/settle.js';

const J5_OR_OURS = /node_modules\/(johnny-five|firmata-io|lodash\.debounce)\/|\/src\/firmata\//;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Resolves once `predicate` holds, polling every 10 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** JohnnyFiveAuxBoard on one end of a memory pair, the simulated Nano on the other, both on real time. */
function rig(options: Partial<JohnnyFiveAuxBoardOptions> = {}, simOptions: Partial<FirmataBoardSimulatorOptions> = {}) {
  const [host, peer] = createMemoryPair();
  const sim = new FirmataBoardSimulator({ transport: peer, ...simOptions });
  const board = new JohnnyFiveAuxBoard({ transport: host, sampleIntervalMs: 50, silenceTimeoutMs: 200, ...options });
  const seen = {
    samples: [] as AuxSample[],
    states: [] as DeviceState[],
    errors: [] as BridgeError[],
    buttons: [] as AuxButtonEvent[],
  };
  board.on('sample', (s) => seen.samples.push(s));
  board.on('state', (s) => seen.states.push(s));
  board.on('error', (e) => seen.errors.push(e));
  board.on('button', (b) => seen.buttons.push(b));
  cleanups.push(() => sim.stop());
  cleanups.push(() => board.stop());
  /** Waits for a sample taken after now, so the sensors' median windows have caught up. */
  const nextSample = async (count = 1): Promise<AuxSample> => {
    const target = seen.samples.length + count;
    await until(() => seen.samples.length >= target);
    const last = seen.samples.at(-1);
    if (last === undefined) throw new Error('no sample');
    return last;
  };
  return { host, peer, sim, board, seen, nextSample };
}

async function ready(r: ReturnType<typeof rig>): Promise<void> {
  r.board.start();
  r.sim.start();
  await until(() => r.board.state === 'connected');
}

describe('JohnnyFiveAuxBoard with the simulated Nano', () => {
  it('reports ready, then samples battery and temperature at most every sampleIntervalMs', async () => {
    const r = rig({}, { batteryV: 48, temperatureC: 31 });
    await ready(r);
    const sample = await r.nextSample(3);
    expect(r.board.firmware).toEqual({ name: 'StandardFirmata.ino', major: 2, minor: 5 });
    expect(r.seen.states).toEqual(['connected']);
    expect(sample).toMatchObject({ kind: 'aux', source: 'firmata', modemPowered: true, pauseLocation: false });
    expect(sample.batteryV).toBeCloseTo(48, 0);
    expect(sample.temperatureC).toBeCloseTo(31, 0);
    expect(sample.quality).toBeUndefined();
    // Real timers may fire a millisecond early against Date.now(); the exact spacing is checked on a ManualClock below.
    const gaps = r.seen.samples.slice(1).map((s, i) => s.at - (r.seen.samples[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(49);
    expect(r.seen.errors).toEqual([]);
  });

  it('sets the board up as wired: A0/A1 reporting, D2 input with pull-up, D7 output', async () => {
    const r = rig({ boardSamplingIntervalMs: 40 });
    await ready(r);
    await r.nextSample();
    expect(r.sim.isReportingAnalog(0)).toBe(true);
    expect(r.sim.isReportingAnalog(1)).toBe(true);
    expect(r.sim.pinMode(2)).toBe(PinMode.input);
    expect(r.sim.pinMode(7)).toBe(PinMode.output);
    expect(r.sim.samplingIntervalMs).toBe(40);
  });

  it('switches the modem relay, normally-open: powered is D7 high', async () => {
    const r = rig();
    const d7: number[] = [];
    r.sim.on('output', (pin, level) => pin === 7 && d7.push(level));
    await ready(r);
    await until(() => r.sim.outputLevel(7) === 1);
    r.board.setModemPower(false);
    await until(() => r.sim.outputLevel(7) === 0);
    expect(r.board.modemPowered).toBe(false);
    expect((await r.nextSample()).modemPowered).toBe(false);
    expect(d7.at(-1)).toBe(0);
  });

  it('inverts D7 for a normally-closed relay, and applies a power change made before ready', async () => {
    const r = rig({ relay: 'normally-closed' });
    r.board.setModemPower(false);
    await ready(r);
    await until(() => r.sim.outputLevel(7) === 1);
    r.board.setModemPower(true);
    await until(() => r.sim.outputLevel(7) === 0);
    expect((await r.nextSample()).modemPowered).toBe(true);
  });

  it('toggles pause-location on each press of the button', async () => {
    const r = rig();
    await ready(r);
    r.sim.press();
    await until(() => r.seen.buttons.length === 1);
    r.sim.release();
    await until(() => r.seen.buttons.length === 2);
    expect((await r.nextSample()).pauseLocation).toBe(true);
    // j5 debounces edges for 7 ms: a real press lasts far longer, so wait for each edge.
    r.sim.press();
    await until(() => r.seen.buttons.length === 3);
    r.sim.release();
    await until(() => r.seen.buttons.length === 4);
    expect(r.seen.buttons.map(({ pressed, pauseLocation }) => [pressed, pauseLocation])).toEqual([
      [true, true],
      [false, true],
      [true, false],
      [false, false],
    ]);
    expect(r.board.pauseLocation).toBe(false);
  });

  it('follows the switch level in level mode', async () => {
    const r = rig({ pauseMode: 'level' });
    await ready(r);
    r.sim.press();
    await until(() => r.board.pauseLocation);
    expect((await r.nextSample()).pauseLocation).toBe(true);
    r.sim.release();
    await until(() => !r.board.pauseLocation);
  });

  it('flags implausible battery voltages and a broken thermistor, keeping the values', async () => {
    const r = rig();
    await ready(r);
    r.sim.batteryV = 25;
    r.sim.thermistorFault = 'open';
    let sample = await r.nextSample(3);
    expect(sample.batteryV).toBeCloseTo(25, 0);
    expect(sample.quality).toEqual({ batteryV: 'out-of-range', temperatureC: 'out-of-range' });
    expect(Number.isFinite(sample.temperatureC)).toBe(true);
    r.sim.batteryV = 64;
    r.sim.thermistorFault = 'short';
    sample = await r.nextSample(3);
    expect(sample.quality).toEqual({ batteryV: 'out-of-range', temperatureC: 'out-of-range' });
    r.sim.batteryV = 50;
    r.sim.thermistorFault = undefined;
    expect((await r.nextSample(3)).quality).toBeUndefined();
  });

  it('reads through a noisy line', async () => {
    const r = rig({}, { noiseBytesPerSample: 2, batteryV: 52 });
    await ready(r);
    const sample = await r.nextSample(3);
    expect(sample.batteryV).toBeCloseTo(52, 0);
    expect(r.board.stats.discardEvents).toBeGreaterThan(10);
  });

  it('goes silent when the board stops answering, and sets the pins up again when it reboots', async () => {
    const r = rig();
    await ready(r);
    await r.nextSample();
    r.sim.unplug();
    await until(() => r.board.state === 'silent');
    const count = r.seen.samples.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(r.seen.samples).toHaveLength(count);
    r.sim.replug();
    await until(() => r.board.state === 'connected');
    await r.nextSample();
    expect(r.board.stats.boardResets).toBe(1);
    expect(r.sim.outputLevel(7)).toBe(1);
    expect(r.seen.states).toEqual(['connected', 'silent', 'connected']);
  });

  it('recovers from a board reset without going silent', async () => {
    const r = rig();
    await ready(r);
    await until(() => r.sim.outputLevel(7) === 1);
    r.sim.reset();
    await until(() => r.board.stats.boardResets === 1 && r.sim.outputLevel(7) === 1);
    await r.nextSample(2);
    expect(r.sim.isReportingAnalog(0)).toBe(true);
    expect(r.seen.states).toEqual(['connected']);
  });

  it('reports a closed transport as BRG_PORT_CLOSED and goes silent', async () => {
    const r = rig();
    await ready(r);
    await r.host.close();
    await until(() => r.board.state === 'silent');
    expect(r.seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.PORT_CLOSED]);
  });

  it('refuses a board without the configured analog channel with BRG_BOARD_NOT_READY', async () => {
    const r = rig({ pins: { battery: 12 } });
    r.board.start();
    r.sim.start();
    await until(() => r.seen.errors.length > 0);
    expect(r.seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.BOARD_NOT_READY]);
    expect(r.board.state).toBe('silent');
  });

  it('stops cleanly with the button held: no timer, no signal handler, no cached board, no output', async () => {
    const timers = trackTimers(J5_OR_OURS);
    cleanups.push(timers.restore);
    const log = vi.spyOn(console, 'log');
    const sigint = process.listenerCount('SIGINT');
    const cached = loadJohnnyFive().five.Board.cache.length;
    const r = rig();
    await ready(r);
    r.sim.press();
    await until(() => r.seen.buttons.length === 1);
    // Sensor intervals, the button's hold interval, our tick, the simulator's loop.
    expect(timers.armed().length).toBeGreaterThanOrEqual(5);
    await r.board.stop();
    r.sim.stop();
    await settle();
    expect(timers.armed()).toEqual([]);
    expect(r.board.state).toBe('stopped');
    expect(r.seen.buttons).toHaveLength(1);
    expect(r.sim.isReportingAnalog(0)).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(sigint);
    expect(loadJohnnyFive().five.Board.cache).toHaveLength(cached);
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });

  it('can be started again after stop()', async () => {
    // The simulator announced itself to the first start only: the second must ask.
    const r = rig({ versionQueryAfterMs: 50 });
    await ready(r);
    await r.board.stop();
    r.board.start();
    await until(() => r.board.state === 'connected');
    await r.nextSample();
    expect(r.seen.states).toEqual(['connected', 'stopped', 'connecting', 'connected']);
  });

  it('never loads firmata or serialport 8, whose native binding is not built', () => {
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.some((path) => path.includes('/node_modules/johnny-five/'))).toBe(true);
    expect(
      loaded.filter((path) =>
        /node_modules\/(firmata|@serialport\/bindings|[^/]+\/node_modules\/serialport)\//.test(path),
      ),
    ).toEqual([]);
  });
});

describe('JohnnyFiveAuxBoard on a manual clock', () => {
  it('emits exactly one sample per sampleIntervalMs of its clock', async () => {
    const clock = new ManualClock();
    const r = rig({ clock, sampleIntervalMs: 1000, silenceTimeoutMs: 60_000 });
    await ready(r);
    // j5's sensors filter on real time: let them produce a first median.
    await new Promise((resolve) => setTimeout(resolve, 300));
    clock.advance(999);
    expect(r.seen.samples).toHaveLength(0);
    clock.advance(1);
    expect(r.seen.samples).toHaveLength(1);
    clock.advance(2500);
    expect(r.seen.samples.map((s) => s.at - clock.now())).toEqual([-2500, -1500, -500]);
  });

  it('reports BRG_BOARD_NOT_READY when nothing answers, then connects when the board turns up', async () => {
    const clock = new ManualClock();
    const r = rig({ clock, readyTimeoutMs: 10_000, versionQueryAfterMs: 50 });
    r.board.start();
    await settle();
    expect(r.board.state).toBe('connecting');
    clock.advance(9_999);
    expect(r.seen.errors).toEqual([]);
    clock.advance(1);
    expect(r.seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.BOARD_NOT_READY]);
    expect(r.board.state).toBe('silent');
    r.sim.start();
    await until(() => r.board.state === 'connected');
    expect(r.seen.states).toEqual(['silent', 'connected']);
  });

  it('leaves no johnny-five or firmata-io timer when stopped before ready', async () => {
    const timers = trackTimers(J5_OR_OURS);
    cleanups.push(timers.restore);
    const r = rig({ clock: new ManualClock() });
    r.board.start();
    await settle();
    // j5's connect→ready timer and firmata-io's version-query timer.
    expect(timers.armed()).toHaveLength(2);
    await r.board.stop();
    expect(timers.armed()).toEqual([]);
  });

  it('reports BRG_BOARD_NOT_READY for a line full of garbage (wrong baud rate)', async () => {
    const clock = new ManualClock();
    const r = rig({ clock, readyTimeoutMs: 1000 });
    r.board.start();
    await r.peer.write(Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff));
    await settle();
    clock.advance(1000);
    expect(r.seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.BOARD_NOT_READY]);
    expect(r.board.stats.discardedBytes).toBeGreaterThan(100);
  });
});
