import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type ByteTransport,
  createPtyPair,
  openSerialTransport,
  type ProtocolName,
  type PtyPair,
  startBenchSimulator,
} from '@triporteur/firmware-bridge';
import { resampleUart } from './uart-model.js';

/**
 * Wiring faults of one serial device, each on a real pty pair with the real simulator behind it, for
 * doctor's tests (its serial lines here, the whole simulated unit in e2e). Which code doctor gives:
 *
 * | fault               | stands for                                                        | doctor            |
 * |---------------------|-------------------------------------------------------------------|-------------------|
 * | adapter-unplugged   | the USB adapter pulled out: udev removes its name                  | DOC_SERIAL_MISSING |
 * | device-unplugged    | adapter plugged, the device's cable off (or the device unpowered)  | DOC_SERIAL_SILENT |
 * | tx-rx-swapped       | adapter TX on device TX, RX on RX: neither hears the other          | DOC_SERIAL_SILENT |
 * | tx-rx-looped        | adapter TX joined to its own RX (solder bridge, loop-back plug)     | DOC_SERIAL_ECHO   |
 * | { deviceBaud: N }   | the device set to N baud, the config to another speed               | DOC_SERIAL_BAUD   |
 * | inverted            | RS-232 levels into a TTL adapter, or RS485 A/B swapped              | GARBLED / SILENT  |
 *
 * A swapped TX/RX and an unplugged device look the same from the Pi, on a real tricycle too: nothing
 * arrives, whatever is sent. Both honestly give DOC_SERIAL_SILENT, whose fix names both causes; the
 * fault that gives each its own code is the adapter pulled out (MISSING) versus swapped wires (SILENT).
 */
export type SerialFault =
  | 'none'
  | 'adapter-unplugged'
  | 'device-unplugged'
  | 'tx-rx-swapped'
  | 'tx-rx-looped'
  | 'inverted'
  | { deviceBaud: number };

export interface SerialDeviceRig {
  /** What the config's section gets as `path`: the host end of the pty, or a path that does not exist. */
  path: string;
  /** Pulls the adapter out: the simulator stops and the path disappears. */
  unplug(): Promise<void>;
  close(): Promise<void>;
}

export interface SerialDeviceRigOptions {
  fault?: SerialFault;
  /** Starts the simulated device on its end of the line; the bench simulator's "ride" by default. */
  simulate?: (transport: ByteTransport) => { stop(): void };
}

/** Pty ends ignore speed; a line with a speed mismatch re-times the bytes (uart-model.ts). */
export async function startSerialDevice(
  protocol: ProtocolName,
  options: SerialDeviceRigOptions = {},
): Promise<SerialDeviceRig> {
  const fault = options.fault ?? 'none';
  if (fault === 'adapter-unplugged') {
    const path = join(await mkdtemp(join(tmpdir(), 'edge-unplugged-')), 'ttyUSB-gone');
    return { path, unplug: async () => undefined, close: async () => undefined };
  }
  const pty = await createPtyPair();
  if (fault === 'device-unplugged') return rig(pty, async () => undefined);
  const cable = await openSerialTransport({ path: pty.a, baudRate: 9600 });
  const simulate = options.simulate ?? ((transport: ByteTransport) => startBenchSimulator(protocol, transport, 'ride'));
  if (fault === 'tx-rx-looped') {
    // Whatever the host sends comes straight back to it; the device is not on the line.
    const off = cable.onData((bytes) => void cable.write(bytes).catch(() => undefined));
    return rig(pty, async () => {
      off();
      await cable.close();
    });
  }
  const line = deviceEnd(cable, pty.b, fault);
  const simulator = simulate(line);
  return rig(pty, async () => {
    simulator.stop();
    await line.close();
  });
}

function rig(pty: PtyPair, stopDevice: () => Promise<void>): SerialDeviceRig {
  let stopped: Promise<void> | undefined;
  const unplug = () => {
    stopped ??= stopDevice().then(() => pty.close());
    return stopped;
  };
  return { path: pty.b, unplug, close: unplug };
}

const run = promisify(execFile);

/**
 * The device's end of the cable as the simulator sees it, with the fault in between. For a speed
 * mismatch the line reads the host end's current speed from its termios (`stty -F`, which only reads)
 * for every chunk, so a doctor trying other speeds meets the device at the right one.
 */
function deviceEnd(cable: ByteTransport, hostPath: string, fault: SerialFault): ByteTransport {
  const listeners = new Set<(bytes: Uint8Array) => void>();
  const hostBaud = async () => Number.parseInt((await run('stty', ['-F', hostPath, 'speed'])).stdout.trim(), 10);
  let toHost = Promise.resolve();
  let toDevice = Promise.resolve();
  const retime = (bytes: Uint8Array, direction: 'toHost' | 'toDevice') => async (): Promise<Uint8Array> => {
    if (fault === 'none') return bytes;
    const invert = fault === 'inverted';
    const device = typeof fault === 'object' ? fault.deviceBaud : undefined;
    const host = await hostBaud();
    const deviceBaud = device ?? host;
    return direction === 'toHost'
      ? resampleUart(bytes, deviceBaud, host, { invert })
      : resampleUart(bytes, host, deviceBaud, { invert });
  };
  const off = cable.onData((bytes) => {
    if (fault === 'tx-rx-swapped') return; // the host's TX reaches the device's TX pin: nobody listens
    toDevice = toDevice
      .then(retime(bytes, 'toDevice'))
      .then((out) => {
        if (out.length > 0) for (const listener of listeners) listener(out);
      })
      .catch(() => undefined);
  });
  return {
    get isOpen() {
      return cable.isOpen;
    },
    write(bytes) {
      if (fault === 'tx-rx-swapped') return Promise.resolve(); // the device's TX reaches the adapter's TX pin
      toHost = toHost
        .then(retime(bytes, 'toHost'))
        .then((out) => (out.length > 0 && cable.isOpen ? cable.write(out) : undefined))
        .catch(() => undefined);
      return Promise.resolve();
    },
    onData(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onError: (listener) => cable.onError(listener),
    async close() {
      off();
      await cable.close();
    },
  };
}
