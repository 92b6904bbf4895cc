import type { BridgeError } from '../../src/errors.js';
import type { DeviceState, MotorSample } from '../../src/samples.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { createMemoryPair } from '../../src/transport/memory.js';
import type { ByteTransport } from '../../src/transport/transport.js';
import { decodeRequest, type VescRequest } from '../../src/vesc/codec.js';
import { VescDriver, type VescDriverOptions } from '../../src/vesc/driver.js';
import type { VescSplitDiscard } from '../../src/vesc/frame.js';
import { VescFrameSplitter } from '../../src/vesc/frame.js';
import type { VescFwVersion } from '../../src/vesc/fw-version.js';
import { VescSimulator, type VescSimulatorOptions } from '../../src/vesc/simulator.js';
import { settle } from './settle.js';

/** The VESC driver on one end of a memory pair; `peer` is the controller's end, for a simulator or a script. */
export function vescRig(driverOptions: Partial<VescDriverOptions> = {}) {
  const clock = new ManualClock();
  const [host, peer] = createMemoryPair();
  const driver = new VescDriver({
    transport: host,
    clock,
    motorPolePairs: 15,
    wheelCircumferenceM: 1.596,
    ...driverOptions,
  });
  const seen = {
    samples: [] as MotorSample[],
    states: [] as DeviceState[],
    errors: [] as BridgeError[],
    discards: [] as VescSplitDiscard[],
    firmware: [] as VescFwVersion[],
  };
  driver.on('sample', (s) => seen.samples.push(s));
  driver.on('state', (s) => seen.states.push(s));
  driver.on('error', (e) => seen.errors.push(e));
  driver.on('discard', (d) => seen.discards.push(d));
  driver.on('firmware', (f) => seen.firmware.push(f));
  /** Moves the clock in small steps, letting the memory pair deliver bytes in between. */
  const run = async (ms: number, step = 100) => {
    await settle();
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle();
    }
  };
  const simulate = (options: Partial<VescSimulatorOptions> = {}) => {
    const sim = new VescSimulator({ transport: peer, clock, ...options });
    sim.start();
    return sim;
  };
  return { clock, host, peer, driver, seen, run, simulate };
}

/** A hand-scripted controller: answers each request with whatever `reply` returns (nothing when undefined). */
export function vescScript(peer: ByteTransport, reply: (request: VescRequest) => Uint8Array | undefined): void {
  const splitter = new VescFrameSplitter();
  peer.onData((bytes) => {
    for (const result of splitter.push(bytes)) {
      if (result.type !== 'frame') continue;
      const answer = reply(decodeRequest(result.frame));
      if (answer !== undefined) void peer.write(answer);
    }
  });
}
