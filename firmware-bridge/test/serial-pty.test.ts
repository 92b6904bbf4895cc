import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeErrorCode } from '../src/errors.js';
import { JbdDriver } from '../src/jbd/driver.js';
import { JbdSimulator } from '../src/jbd/simulator.js';
import type { BatterySample } from '../src/samples.js';
import { createPtyPair, type PtyPair } from '../src/transport/pty-pair.js';
import { openSerialTransport } from '../src/transport/serialport.js';
import type { ByteTransport } from '../src/transport/transport.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

/** Resolves once `predicate` holds, polling every 20 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('real serial ports over a socat pty pair', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // Ports before socat: closing a pty's master under an open port makes serialport report errors.
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function openPair(): Promise<{ pair: PtyPair; a: ByteTransport; b: ByteTransport }> {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const a = await openSerialTransport({ path: pair.a, baudRate: 9600 });
    cleanups.push(() => a.close());
    const b = await openSerialTransport({ path: pair.b, baudRate: 9600 });
    cleanups.push(() => b.close());
    return { pair, a, b };
  }

  it('carries every byte value unchanged in both directions (raw, no echo)', async () => {
    const { a, b } = await openPair();
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const atB: number[] = [];
    const atA: number[] = [];
    b.onData((bytes) => atB.push(...bytes));
    a.onData((bytes) => atA.push(...bytes));
    await a.write(all);
    await until(() => atB.length >= 256);
    await b.write(all.slice().reverse());
    await until(() => atA.length >= 256);
    expect(Uint8Array.from(atB)).toEqual(all);
    expect(Uint8Array.from(atA)).toEqual(all.slice().reverse());
  });

  it('brings real samples from the simulator on one end to the driver on the other', async () => {
    const { a, b } = await openPair();
    const sim = new JbdSimulator({ transport: a, timeScale: 60 });
    sim.start();
    cleanups.push(async () => sim.stop());
    const driver = new JbdDriver({ transport: b, pollIntervalMs: 250, responseTimeoutMs: 1000 });
    const samples: BatterySample[] = [];
    driver.on('sample', (s) => samples.push(s));
    const discards: unknown[] = [];
    driver.on('discard', (d) => discards.push(d));
    driver.start();
    cleanups.push(() => driver.stop());
    await until(() => samples.length >= 2);
    expect(driver.state).toBe('connected');
    const [first] = samples;
    expect(first?.cellsV).toHaveLength(13);
    expect(first?.socPct).toBeGreaterThanOrEqual(89);
    expect(first?.voltageV).toBeGreaterThan(50);
    expect(first?.temperaturesC).toHaveLength(2);
    expect(discards).toEqual([]);
    expect(sim.stats.requests).toBeGreaterThanOrEqual(4);
  });

  it('removes the links and stops socat on close', async () => {
    const pair = await createPtyPair();
    await access(pair.a);
    await pair.close();
    await pair.close();
    expect(await codeOf(access(pair.a))).toBe('ENOENT');
    expect(await codeOf(access(pair.b))).toBe('ENOENT');
  });

  it('rejects opening a path that does not exist with BRG_PORT_OPEN', async () => {
    const missing = join('/dev', `ttyNOPE-${process.pid}`);
    expect(await codeOf(openSerialTransport({ path: missing, baudRate: 9600 }))).toBe(BridgeErrorCode.PORT_OPEN);
  });

  it('rejects with BRG_PTY_UNAVAILABLE when socat cannot be run', async () => {
    const attempt = createPtyPair({ socatPath: '/nonexistent/socat' });
    expect(await codeOf(attempt)).toBe(BridgeErrorCode.PTY_UNAVAILABLE);
  });

  it('rejects with BRG_PTY_UNAVAILABLE when socat exits before linking', async () => {
    // `false` runs and exits at once, as socat does when it refuses its addresses.
    expect(await codeOf(createPtyPair({ socatPath: 'false' }))).toBe(BridgeErrorCode.PTY_UNAVAILABLE);
  });
});
