import { afterEach, describe, expect, it } from 'vitest';
import type { GpsPositionSample } from '../src/nmea/quality.js';
import { NmeaReceiver } from '../src/nmea/receiver.js';
import { NmeaSimulator } from '../src/nmea/simulator.js';
import type { NmeaSplitDiscard } from '../src/nmea/splitter.js';
import { createPtyPair } from '../src/transport/pty-pair.js';
import { openSerialTransport } from '../src/transport/serialport.js';

/** Resolves once `predicate` holds, polling every 20 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('NMEA over a real serial port (socat pty pair)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    // Ports before socat: closing a pty's master under an open port makes serialport report errors.
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function wire() {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const gpsEnd = await openSerialTransport({ path: pair.a, baudRate: 9600 });
    cleanups.push(() => gpsEnd.close());
    const piEnd = await openSerialTransport({ path: pair.b, baudRate: 9600 });
    cleanups.push(() => piEnd.close());
    return { gpsEnd, piEnd };
  }

  it('carries the simulator’s sentences to the receiver as real samples', async () => {
    const { gpsEnd, piEnd } = await wire();
    // A 10 Hz GPS, so the test does not wait a second per epoch.
    const sim = new NmeaSimulator({ transport: gpsEnd, intervalMs: 100, talker: 'GN' });
    const receiver = new NmeaReceiver({ transport: piEnd, epochTimeoutMs: 1000 });
    const samples: GpsPositionSample[] = [];
    const discards: NmeaSplitDiscard[] = [];
    receiver.on('sample', (s) => samples.push(s));
    receiver.on('discard', (d) => discards.push(d));
    receiver.start();
    cleanups.push(() => receiver.stop());
    sim.start();
    cleanups.push(() => sim.stop());
    await until(() => samples.length >= 5);
    expect(receiver.state).toBe('connected');
    expect(discards).toEqual([]);
    const last = samples.at(-1);
    expect(last).toMatchObject({ source: 'nmea', fix: '3d', satellites: 12, hdop: 0.92, altitudeM: 171.8 });
    expect(last?.lat).toBeCloseTo(45.778, 2);
    expect(last?.lon).toBeCloseTo(4.92, 2);
    expect(last?.speedKmh).toBeCloseTo(14, 2);
    // The GPS clock is the host clock here, to the hundredth of a second the sentences carry.
    expect(Math.abs((last?.gpsTime ?? 0) - (last?.at ?? 0))).toBeLessThan(1000);
  });

  it('survives a noisy line: garbage and bad checksums become discards, samples keep coming', async () => {
    const { gpsEnd, piEnd } = await wire();
    const sim = new NmeaSimulator({ transport: gpsEnd, intervalMs: 50, noisy: true, seed: 3 });
    const receiver = new NmeaReceiver({ transport: piEnd, epochTimeoutMs: 1000 });
    const samples: GpsPositionSample[] = [];
    const discards: NmeaSplitDiscard[] = [];
    receiver.on('sample', (s) => samples.push(s));
    receiver.on('discard', (d) => discards.push(d));
    receiver.start();
    cleanups.push(() => receiver.stop());
    sim.start();
    cleanups.push(() => sim.stop());
    await until(() => samples.length >= 30 && discards.length >= 5);
    expect(samples.filter((s) => s.fix === '3d').length).toBeGreaterThanOrEqual(25);
    const stats = receiver.stats;
    expect(stats.decodeErrors).toBe(0);
    expect(stats.discardedBytes).toBeGreaterThan(0);
  });
});
