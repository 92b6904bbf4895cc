import { afterEach, describe, expect, it } from 'vitest';
import { KtSimulator } from '../src/kt/simulator.js';
import { KtSniffer } from '../src/kt/sniffer.js';
import type { DeviceState, MotorSample } from '../src/samples.js';
import { createPtyPair } from '../src/transport/pty-pair.js';
import { openSerialTransport } from '../src/transport/serialport.js';
import type { ByteTransport } from '../src/transport/transport.js';

/** Resolves once `predicate` holds, polling every 20 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('KT over a real serial port pair (socat ptys, serialport 13)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // Ports before socat: closing a pty's master under an open port makes serialport report errors.
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function openPair(): Promise<{ devices: ByteTransport; tap: ByteTransport }> {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const devices = await openSerialTransport({ path: pair.a, baudRate: 9600 });
    cleanups.push(() => devices.close());
    const tap = await openSerialTransport({ path: pair.b, baudRate: 9600 });
    cleanups.push(() => tap.close());
    return { devices, tap };
  }

  it('carries both directions from the simulated bike to the sniffer, and the sniffer sends nothing back', async () => {
    const { devices, tap } = await openPair();
    let backTalk = 0;
    devices.onData((bytes) => {
      backTalk += bytes.length;
    });
    const sim = new KtSimulator({ transport: devices, intervalMs: 50 });
    sim.start();
    cleanups.push(async () => sim.stop());
    const sniffer = new KtSniffer({ transport: tap, quietMs: 400 });
    const samples: MotorSample[] = [];
    const states: DeviceState[] = [];
    sniffer.on('sample', (s) => samples.push(s));
    sniffer.on('state', (s) => states.push(s));
    sniffer.start();
    cleanups.push(async () => sniffer.stop());
    await until(() => samples.length >= 5 && sniffer.lcdSettings !== undefined);
    expect(sniffer.state).toBe('connected');
    expect(samples.at(-1)).toMatchObject({ source: 'kt', speedKmh: 20.01, inputCurrentA: 8, faultName: 'none' });
    expect(sniffer.stats.discardEvents).toBe(0);
    sim.displayOn = false;
    await until(() => sniffer.state === 'asleep');
    expect(states).toEqual(['connected', 'asleep']);
    expect(backTalk).toBe(0);
  });
});
