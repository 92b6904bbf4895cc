import { afterEach, describe, expect, it } from 'vitest';
import { dalyDecoder } from '../src/daly/decoder.js';
import { DalyDriver, type DalyWarning } from '../src/daly/driver.js';
import { DalySimulator, type DalySimulatorOptions } from '../src/daly/simulator.js';
import type { BatterySample, DeviceState } from '../src/samples.js';
import { createPtyPair } from '../src/transport/pty-pair.js';
import { openSerialTransport } from '../src/transport/serialport.js';
import type { ByteTransport } from '../src/transport/transport.js';

/** Resolves once `predicate` holds, polling every 20 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('Daly over real serial ports (socat pty pair)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // Driver and simulator, then ports, then socat: closing a pty's master under an open port makes serialport report errors.
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function bench(simOptions: Partial<DalySimulatorOptions>) {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const bmsEnd: ByteTransport = await openSerialTransport({ path: pair.a, baudRate: 9600 });
    cleanups.push(() => bmsEnd.close());
    const hostEnd: ByteTransport = await openSerialTransport({ path: pair.b, baudRate: 9600 });
    cleanups.push(() => hostEnd.close());
    const sim = new DalySimulator({ transport: bmsEnd, timeScale: 60, ...simOptions });
    sim.start();
    cleanups.push(async () => sim.stop());
    const driver = new DalyDriver({ transport: hostEnd, nominalAh: 20, pollIntervalMs: 300, responseTimeoutMs: 500 });
    const seen = { samples: [] as BatterySample[], states: [] as DeviceState[], warnings: [] as DalyWarning[] };
    driver.on('sample', (s) => seen.samples.push(s));
    driver.on('state', (s) => seen.states.push(s));
    driver.on('warning', (w) => seen.warnings.push(w));
    // Everything the host end hears also goes through the capture decoder, as a sniffer would.
    const sniffer = dalyDecoder.createSplitter();
    const sniffed: unknown[] = [];
    hostEnd.onData((bytes) => {
      for (const r of sniffer.push(bytes)) if (r.type === 'frame') sniffed.push(dalyDecoder.decode(r.frame));
    });
    cleanups.push(() => driver.stop());
    return { sim, driver, seen, sniffed };
  }

  it('brings real samples from the simulator on one end to the driver on the other', async () => {
    const { sim, driver, seen, sniffed } = await bench({});
    driver.start();
    await until(() => seen.samples.length >= 2);
    expect(driver.state).toBe('connected');
    const [first] = seen.samples;
    expect(first).toMatchObject({ source: 'daly', cycles: 37, fets: { charge: true, discharge: true } });
    expect(first?.cellsV).toHaveLength(13);
    expect(first?.temperaturesC).toHaveLength(2);
    expect(first?.socPct).toBeGreaterThanOrEqual(89);
    expect(first?.currentA).toBe(-8);
    expect(driver.stats).toMatchObject({ discardEvents: 0, timeouts: 0, missingFrames: 0 });
    expect(sim.stats.requests).toBeGreaterThanOrEqual(16);
    expect(sniffed.length).toBeGreaterThanOrEqual(24);
    expect(sniffed.every((o) => (o as { ok: boolean }).ok)).toBe(true);
  });

  it('notices a unit whose current sign is the other way round, and a Daly that falls asleep', async () => {
    const { sim, driver, seen } = await bench({ wireCurrentSign: -1 });
    driver.start();
    await until(() => seen.samples.length >= 1);
    expect(seen.samples[0]).toMatchObject({ currentA: -8, quality: { currentA: 'inferred' } });
    expect(seen.warnings[0]).toMatchObject({ kind: 'current-sign-mismatch', configuredA: 8 });
    sim.asleep = true;
    await until(() => driver.state === 'asleep');
    expect(seen.states).toEqual(['connected', 'asleep']);
  });
});
