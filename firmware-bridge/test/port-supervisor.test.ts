import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeErrorCode } from '../src/errors.js';
import { JbdDriver } from '../src/jbd/driver.js';
import { JbdSimulator } from '../src/jbd/simulator.js';
import { type PortState, PortSupervisor } from '../src/port/supervisor.js';
import { createPtyPair, type PtyPair } from '../src/transport/pty-pair.js';
import { openSerialTransport } from '../src/transport/serialport.js';
import type { ByteTransport } from '../src/transport/transport.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(predicate: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A BMS "plugged in" at linkDir/b: a simulator on the a end of a fresh pty pair. */
async function plugBms(linkDir: string): Promise<{ pty: PtyPair; side: ByteTransport; unplug(): Promise<void> }> {
  const pty = await createPtyPair({ linkDir });
  const side = await openSerialTransport({ path: pty.a, baudRate: 9600 });
  side.onError(() => undefined); // the simulator's end also sees the unplug
  const simulator = new JbdSimulator({ transport: side });
  simulator.start();
  let done = false;
  const unplug = async () => {
    if (done) return;
    done = true;
    simulator.stop();
    await pty.close();
    await side.close();
  };
  cleanups.push(unplug);
  return { pty, side, unplug };
}

function supervise(path: string) {
  const supervisor = new PortSupervisor({
    path,
    baudRate: 9600,
    open: openSerialTransport,
    attach: (transport) => new JbdDriver({ transport, pollIntervalMs: 200, responseTimeoutMs: 150 }),
    backoff: { initialMs: 100, maxMs: 400 },
  });
  const states: PortState[] = [];
  const reasons: string[] = [];
  supervisor.on('state', (state, _previous, reason) => {
    states.push(state);
    if (reason) reasons.push(reason.code);
  });
  let samples = 0;
  supervisor.on('device', (device) => device.on('sample', () => samples++));
  cleanups.push(() => supervisor.stop());
  return { supervisor, states, reasons, samples: () => samples };
}

describe('PortSupervisor over real ptys', () => {
  it('reports unplugged, reopens the same path with backoff when the adapter comes back, and reads again', async () => {
    const linkDir = await mkdtemp(join(tmpdir(), 'brg-replug-'));
    cleanups.push(() => rm(linkDir, { recursive: true, force: true }));
    const first = await plugBms(linkDir);
    const { supervisor, states, reasons, samples } = supervise(join(linkDir, 'b'));
    supervisor.start();
    await until(() => supervisor.state === 'connected' && samples() > 0, 'connected');

    await first.unplug();
    await until(() => supervisor.state === 'unplugged', 'unplugged');
    expect(reasons).toContain(BridgeErrorCode.PORT_LOST);
    // While the path is missing, reopening fails and keeps backing off.
    await until(() => supervisor.stats.openFailures >= 2, 'failed reopen attempts');
    expect(reasons).toContain(BridgeErrorCode.PORT_OPEN);

    const before = samples();
    await plugBms(linkDir);
    await until(() => supervisor.state === 'connected' && samples() > before, 'connected after replug');
    expect(supervisor.stats.losses).toBe(1);
    expect(states.slice(0, 3)).toEqual(['opening', 'connected', 'unplugged']);
  });

  it('calls a line that only ever carries garbage a wiring fault', async () => {
    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const noise = await openSerialTransport({ path: pty.a, baudRate: 9600 });
    cleanups.push(() => noise.close());
    const { supervisor } = supervise(pty.b);
    supervisor.start();
    // What a swapped TX/RX or a wrong baud rate looks like: bytes, never a frame.
    const junk = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0x7f);
    const timer = setInterval(() => void noise.write(junk), 50);
    cleanups.push(async () => clearInterval(timer));
    await until(() => supervisor.state === 'wiring-fault', 'wiring fault');
  });

  it('tells silent (nothing on the line) apart from a wiring fault', async () => {
    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const { supervisor } = supervise(pty.b);
    supervisor.start();
    await until(() => supervisor.state === 'silent', 'silent');
  });

  it('reports a path that never existed as unplugged and stops cleanly', async () => {
    const { supervisor, reasons } = supervise('/dev/serial/by-id/usb-nothing-here');
    supervisor.start();
    await until(() => supervisor.stats.openFailures >= 3, 'three attempts');
    expect(supervisor.state).toBe('unplugged');
    expect(new Set(reasons)).toEqual(new Set([BridgeErrorCode.PORT_OPEN]));
    await supervisor.stop();
    const attempts = supervisor.stats.openFailures;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(supervisor.stats.openFailures).toBe(attempts);
    expect(supervisor.state).toBe('stopped');
  });
});
