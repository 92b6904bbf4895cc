import {
  BENCH_SIMULATORS,
  createPtyPair,
  type DeviceState,
  openSerialTransport,
  type PortState,
  type ProtocolName,
  type Sample,
  startBenchSimulator,
  systemClock,
} from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import type { DeviceEvent, DeviceHandle, DeviceSet } from '../../src/devices/index.js';
import type { DeviceDeps } from '../../src/devices/types.js';

/** The real host parts the device layer needs, with a silent logger. */
export function deviceDeps(): DeviceDeps {
  return { openSerial: openSerialTransport, clock: systemClock, logger: pino({ level: 'silent' }) };
}

/** Resolves once `predicate` holds, polling every 20 ms; names what it waited for on timeout. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface PluggedDevice {
  /** Where the edge opens it. */
  path: string;
  /** Bytes the simulated device has received from the edge's side. */
  received(): number;
  /** Pulls the cable: the simulator stops and the pty pair goes away. Safe to call twice. */
  unplug(): Promise<void>;
}

/**
 * A simulated device on the `a` end of a fresh socat pty pair, the bridge's bench simulator for
 * `protocol` speaking the real bytes; the edge gets the `b` end. With `linkDir`, a new pair in the
 * same folder comes back under the same path: that is how a test replugs a device.
 */
export async function plugDevice(
  protocol: ProtocolName,
  options: { linkDir?: string; scenario?: 'ride' | 'park' } = {},
): Promise<PluggedDevice> {
  const pty = await createPtyPair(options.linkDir === undefined ? {} : { linkDir: options.linkDir });
  const side = await openSerialTransport({ path: pty.a, baudRate: BENCH_SIMULATORS[protocol].baudRate });
  side.onError(() => undefined); // the simulator's end sees the unplug too
  let received = 0;
  side.onData((bytes) => {
    received += bytes.length;
  });
  const simulator = startBenchSimulator(protocol, side, options.scenario ?? 'ride');
  let unplugged: Promise<void> | undefined;
  return {
    path: pty.b,
    received: () => received,
    unplug: () => {
      unplugged ??= (async () => {
        simulator.stop();
        await side.close();
        await pty.close();
      })();
      return unplugged;
    },
  };
}

/** Everything a handle (or a set) said, in order. */
export interface Seen {
  samples: Sample[];
  states: Array<{ state: DeviceState; port: PortState; code?: string }>;
  events: DeviceEvent[];
}

export function watch(source: DeviceHandle): Seen {
  const seen: Seen = { samples: [], states: [], events: [] };
  source.on('sample', (sample) => seen.samples.push(sample));
  source.on('state', (state, port, reason) =>
    seen.states.push({ state, port, ...(reason ? { code: reason.code } : {}) }),
  );
  source.on('event', (event) => seen.events.push(event));
  return seen;
}

export function watchSet(set: DeviceSet): Seen {
  const seen: Seen = { samples: [], states: [], events: [] };
  set.on('sample', (sample) => seen.samples.push(sample));
  set.on('state', (_kind, state, port) => seen.states.push({ state, port }));
  set.on('event', (_kind, event) => seen.events.push(event));
  return seen;
}
