import { BridgeErrorCode, type ProtocolName } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevice, type DeviceConfigs, type DeviceHandle, type DeviceKind } from '../src/devices/index.js';
import { deviceDeps, plugDevice, until, watch } from './support/devices-rig.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A simulated device on a pty, and the edge's handle on the other end. */
async function run<K extends DeviceKind>(
  protocol: ProtocolName,
  kind: K,
  section: (path: string) => DeviceConfigs[K],
): Promise<{ handle: DeviceHandle; seen: ReturnType<typeof watch>; received: () => number }> {
  const device = await plugDevice(protocol);
  cleanups.push(() => device.unplug());
  const handle = createDevice(kind, section(device.path), deviceDeps());
  const seen = watch(handle);
  await handle.start();
  cleanups.push(() => handle.stop());
  return { handle, seen, received: device.received };
}

describe('each device family through the device layer, over socat ptys and the real serialport', () => {
  it('JBD BMS: gated battery samples, connected, the open line available for a capture', async () => {
    const { handle, seen } = await run('jbd', 'battery', (path) => ({
      type: 'jbd',
      path,
      baudRate: 9600,
      pollIntervalMs: 200,
      responseTimeoutMs: 300,
      cells: 13,
    }));
    await until(() => seen.samples.length >= 2, 'two battery samples');
    expect(handle.state).toBe('connected');
    expect(handle.portState).toBe('connected');
    expect(seen.samples[0]).toMatchObject({ kind: 'battery', source: 'jbd', quality: {} });
    expect(seen.states.map((s) => s.port)).toEqual(['opening', 'connected']);
    expect(handle.transport()?.isOpen).toBe(true);
  });

  it('JBD BMS: a cell count other than the configured one is marked out-of-range, the value kept', async () => {
    const { seen } = await run('jbd', 'battery', (path) => ({
      type: 'jbd',
      path,
      baudRate: 9600,
      pollIntervalMs: 200,
      responseTimeoutMs: 300,
      cells: 16,
    }));
    await until(() => seen.samples.length >= 1, 'a battery sample');
    const [sample] = seen.samples;
    expect(sample).toMatchObject({ kind: 'battery', quality: { cellsV: 'out-of-range' } });
    expect(sample?.kind === 'battery' && sample.cellsV?.length).toBe(13);
  });

  it('Daly BMS: battery samples with the configured capacity', async () => {
    const { handle, seen } = await run('daly', 'battery', (path) => ({
      type: 'daly',
      path,
      baudRate: 9600,
      pollIntervalMs: 300,
      responseTimeoutMs: 300,
      nominalAh: 40,
      link: 'uart',
      currentSign: 1,
    }));
    await until(() => seen.samples.length >= 1, 'a battery sample');
    expect(handle.state).toBe('connected');
    expect(seen.samples[0]).toMatchObject({ kind: 'battery', source: 'daly', nominalAh: 40 });
  });

  it('VESC: motor samples with speed from the configured geometry, and its firmware as an event', async () => {
    const { seen } = await run('vesc', 'motor', (path) => ({
      type: 'vesc',
      path,
      baudRate: 115_200,
      pollIntervalMs: 100,
      responseTimeoutMs: 300,
      gearRatio: 1,
      motorPolePairs: 15,
      wheelCircumferenceM: 1.596,
    }));
    await until(() => seen.samples.length >= 2, 'two motor samples');
    expect(seen.samples[0]).toMatchObject({ kind: 'motor', source: 'vesc', quality: { speedKmh: 'inferred' } });
    expect(seen.events).toContainEqual({ type: 'firmware', firmware: expect.objectContaining({ major: 6 }) });
  });

  for (const protocol of ['kt', 'bafang'] as const) {
    it(`${protocol}: motor samples from the display line, and not one byte written to it`, async () => {
      const { handle, seen, received } = await run(protocol, 'motor', (path) => ({
        type: protocol,
        path,
        baudRate: protocol === 'kt' ? 9600 : 1200,
        wheelCircumferenceM: 2.0625,
      }));
      await until(() => seen.samples.length >= 3, 'three motor samples');
      expect(handle.state).toBe('connected');
      expect(seen.samples[0]).toMatchObject({ kind: 'motor', source: protocol });
      // Even the line handed out for a capture refuses to transmit.
      await expect(handle.transport()?.write(Uint8Array.of(0x11, 0x08))).rejects.toMatchObject({
        code: BridgeErrorCode.TRANSMIT_FORBIDDEN,
      });
      await handle.restart();
      await until(() => handle.state === 'connected', 'connected after restart');
      expect(received()).toBe(0);
    });
  }

  it('NMEA GPS: position samples on the Lyon loop', async () => {
    const { handle, seen } = await run('nmea', 'position', (path) => ({ type: 'nmea', path, baudRate: 9600 }));
    await until(() => seen.samples.length >= 2, 'two positions');
    expect(handle.state).toBe('connected');
    const position = seen.samples[1];
    expect(position).toMatchObject({ kind: 'position', source: 'nmea', fix: '3d', quality: {} });
    expect(position?.kind === 'position' && position.lat).toBeCloseTo(45.77, 1);
  });

  it('Firmata aux board: aux samples once the board answers the version query', async () => {
    const { handle, seen } = await run('firmata', 'aux', (path) => ({
      type: 'firmata',
      path,
      baudRate: 57_600,
      sampleIntervalMs: 100,
      dividerRatio: 13,
      adcRefV: 5,
      thermistor: { beta: 3950, r25Ohm: 10_000, seriesOhm: 10_000 },
      pins: { battery: 0, thermistor: 1, relay: 7, button: 2 },
      pauseMode: 'toggle',
      relay: 'normally-open',
      versionQueryAfterMs: 200,
    }));
    await until(() => seen.samples.length >= 2, 'two aux samples');
    expect(handle.state).toBe('connected');
    const sample = seen.samples.at(-1);
    expect(sample).toMatchObject({ kind: 'aux', source: 'firmata', modemPowered: true, pauseLocation: false });
    expect(sample?.kind === 'aux' && sample.batteryV).toBeCloseTo(52, 0);
  });
});
