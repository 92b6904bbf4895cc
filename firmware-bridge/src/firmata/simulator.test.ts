import { afterEach, describe, expect, it } from 'vitest';
import { firmataIoClient } from '../../test/support/firmata-client.js';
import { prng } from '../../test/support/prng.js';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { settle } from '../../test/support/settle.js';
import { hex } from '../../test/vectors/firmata.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createMemoryPair } from '../transport/memory.js';
import { decodeFirmataMessage, type FirmataMessage } from './codec.js';
import { PinMode } from './constants.js';
import { FirmataFrameSplitter } from './frame.js';
import { FirmataBoardSimulator, type FirmataBoardSimulatorOptions } from './simulator.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The simulator on one end of a memory pair, a real firmata-io client on the other, handshake done. */
async function connected(options: Partial<FirmataBoardSimulatorOptions> = {}) {
  const clock = new ManualClock();
  const [host, board] = createMemoryPair();
  const client = firmataIoClient(host);
  cleanups.push(client.close);
  const sim = new FirmataBoardSimulator({ transport: board, clock, ...options });
  cleanups.push(() => sim.stop());
  sim.start();
  await client.ready;
  return { clock, sim, io: client.io, host, board };
}

/** Collects what firmata-io reports for one analog channel. */
function analogReadings(io: Awaited<ReturnType<typeof connected>>['io'], channel: number): number[] {
  const seen: number[] = [];
  io.analogRead(channel, (value) => seen.push(value));
  return seen;
}

describe('FirmataBoardSimulator with a real firmata-io client', () => {
  it('completes the firmata-io handshake as a Nano with StandardFirmata', async () => {
    const { io } = await connected();
    expect(io.isReady).toBe(true);
    expect(io.version).toEqual({ major: 2, minor: 5 });
    expect(io.firmware).toEqual({ name: 'StandardFirmata.ino', version: { major: 2, minor: 5 } });
    expect(io.pins).toHaveLength(22);
    expect(io.analogPins).toEqual([14, 15, 16, 17, 18, 19, 20, 21]);
    expect(io.RESOLUTION).toMatchObject({ ADC: 1023, PWM: 255 });
    expect(io.pins[0]?.supportedModes).toEqual([]);
    expect(io.pins[3]?.supportedModes).toEqual([0, 1, 3, 4, 11]);
    expect(io.pins[20]?.supportedModes).toEqual([2]);
  });

  it('streams enabled analog channels on its clock, at the sampling interval the host sets', async () => {
    const { io, clock, sim } = await connected({ batteryV: 52, temperatureC: 25 });
    const battery = analogReadings(io, 0);
    const thermistor = analogReadings(io, 1);
    await settle();
    // Enabling reports the value at once (Firmata 2.4+): 52 V / 13 = 4 V of 5 V.
    expect(battery).toEqual([818]);
    expect(thermistor).toEqual([512]);
    clock.advance(19 * 3);
    await settle();
    expect(battery).toHaveLength(4);
    io.setSamplingInterval(100);
    await settle();
    expect(sim.samplingIntervalMs).toBe(100);
    const before = battery.length;
    clock.advance(99);
    await settle();
    expect(battery).toHaveLength(before);
    clock.advance(1);
    await settle();
    expect(battery).toHaveLength(before + 1);
  });

  it('follows battery, temperature and thermistor faults', async () => {
    const { io, clock, sim } = await connected();
    const battery = analogReadings(io, 0);
    const thermistor = analogReadings(io, 1);
    await settle();
    sim.batteryV = 39;
    sim.temperatureC = 60;
    clock.advance(19);
    await settle();
    expect(battery.at(-1)).toBe(614);
    expect(thermistor.at(-1)).toBeLessThan(250);
    sim.thermistorFault = 'open';
    clock.advance(19);
    await settle();
    expect(thermistor.at(-1)).toBe(1023);
    sim.thermistorFault = 'short';
    clock.advance(19);
    await settle();
    expect(thermistor.at(-1)).toBe(0);
  });

  it('reports the pause button through the pull-up firmata-io enables, on change only', async () => {
    const { io, sim } = await connected();
    io.pinMode(2, PinMode.input);
    io.digitalWrite(2, 1);
    const levels: number[] = [];
    io.digitalRead(2, (value) => levels.push(value));
    await settle();
    expect(levels).toEqual([1]);
    sim.press();
    await settle();
    sim.press();
    await settle();
    sim.release();
    await settle();
    expect(levels).toEqual([1, 0, 1]);
  });

  it('reads a released button as low when nothing enabled the pull-up', async () => {
    const { io } = await connected();
    io.pinMode(2, PinMode.input);
    const levels: number[] = [];
    io.digitalRead(2, (value) => levels.push(value));
    await settle();
    expect(levels).toEqual([0]);
  });

  it('drives outputs from port writes and SET_DIGITAL_PIN_VALUE, and tells who watches', async () => {
    const { io, sim, host } = await connected();
    const changes: [number, number][] = [];
    sim.on('output', (pin, level) => changes.push([pin, level]));
    io.pinMode(7, PinMode.output);
    io.digitalWrite(7, 1);
    await settle();
    expect(sim.outputLevel(7)).toBe(1);
    await host.write(hex('F5 07 00'));
    await settle();
    expect(sim.outputLevel(7)).toBe(0);
    expect(changes).toEqual([
      [7, 1],
      [7, 0],
    ]);
    // A port write leaves inputs and analog pins alone.
    expect(sim.outputLevel(2)).toBe(0);
    expect(sim.outputLevel(14)).toBeUndefined();
  });

  it('answers a pin state query with mode and state', async () => {
    const { io } = await connected();
    io.pinMode(7, PinMode.output);
    io.digitalWrite(7, 1);
    await new Promise<void>((resolve) => io.queryPinState(7, resolve));
    expect(io.pins[7]).toMatchObject({ mode: PinMode.output, state: 1 });
  });

  it('says "Unknown pin mode" for a mode StandardFirmata lacks', async () => {
    const { io } = await connected();
    const strings: string[] = [];
    io.on('string', (text: string) => strings.push(text));
    io.pinMode(5, PinMode.stepper);
    await settle();
    expect(strings).toEqual(['Unknown pin mode']);
  });

  it('goes quiet on system reset, with every pin back at its boot mode', async () => {
    const { io, clock, sim } = await connected();
    const battery = analogReadings(io, 0);
    io.pinMode(7, PinMode.output);
    io.digitalWrite(7, 1);
    await settle();
    io.reset();
    await settle();
    const count = battery.length;
    clock.advance(200);
    await settle();
    expect(battery).toHaveLength(count);
    expect(sim.outputLevel(7)).toBe(0);
    expect(sim.pinMode(14)).toBe(PinMode.analog);
  });

  it('stops answering when unplugged and announces itself when plugged back', async () => {
    const { io, clock, sim, host } = await connected();
    const battery = analogReadings(io, 0);
    await settle();
    sim.unplug();
    const count = battery.length;
    await host.write(hex('F9 F0 79 F7'));
    clock.advance(500);
    await settle();
    expect(battery).toHaveLength(count);
    expect(sim.stats.ignoredUnplugged).toBe(4);
    const heard: FirmataMessage[] = [];
    const splitter = new FirmataFrameSplitter({ direction: 'fromBoard' });
    host.onData((bytes) => {
      for (const r of splitter.push(bytes)) if (r.type === 'frame') heard.push(decodeOk(r.frame));
    });
    sim.replug();
    await settle();
    expect(heard.map((m) => m.kind)).toEqual(['version', 'firmware']);
    expect(sim.isReportingAnalog(0)).toBe(false);
  });

  it('drops its outputs and announces itself again after a brown-out reset', async () => {
    const { io, sim, host } = await connected();
    io.pinMode(7, PinMode.output);
    io.digitalWrite(7, 1);
    await settle();
    const changes: [number, number][] = [];
    sim.on('output', (pin, level) => changes.push([pin, level]));
    const heard: FirmataMessage[] = [];
    const splitter = new FirmataFrameSplitter({ direction: 'fromBoard' });
    host.onData((bytes) => {
      for (const r of splitter.push(bytes)) if (r.type === 'frame') heard.push(decodeOk(r.frame));
    });
    sim.reset();
    await settle();
    expect(changes).toEqual([[7, 0]]);
    expect(heard.map((m) => m.kind)).toEqual(['version', 'firmware']);
  });

  it('puts stray bytes between frames on a noisy line, and firmata-io still reads the values', async () => {
    const { io, clock, sim, host } = await connected({ noiseBytesPerSample: 3 });
    const splitter = new FirmataFrameSplitter({ direction: 'fromBoard' });
    host.onData((bytes) => splitter.push(bytes));
    const battery = analogReadings(io, 0);
    await settle();
    clock.advance(19 * 20);
    await settle();
    expect(new Set(battery)).toEqual(new Set([818]));
    expect(battery.length).toBeGreaterThanOrEqual(20);
    expect(splitter.stats.discardedBytes).toBeGreaterThanOrEqual(60);
    expect(sim.stats.sent).toBeGreaterThanOrEqual(21);
  });
});

describe('FirmataBoardSimulator alone', () => {
  it('announces version then firmware on start, like setup()', () => {
    const transport = new RecordingTransport();
    const sim = new FirmataBoardSimulator({ transport, clock: new ManualClock(), firmwareName: 'Custom.ino' });
    sim.start();
    expect(transport.written.map(decodeAll)).toEqual([
      [
        { kind: 'version', major: 2, minor: 5 },
        { kind: 'firmware', major: 2, minor: 5, name: 'Custom.ino' },
      ],
    ]);
    sim.stop();
  });

  it('stays silent on start when asked, and answers a version query', () => {
    const transport = new RecordingTransport();
    const sim = new FirmataBoardSimulator({ transport, clock: new ManualClock(), announceOnStart: false });
    sim.start();
    expect(transport.written).toEqual([]);
    transport.inject(hex('F9'));
    expect(transport.written.map(decodeAll)).toEqual([[{ kind: 'version', major: 2, minor: 5 }]]);
    sim.stop();
  });

  it('never throws on garbage, counts it, and still answers the query after it', () => {
    const transport = new RecordingTransport();
    const sim = new FirmataBoardSimulator({ transport, clock: new ManualClock(), announceOnStart: false });
    sim.start();
    const random = prng(99);
    for (let round = 0; round < 2000; round++) {
      const chunk = Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
      expect(() => transport.inject(chunk)).not.toThrow();
    }
    transport.written.length = 0;
    transport.inject(hex('F7 F0 6B F7'));
    expect(transport.written.flatMap(decodeAll).at(-1)?.kind).toBe('capabilities');
    expect(sim.stats.discardEvents).toBeGreaterThan(100);
    sim.stop();
  });

  it('leaves no timer and no listener after stop()', () => {
    const clock = new ManualClock();
    const transport = new RecordingTransport();
    const sim = new FirmataBoardSimulator({ transport, clock });
    sim.start();
    expect(clock.pendingTimers).toBe(1);
    sim.stop();
    expect(clock.pendingTimers).toBe(0);
    expect(transport.listeners).toBe(0);
  });

  it('counts failed writes instead of throwing', async () => {
    const transport = new RecordingTransport();
    await transport.close();
    const sim = new FirmataBoardSimulator({ transport, clock: new ManualClock() });
    sim.start();
    await settle(2);
    expect(sim.stats.writeErrors).toBe(1);
    sim.stop();
  });
});

function decodeOk(frame: Uint8Array): FirmataMessage {
  const decoded = decodeFirmataMessage(frame);
  if (!decoded.ok) throw new Error(`undecodable frame: ${decoded.detail}`);
  return decoded.message;
}

function decodeAll(bytes: Uint8Array): FirmataMessage[] {
  const splitter = new FirmataFrameSplitter({ direction: 'fromBoard' });
  return splitter.push(bytes).flatMap((r) => (r.type === 'frame' ? [decodeOk(r.frame)] : []));
}
