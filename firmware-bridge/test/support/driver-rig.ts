import type { BridgeError } from '../../src/errors.js';
import { decodeRequest, type JbdRequest } from '../../src/jbd/codec.js';
import { JbdDriver, type JbdDriverOptions } from '../../src/jbd/driver.js';
import { JbdFrameSplitter, type SplitDiscard } from '../../src/jbd/frame.js';
import { JbdSimulator, type JbdSimulatorOptions } from '../../src/jbd/simulator.js';
import type { BatterySample, DeviceState } from '../../src/samples.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { createMemoryPair } from '../../src/transport/memory.js';
import type { ByteTransport } from '../../src/transport/transport.js';
import { settle } from './settle.js';

/** The driver on one end of a memory pair; `peer` is the BMS end, for a simulator or a script. */
export function rig(driverOptions: Partial<JbdDriverOptions> = {}) {
  const clock = new ManualClock();
  const [host, peer] = createMemoryPair();
  const driver = new JbdDriver({ transport: host, clock, ...driverOptions });
  const seen = {
    samples: [] as BatterySample[],
    states: [] as DeviceState[],
    errors: [] as BridgeError[],
    discards: [] as SplitDiscard[],
  };
  driver.on('sample', (s) => seen.samples.push(s));
  driver.on('state', (s) => seen.states.push(s));
  driver.on('error', (e) => seen.errors.push(e));
  driver.on('discard', (d) => seen.discards.push(d));
  /** Moves the clock in small steps, letting the memory pair deliver bytes in between. */
  const run = async (ms: number, step = 100) => {
    await settle();
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle();
    }
  };
  const simulate = (options: Partial<JbdSimulatorOptions> = {}) => {
    const sim = new JbdSimulator({ transport: peer, clock, ...options });
    sim.start();
    return sim;
  };
  return { clock, host, peer, driver, seen, run, simulate };
}

/** A hand-scripted BMS: answers each request with whatever `reply` returns (nothing when undefined). */
export function script(peer: ByteTransport, reply: (request: JbdRequest) => Uint8Array | undefined): void {
  const splitter = new JbdFrameSplitter({ direction: 'request' });
  peer.onData((bytes) => {
    for (const result of splitter.push(bytes)) {
      if (result.type !== 'frame') continue;
      const answer = reply(decodeRequest(result.frame));
      if (answer !== undefined) void peer.write(answer);
    }
  });
}
