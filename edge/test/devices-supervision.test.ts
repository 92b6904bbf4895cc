import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeErrorCode, type PositionSample } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevice, createDevices, type DeviceDeps } from '../src/devices/index.js';
import { deviceDeps, plugDevice, until, watch, watchSet } from './support/devices-rig.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FAST_BACKOFF = { initialMs: 100, maxMs: 400 };
const jbd = (path: string) =>
  ({ type: 'jbd', path, baudRate: 9600, pollIntervalMs: 200, responseTimeoutMs: 300 }) as const;

/** deps whose serial opener counts its calls. */
function countingDeps(): { deps: DeviceDeps; opens: () => number } {
  const base = deviceDeps();
  let opens = 0;
  return {
    deps: {
      ...base,
      openSerial: (options) => {
        opens++;
        return base.openSerial(options);
      },
    },
    opens: () => opens,
  };
}

async function linkDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edg-devices-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('device supervision over real ptys', () => {
  it('fails fast on a BMS path that does not exist, with the open error, and does not retry', async () => {
    const { deps, opens } = countingDeps();
    const bms = createDevice('battery', jbd('/dev/serial/by-id/usb-no-bms-here'), deps, { backoff: FAST_BACKOFF });
    cleanups.push(() => bms.stop());
    await expect(bms.start({ failFast: true })).rejects.toMatchObject({ code: BridgeErrorCode.PORT_OPEN });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(opens()).toBe(1);
    expect(bms.state).toBe('stopped');
  });

  it('starts nothing else when the BMS fails fast', async () => {
    const gps = await plugDevice('nmea');
    cleanups.push(() => gps.unplug());
    const set = createDevices(
      { bms: jbd('/dev/serial/by-id/usb-no-bms-here'), gps: { type: 'nmea', path: gps.path, baudRate: 9600 } },
      deviceDeps(),
    );
    cleanups.push(() => set.stop());
    await expect(set.start({ failFast: true })).rejects.toMatchObject({ code: BridgeErrorCode.PORT_OPEN });
    expect(set.get('position')?.state).toBe('stopped');
  });

  it('keeps a GPS missing at boot as connecting/unplugged, picks it up when it appears, marks it stale when pulled, and takes it back', async () => {
    const dir = await linkDir();
    const path = join(dir, 'b');
    const gps = createDevice('position', { type: 'nmea', path, baudRate: 9600 }, deviceDeps(), {
      backoff: FAST_BACKOFF,
    });
    const seen = watch(gps);
    const lastQuality = () => (seen.samples.at(-1) as PositionSample | undefined)?.quality;
    await gps.start();
    cleanups.push(() => gps.stop());
    await until(() => gps.portState === 'unplugged', 'unplugged at boot');
    expect(gps.state).toBe('connecting');
    expect(seen.states).toContainEqual({ state: 'connecting', port: 'unplugged', code: BridgeErrorCode.PORT_OPEN });

    const first = await plugDevice('nmea', { linkDir: dir });
    cleanups.push(() => first.unplug());
    await until(() => gps.state === 'connected' && seen.samples.length > 0, 'connected once the port appears');

    await first.unplug();
    await until(() => gps.portState === 'unplugged', 'unplugged when pulled');
    expect(gps.state).toBe('connecting');
    expect(seen.states).toContainEqual({ state: 'connecting', port: 'unplugged', code: BridgeErrorCode.PORT_LOST });
    // The last position is repeated once, every measured field marked stale.
    await until(() => lastQuality()?.lat === 'stale', 'a stale repeat of the last position');
    expect(lastQuality()).toMatchObject({ lon: 'stale', fix: 'stale' });

    const before = seen.samples.length;
    const second = await plugDevice('nmea', { linkDir: dir });
    cleanups.push(() => second.unplug());
    await until(() => gps.state === 'connected' && seen.samples.length > before, 'connected after replug');
    expect(lastQuality()?.lat).toBeUndefined();
  });

  it('restart() closes the BMS line and opens it again with a fresh driver', async () => {
    const device = await plugDevice('jbd');
    cleanups.push(() => device.unplug());
    const bms = createDevice('battery', jbd(device.path), deviceDeps());
    const seen = watch(bms);
    await bms.start({ failFast: true });
    cleanups.push(() => bms.stop());
    await until(() => seen.samples.length > 0, 'a battery sample');
    const line = bms.transport();
    await bms.restart();
    expect(line?.isOpen).toBe(false);
    const before = seen.samples.length;
    await until(() => seen.samples.length > before, 'a sample after the restart');
    expect(bms.transport()?.isOpen).toBe(true);
    expect(seen.states.map((s) => s.port)).toEqual(['opening', 'connected', 'stopped', 'opening', 'connected']);
  });

  it('names the disagreement when the BMS sees 12 A leave the pack and the controller draws none', async () => {
    const bms = await plugDevice('jbd');
    cleanups.push(() => bms.unplug());
    const motor = await plugDevice('vesc', { scenario: 'park' });
    cleanups.push(() => motor.unplug());
    const set = createDevices(
      {
        bms: jbd(bms.path),
        motor: {
          type: 'vesc',
          path: motor.path,
          baudRate: 115_200,
          pollIntervalMs: 200,
          responseTimeoutMs: 300,
          gearRatio: 1,
        },
      },
      deviceDeps(),
    );
    const seen = watchSet(set);
    await set.start({ failFast: true });
    cleanups.push(() => set.stop());
    await until(() => seen.events.some((e) => e.type === 'mismatch'), 'a mismatch event');
    const mismatch = seen.events.find((e) => e.type === 'mismatch');
    expect(mismatch).toMatchObject({ mismatches: [{ name: 'current-mismatch', bms: 12 }] });
    expect(seen.samples.some((s) => s.kind === 'battery')).toBe(true);
    expect(seen.samples.some((s) => s.kind === 'motor')).toBe(true);
  });
});
