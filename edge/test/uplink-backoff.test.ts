import { createServer, type Server } from 'node:net';
import { ManualClock } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { UplinkSession } from '../src/uplink/session.js';
import { recordingHost, testConfig } from './support/rig.js';
import { until } from './support/until.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A "broker" that takes every TCP connection and drops it at once, as a dead 4G bearer does. */
async function droppingServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, connections: () => count };
}

describe('uplink reconnect backoff', () => {
  it('doubles the redial delay after each failure, with jitter, up to reconnectMaxMs', async () => {
    const { server, port, connections } = await droppingServer();
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const clock = new ManualClock();
    const host = { ...recordingHost(), clock };
    const config = testConfig({ bmsPath: '/dev/null', url: `mqtt://127.0.0.1:${port}` });
    const tuned = { ...config, mqtt: { ...config.mqtt, reconnectMs: 1000, reconnectMaxMs: 8000 } };
    const session = new UplinkSession(host, tuned, 'boot-backoff-1');
    cleanups.push(() => session.stop());
    await session.start();

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      await until(() => connections() === attempt && clock.pendingTimers > 0, `attempt ${attempt} to fail`, 5000, 5);
      // Find the redial timer's delay: advance in 50-ms steps until the next connection starts.
      let waited = 0;
      while (connections() === attempt && waited < 20_000) {
        clock.advance(50);
        waited += 50;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      delays.push(waited);
    }
    const base = [1000, 2000, 4000, 8000, 8000, 8000];
    for (const [i, delay] of delays.entries()) {
      // ±20 % jitter, measured in 50-ms steps.
      expect(delay, `delay ${i}`).toBeGreaterThanOrEqual((base[i] ?? 0) * 0.8);
      expect(delay, `delay ${i}`).toBeLessThanOrEqual((base[i] ?? 0) * 1.2 + 50);
    }
    expect(session.status).toBe('offline');
  });
});
