import { afterEach, describe, expect, it } from 'vitest';
import type { MotorSample } from '../src/samples.js';
import { createPtyPair } from '../src/transport/pty-pair.js';
import { openSerialTransport } from '../src/transport/serialport.js';
import type { ByteTransport } from '../src/transport/transport.js';
import { VESC_DEFAULT_BAUD, VescDriver } from '../src/vesc/driver.js';
import { VescSimulator, type VescSimulatorOptions } from '../src/vesc/simulator.js';

/** Resolves once `predicate` holds, polling every 20 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('VESC over a socat pty pair with real serial ports', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // Driver and simulator, then ports, then socat: closing a pty's master under an open port makes serialport complain.
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function connect(simOptions: Partial<VescSimulatorOptions> = {}) {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const open = async (path: string): Promise<ByteTransport> => {
      const port = await openSerialTransport({ path, baudRate: VESC_DEFAULT_BAUD });
      cleanups.push(() => port.close());
      return port;
    };
    const [controllerEnd, hostEnd] = [await open(pair.a), await open(pair.b)];
    const sim = new VescSimulator({ transport: controllerEnd, timeScale: 10, ...simOptions });
    sim.start();
    cleanups.push(async () => sim.stop());
    const driver = new VescDriver({
      transport: hostEnd,
      pollIntervalMs: 100,
      responseTimeoutMs: 1000,
      motorPolePairs: 15,
      wheelCircumferenceM: 1.596,
    });
    const samples: MotorSample[] = [];
    const discards: unknown[] = [];
    const errors: unknown[] = [];
    driver.on('sample', (s) => samples.push(s));
    driver.on('discard', (d) => discards.push(d));
    driver.on('error', (e) => errors.push(e));
    driver.start();
    cleanups.push(() => driver.stop());
    return { sim, driver, samples, discards, errors };
  }

  it('brings real samples from the simulated controller to the driver', async () => {
    const { sim, driver, samples, discards, errors } = await connect();
    // At ten times speed the leg reaches cruising speed after 0.8 s of clock time.
    await until(() => samples.some((s) => (s.speedKmh ?? 0) > 17));
    expect(driver.state).toBe('connected');
    expect(driver.firmware).toMatchObject({ major: 6, minor: 5, hardwareName: '60' });
    const cruising = samples.find((s) => (s.speedKmh ?? 0) > 17);
    expect(cruising).toMatchObject({ source: 'vesc', faultName: 'none', quality: { speedKmh: 'inferred' } });
    expect(cruising?.voltageV).toBeGreaterThan(45);
    expect(cruising?.powerW).toBeGreaterThan(0);
    expect(discards).toEqual([]);
    expect(errors).toEqual([]);
    expect(sim.stats.replies).toBe(sim.stats.requests);
  });

  it('keeps sampling through line noise, and reports the fault the controller raises', async () => {
    const { sim, samples, discards, errors } = await connect({
      noise: (n) => Uint8Array.of(0x03, 0x02, 0xff, n & 0xff, 0x02),
    });
    await until(() => samples.length >= 3);
    sim.scenario = 'fault';
    await until(() => samples.at(-1)?.faultName === 'motor-over-temperature');
    expect(samples.at(-1)).toMatchObject({ faultCode: 6, speedKmh: 0 });
    expect(discards.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
