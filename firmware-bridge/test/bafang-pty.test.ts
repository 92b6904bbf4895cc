import { afterEach, describe, expect, it } from 'vitest';
import type { BafangMessage } from '../src/bafang/codec.js';
import { BafangSimulator } from '../src/bafang/simulator.js';
import { BafangSniffer } from '../src/bafang/sniffer.js';
import type { MotorSample } from '../src/samples.js';
import { createPtyPair } from '../src/transport/pty-pair.js';
import { openSerialTransport } from '../src/transport/serialport.js';
import type { ByteTransport } from '../src/transport/transport.js';

/** Resolves once `predicate` holds, polling every 20 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('Bafang over a real serial port pair (socat ptys, serialport 13)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // Ports before socat: closing a pty's master under an open port makes serialport report errors.
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function openPair(): Promise<{ devices: ByteTransport; tap: ByteTransport }> {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const devices = await openSerialTransport({ path: pair.a, baudRate: 1200 });
    cleanups.push(() => devices.close());
    const tap = await openSerialTransport({ path: pair.b, baudRate: 1200 });
    cleanups.push(() => tap.close());
    return { devices, tap };
  }

  it('pairs the polls and answers of the simulated bike into samples, and sends nothing back', async () => {
    const { devices, tap } = await openPair();
    let backTalk = 0;
    devices.onData((bytes) => {
      backTalk += bytes.length;
    });
    const sim = new BafangSimulator({ transport: devices, intervalMs: 20 });
    sim.start();
    cleanups.push(async () => sim.stop());
    const sniffer = new BafangSniffer({ transport: tap, wheelCircumferenceM: 2.0625, quietMs: 400 });
    const samples: MotorSample[] = [];
    const messages: BafangMessage[] = [];
    sniffer.on('sample', (s) => samples.push(s));
    sniffer.on('message', (m) => messages.push(m));
    sniffer.start();
    cleanups.push(async () => sniffer.stop());
    await until(() => samples.length >= 3 && messages.some((m) => m.kind === 'battery'));
    expect(sniffer.state).toBe('connected');
    expect(samples.at(-1)).toMatchObject({ source: 'bafang', wheelRpm: 162, speedKmh: 20.05, inputCurrentA: 8 });
    expect(messages.filter((m) => m.direction === 'write').map((m) => m.kind)).toEqual([
      'assistLevel',
      'lights',
      'speedLimit',
    ]);
    expect(sniffer.stats.discardEvents).toBe(0);
    sim.displayOn = false;
    await until(() => sniffer.state === 'asleep');
    expect(backTalk).toBe(0);
  });
});
