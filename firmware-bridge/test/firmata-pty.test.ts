import { afterEach, describe, expect, it } from 'vitest';
import { type BridgeError, BridgeErrorCode } from '../src/errors.js';
import type { AuxButtonEvent } from '../src/firmata/aux-board.js';
import { JohnnyFiveAuxBoard } from '../src/firmata/johnny-five-board.js';
import { FirmataBoardSimulator } from '../src/firmata/simulator.js';
import type { AuxSample, DeviceState } from '../src/samples.js';
import { createPtyPair, type PtyPair } from '../src/transport/pty-pair.js';
import { openSerialTransport } from '../src/transport/serialport.js';
import type { ByteTransport } from '../src/transport/transport.js';
import { trackTimers } from './support/firmata-timers.js';

/** Resolves once `predicate` holds, polling every 20 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('JohnnyFiveAuxBoard and the simulated Nano over a socat pty pair (real serialport 13)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    // Drivers, then ports, then socat: closing a pty's master under an open port makes serialport report errors.
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function setUp() {
    const pair: PtyPair = await createPtyPair();
    cleanups.push(() => pair.close());
    const open = async (path: string): Promise<ByteTransport> => {
      const transport = await openSerialTransport({ path, baudRate: 57600 });
      cleanups.push(() => transport.close());
      return transport;
    };
    const nanoSide = await open(pair.a);
    const piSide = await open(pair.b);
    const sim = new FirmataBoardSimulator({ transport: nanoSide, batteryV: 51.5, temperatureC: 28 });
    cleanups.push(() => sim.stop());
    const board = new JohnnyFiveAuxBoard({ transport: piSide, sampleIntervalMs: 100, silenceTimeoutMs: 300 });
    cleanups.push(() => board.stop());
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
    // The Pi opens the port first; the Nano then boots and announces itself, as a DTR reset makes it do.
    board.start();
    sim.start();
    await until(() => board.state === 'connected');
    return { pair, sim, board, seen };
  }

  it('reads the battery and the temperature, toggles pause-location, switches the modem relay', async () => {
    const timers = trackTimers(/node_modules\/(johnny-five|firmata-io|lodash\.debounce)\/|\/src\/firmata\//);
    cleanups.push(timers.restore);
    const { sim, board, seen } = await setUp();
    await until(() => seen.samples.length >= 3);
    const sample = seen.samples.at(-1);
    expect(sample?.batteryV).toBeCloseTo(51.5, 0);
    expect(sample?.temperatureC).toBeCloseTo(28, 0);
    expect(sample?.quality).toBeUndefined();
    expect(board.firmware?.name).toBe('StandardFirmata.ino');

    sim.press();
    await until(() => seen.buttons.length === 1);
    sim.release();
    await until(() => seen.buttons.length === 2);
    expect(board.pauseLocation).toBe(true);
    const count = seen.samples.length;
    await until(() => seen.samples.length > count);
    expect(seen.samples.at(-1)?.pauseLocation).toBe(true);

    const d7: number[] = [];
    sim.on('output', (pin, level) => pin === 7 && d7.push(level));
    await until(() => sim.outputLevel(7) === 1);
    board.setModemPower(false);
    await until(() => d7.includes(0));
    expect(sim.outputLevel(7)).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(board.stats.discardEvents).toBe(0);

    await board.stop();
    sim.stop();
    expect(board.state).toBe('stopped');
    expect(timers.armed()).toEqual([]);
  });

  it('goes silent when the Nano stops answering', async () => {
    const { sim, board, seen } = await setUp();
    await until(() => seen.samples.length >= 1);
    sim.unplug();
    await until(() => board.state === 'silent');
    expect(seen.states).toEqual(['connected', 'silent']);
  });

  it('reports the pty going away as BRG_PORT_CLOSED and goes silent; stop() still ends cleanly', async () => {
    const { pair, board, seen } = await setUp();
    await until(() => seen.samples.length >= 1);
    await pair.close();
    await until(() => board.state === 'silent');
    expect(seen.errors.map((e) => e.code)).toContain(BridgeErrorCode.PORT_CLOSED);
    await board.stop();
    expect(board.state).toBe('stopped');
  });
});
