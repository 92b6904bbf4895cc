import { type DalyRequest, decodeRequest } from '../../src/daly/codec.js';
import { DalyDriver, type DalyDriverOptions, type DalyWarning } from '../../src/daly/driver.js';
import { DalyFrameSplitter, type DalySplitDiscard } from '../../src/daly/frame.js';
import type { DalyCycleData } from '../../src/daly/sample.js';
import { DalySimulator, type DalySimulatorOptions } from '../../src/daly/simulator.js';
import type { BridgeError } from '../../src/errors.js';
import type { BatterySample, DeviceState } from '../../src/samples.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { createMemoryPair } from '../../src/transport/memory.js';
import type { ByteTransport } from '../../src/transport/transport.js';
import { settle } from './settle.js';

/** The Daly driver on one end of a memory pair; `peer` is the BMS end, for a simulator or a script. */
export function dalyRig(driverOptions: Partial<DalyDriverOptions> = {}) {
  const clock = new ManualClock();
  const [host, peer] = createMemoryPair();
  const driver = new DalyDriver({ transport: host, clock, nominalAh: 20, ...driverOptions });
  const seen = {
    samples: [] as BatterySample[],
    readings: [] as DalyCycleData[],
    states: [] as DeviceState[],
    errors: [] as BridgeError[],
    warnings: [] as DalyWarning[],
    discards: [] as DalySplitDiscard[],
  };
  driver.on('sample', (s) => seen.samples.push(s));
  driver.on('reading', (r) => seen.readings.push(r));
  driver.on('state', (s) => seen.states.push(s));
  driver.on('error', (e) => seen.errors.push(e));
  driver.on('warning', (w) => seen.warnings.push(w));
  driver.on('discard', (d) => seen.discards.push(d));
  /**
   * Moves the clock in small steps, letting the memory pair deliver bytes in between. A Daly cycle
   * is eight exchanges, so each step settles long enough for a whole cycle.
   */
  const run = async (ms: number, step = 100) => {
    await settle(150);
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle(150);
    }
  };
  const simulate = (options: Partial<DalySimulatorOptions> = {}) => {
    const sim = new DalySimulator({ transport: peer, clock, ...options });
    sim.start();
    return sim;
  };
  /** Every request the driver wrote, as the far end saw it. */
  const requests: DalyRequest[] = [];
  const requestSplitter = new DalyFrameSplitter();
  peer.onData((bytes) => {
    for (const r of requestSplitter.push(bytes)) if (r.type === 'frame') requests.push(decodeRequest(r.frame));
  });
  return { clock, host, peer, driver, seen, run, simulate, requests };
}

/**
 * A hand-scripted Daly board: answers each request with whatever `reply` returns (nothing when
 * undefined), and records the requests it saw.
 */
export function dalyScript(
  peer: ByteTransport,
  reply: (request: DalyRequest) => Uint8Array | undefined,
): { requests: DalyRequest[] } {
  const requests: DalyRequest[] = [];
  const splitter = new DalyFrameSplitter();
  peer.onData((bytes) => {
    for (const result of splitter.push(bytes)) {
      if (result.type !== 'frame') continue;
      const request = decodeRequest(result.frame);
      requests.push(request);
      const answer = reply(request);
      if (answer !== undefined) void peer.write(answer);
    }
  });
  return { requests };
}
