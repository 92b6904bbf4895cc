import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BatterySample, PositionSample } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevices } from '../src/devices/index.js';
import { haversineM } from '../src/records/fields.js';
import { startSimulatedDevices } from '../src/simulation/devices.js';
import { deviceDeps, until, watchSet } from './support/devices-rig.js';

const CHILD = join(import.meta.dirname, '..', 'dist', 'test', 'support', 'devices-exit-child.js');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a whole simulated tricycle (JBD, VESC, NMEA, Firmata) on ptys, read by the device layer', () => {
  it('gives samples of every kind; the GPS moves along the route and the BMS carries the motor’s draw', async () => {
    const simulated = await startSimulatedDevices({ devices: ['bms', 'motor', 'gps', 'aux'], timeScale: 10 });
    cleanups.push(() => simulated.stop());
    const { bms, motor, gps, aux } = simulated.config;
    if (!bms) throw new Error('no simulated BMS');
    const set = createDevices({ bms: { ...bms, pollIntervalMs: 300 }, motor, gps, aux }, deviceDeps());
    const seen = watchSet(set);
    await set.start({ failFast: true });
    cleanups.push(() => set.stop());

    const positions = () => seen.samples.filter((s): s is PositionSample => s.kind === 'position');
    const travelledM = () => {
      const all = positions();
      const [first, last] = [all[0], all.at(-1)];
      if (first?.lat === undefined || first.lon === undefined || last?.lat === undefined || last.lon === undefined) {
        return 0;
      }
      return haversineM(first.lat, first.lon, last.lat, last.lon);
    };
    await until(
      () => new Set(seen.samples.map((s) => s.kind)).size === 4 && travelledM() > 10,
      'every kind, and ten metres of riding',
      15_000,
    );
    expect(set.devices.map((d) => d.state)).toEqual(['connected', 'connected', 'connected', 'connected']);
    expect(positions().at(-1)?.lat).toBeCloseTo(45.77, 1);
    // Riding draws from the pack: the BMS reports a discharge (negative current) at some point.
    const battery = seen.samples.filter((s): s is BatterySample => s.kind === 'battery');
    expect(battery.some((s) => s.currentA < 0)).toBe(true);
    expect(seen.samples.find((s) => s.kind === 'aux')).toMatchObject({ modemPowered: true, pauseLocation: false });

    simulated.setScenario('park');
    expect(simulated.simulators.motor?.scenario).toBe('park');
    await set.stop();
    expect(set.devices.map((d) => d.state)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
  });

  it('lets the process exit by itself once the devices and the simulators are stopped', async () => {
    const child = spawn(process.execPath, [CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exit = await new Promise<{ code: number | null; hung: boolean }>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ code: null, hung: true });
      }, 15_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, hung: false });
      });
    });
    expect({ ...exit, err }).toEqual({ code: 0, hung: false, err: '' });
    expect(JSON.parse(out)).toEqual(['aux', 'battery', 'motor', 'position']);
  });
});
