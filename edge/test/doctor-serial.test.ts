import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ByteTransport,
  NmeaSimulator,
  openSerialTransport,
  type ProtocolName,
  systemClock,
} from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceConfig } from '../src/devices/config.js';
import type { CheckResult } from '../src/doctor/check.js';
import { type SerialChecksOptions, serialChecks } from '../src/doctor/serial/index.js';
import { type SerialDeviceRigOptions, type SerialFault, startSerialDevice } from './support/serial-faults.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Sections = Parameters<typeof serialChecks>[0];

/** Runs every serial check at once, as doctor's runner does, and returns the results by id. */
async function doctor(config: Sections, options: SerialChecksOptions = {}): Promise<Map<string, CheckResult>> {
  const context = { clock: systemClock };
  const checks = serialChecks(config, options);
  const results = await Promise.all(checks.map((check) => check.run(context)));
  return new Map(results.map((result) => [result.id, result]));
}

async function device(
  protocol: ProtocolName,
  fault: SerialFault = 'none',
  simulate?: SerialDeviceRigOptions['simulate'],
) {
  const rig = await startSerialDevice(protocol, { fault, ...(simulate ? { simulate } : {}) });
  cleanups.push(() => rig.close());
  return rig;
}

// Short answer timeouts keep the silent cases (which try every other speed) to a few seconds.
const jbd = (path: string, baudRate = 9600) =>
  ({ bms: deviceConfig('battery', { type: 'jbd', path, baudRate, responseTimeoutMs: 300 }) }) satisfies Sections;

describe('doctor serial checks: a healthy device on a real pty answers', () => {
  it('names the JBD BMS that answered and passes its path', async () => {
    const bms = await device('jbd');
    const results = await doctor(jbd(bms.path));
    expect(results.get('serial-bms-path')).toMatchObject({ status: 'pass', code: 'DOC_OK' });
    const answer = results.get('serial-bms');
    expect(answer).toMatchObject({ status: 'pass', code: 'DOC_OK' });
    expect(answer?.detail).toMatch(/^BMS JBD : 13 cellules, .* V, SoC \d+ %/);
  });

  it('hears a GPS with a fix: answering and gps-fix both pass', async () => {
    const gps = await device('nmea');
    const results = await doctor({
      ...jbd('/nonexistent/bms'),
      gps: deviceConfig('position', { type: 'nmea', path: gps.path }),
    });
    expect(results.get('serial-gps')).toMatchObject({ status: 'pass', code: 'DOC_OK' });
    expect(results.get('serial-gps')?.detail).toMatch(/phrases NMEA \(.*GGA.*\)/);
    expect(results.get('gps-fix')).toMatchObject({ status: 'pass', code: 'DOC_OK' });
    expect(results.get('gps-fix')?.detail).toMatch(/^fix 3D, 12 satellites utilisés/);
  });

  it('warns DOC_GPS_NO_FIX for a receiver that talks without a fix, with the satellites it uses', async () => {
    const gps = await device('nmea', 'none', (transport: ByteTransport) => {
      const simulator = new NmeaSimulator({ transport, scenario: 'bridge' });
      simulator.start();
      return simulator;
    });
    const results = await doctor({
      ...jbd('/nonexistent/bms'),
      gps: deviceConfig('position', { type: 'nmea', path: gps.path }),
    });
    expect(results.get('serial-gps')?.status).toBe('pass');
    expect(results.get('gps-fix')).toMatchObject({ status: 'warn', code: 'DOC_GPS_NO_FIX' });
    expect(results.get('gps-fix')?.detail).toMatch(/^pas de fix, 2 satellites utilisés/);
  });

  const families: [ProtocolName, (path: string) => Sections, string, RegExp][] = [
    [
      'daly',
      (path) => ({ bms: deviceConfig('battery', { type: 'daly', path, nominalAh: 20 }) }),
      'bms',
      /^BMS Daly : .* V, SoC/,
    ],
    [
      'vesc',
      (path) => ({ ...jbd('/nonexistent/bms'), motor: deviceConfig('motor', { type: 'vesc', path }) }),
      'motor',
      /^contrôleur VESC : firmware \d+\.\d+/,
    ],
    [
      'kt',
      (path) => ({ ...jbd('/nonexistent/bms'), motor: deviceConfig('motor', { type: 'kt', path }) }),
      'motor',
      /^ligne d'affichage KT : \d+ trames/,
    ],
    [
      'bafang',
      (path) => ({ ...jbd('/nonexistent/bms'), motor: deviceConfig('motor', { type: 'bafang', path }) }),
      'motor',
      /^ligne d'affichage Bafang : \d+ trames/,
    ],
    [
      'firmata',
      (path) => ({ ...jbd('/nonexistent/bms'), aux: deviceConfig('aux', { type: 'firmata', path }) }),
      'aux',
      /^carte Firmata : /,
    ],
  ];
  it.each(families)('identifies a %s device from its own frames', async (protocol, sections, section, detail) => {
    const rig = await device(protocol);
    const result = (await doctor(sections(rig.path))).get(`serial-${section}`);
    expect(result).toMatchObject({ status: 'pass', code: 'DOC_OK' });
    expect(result?.detail).toMatch(detail);
  });
});

describe('doctor serial checks: each wiring fault gives its own code', () => {
  it('adapter unplugged: DOC_SERIAL_MISSING on both lines, the fix naming udev and by-id', async () => {
    const bms = await device('jbd', 'adapter-unplugged');
    const results = await doctor(jbd(bms.path));
    expect(results.get('serial-bms-path')).toMatchObject({ status: 'fail', code: 'DOC_SERIAL_MISSING' });
    expect(results.get('serial-bms-path')?.fix).toContain('ls -l /dev/serial/by-id');
    expect(results.get('serial-bms')).toMatchObject({ status: 'fail', code: 'DOC_SERIAL_MISSING' });
  });

  it('an adapter pulled out after a pass is missing on the next run', async () => {
    const bms = await device('jbd');
    expect((await doctor(jbd(bms.path))).get('serial-bms')?.status).toBe('pass');
    await bms.unplug();
    expect((await doctor(jbd(bms.path))).get('serial-bms')?.code).toBe('DOC_SERIAL_MISSING');
  });

  it('device unplugged from a present adapter: DOC_SERIAL_SILENT after trying every usual speed', async () => {
    const bms = await device('jbd', 'device-unplugged');
    const results = await doctor(jbd(bms.path));
    expect(results.get('serial-bms-path')?.status).toBe('pass');
    expect(results.get('serial-bms')).toMatchObject({ status: 'fail', code: 'DOC_SERIAL_SILENT' });
    expect(results.get('serial-bms')?.detail).toContain('9600, 19200, 38400, 57600, 115200');
    expect(results.get('serial-bms')?.fix).toMatch(/TX et RX inversés \?/);
    expect(results.get('serial-bms')?.fix).toMatch(/chargeur ou par son bouton/);
  });

  it('TX and RX swapped: the BMS never hears the request, DOC_SERIAL_SILENT', async () => {
    const bms = await device('jbd', 'tx-rx-swapped');
    expect((await doctor(jbd(bms.path))).get('serial-bms')).toMatchObject({
      status: 'fail',
      code: 'DOC_SERIAL_SILENT',
    });
  });

  it('TX looped to RX at the adapter: our request comes back, DOC_SERIAL_ECHO', async () => {
    const bms = await device('jbd', 'tx-rx-looped');
    expect((await doctor(jbd(bms.path))).get('serial-bms')).toMatchObject({ status: 'fail', code: 'DOC_SERIAL_ECHO' });
  });

  it('a BMS at 9600 configured at 115200: DOC_SERIAL_BAUD naming 9600 and the field to set', async () => {
    const bms = await device('jbd', { deviceBaud: 9600 });
    const result = (await doctor(jbd(bms.path, 115_200))).get('serial-bms');
    expect(result).toMatchObject({ status: 'fail', code: 'DOC_SERIAL_BAUD' });
    expect(result?.detail).toMatch(/à 9600 bauds : BMS JBD : 13 cellules/);
    expect(result?.fix).toContain('bms.baudRate à 9600');
  });

  it('a GPS at 9600 configured at 38400: garbage at 38400, DOC_SERIAL_BAUD naming 9600', async () => {
    const gps = await device('nmea', { deviceBaud: 9600 });
    const results = await doctor({
      ...jbd('/nonexistent/bms'),
      gps: deviceConfig('position', { type: 'nmea', path: gps.path, baudRate: 38_400 }),
    });
    expect(results.get('serial-gps')).toMatchObject({ status: 'fail', code: 'DOC_SERIAL_BAUD' });
    expect(results.get('serial-gps')?.fix).toContain('gps.baudRate à 9600');
  });

  it('an inverted line (RS-232 GPS on a TTL adapter): bytes that decode at no speed, DOC_SERIAL_GARBLED', async () => {
    const gps = await device('nmea', 'inverted');
    const results = await doctor({
      ...jbd('/nonexistent/bms'),
      gps: deviceConfig('position', { type: 'nmea', path: gps.path }),
    });
    expect(results.get('serial-gps')).toMatchObject({ status: 'fail', code: 'DOC_SERIAL_GARBLED' });
    expect(results.get('gps-fix')?.code).toBe('DOC_GPS_NO_FIX');
  });

  it('a port the service holds (serialport lock): DOC_SERIAL_BUSY, a warning that says how to check anyway', async () => {
    const bms = await device('jbd', 'device-unplugged');
    const service = await openSerialTransport({ path: bms.path, baudRate: 9600 });
    cleanups.push(() => service.close());
    const result = (await doctor(jbd(bms.path))).get('serial-bms');
    expect(result).toMatchObject({ status: 'warn', code: 'DOC_SERIAL_BUSY' });
    expect(result?.fix).toContain('tableau de bord');
  });

  it('warns DOC_SERIAL_UNSTABLE for a plugging-order name and suggests its by-id link', async () => {
    const bms = await device('jbd');
    const dir = await mkdtemp(join(tmpdir(), 'edge-dev-'));
    const byId = join(dir, 'by-id');
    const unstable = join(dir, 'ttyUSB0');
    await symlink(bms.path, unstable);
    await mkdir(byId);
    await symlink(bms.path, join(byId, 'usb-1a86_USB_Serial-if00-port0'));
    const results = await doctor(jbd(unstable), { byIdDir: byId });
    expect(results.get('serial-bms-path')).toMatchObject({ status: 'warn', code: 'DOC_SERIAL_UNSTABLE' });
    expect(results.get('serial-bms-path')?.fix).toContain(join(byId, 'usb-1a86_USB_Serial-if00-port0'));
    expect(results.get('serial-bms')?.status).toBe('pass');
  });
});
