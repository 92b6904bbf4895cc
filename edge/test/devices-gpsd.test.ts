import { afterEach, describe, expect, it } from 'vitest';
import { createDevice } from '../src/devices/index.js';
import { freePort } from '../src/testing/free-port.js';
import { FakeGpsd } from './support/devices-gpsd.js';
import { deviceDeps, until, watch } from './support/devices-rig.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the GPS through gpsd', () => {
  it('waits for a gpsd that is not running yet, then reads its positions', async () => {
    const port = await freePort();
    const gps = createDevice('position', { type: 'gpsd', host: '127.0.0.1', port }, deviceDeps(), {
      backoff: { initialMs: 100, maxMs: 200 },
    });
    const seen = watch(gps);
    await gps.start();
    cleanups.push(() => gps.stop());
    expect(gps.state).toBe('connecting');
    expect(gps.portState).toBe('opening');
    expect(gps.transport()).toBeUndefined();

    const gpsd = await FakeGpsd.start(port);
    cleanups.push(() => gpsd.close());
    await until(() => seen.samples.length >= 2, 'two positions from gpsd');
    expect(gps.state).toBe('connected');
    expect(seen.samples.at(-1)).toMatchObject({ kind: 'position', source: 'gpsd', fix: '3d', quality: {} });
    expect(seen.states.map((s) => s.port)).toEqual(['opening', 'connected']);

    await gps.stop();
    expect(gps.state).toBe('stopped');
  });
});
