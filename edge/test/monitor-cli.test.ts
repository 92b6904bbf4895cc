import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSerialTransport } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { startSerialDevice } from './support/serial-faults.js';

// The compiled CLI, as a technician runs it on the Pi; `npm test` builds it first (tsc -b).
const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

async function configFile(devices: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-monitor-'));
  const file = join(dir, 'edge.json');
  const config = {
    configVersion: 1,
    unitId: 'tri-monitor-01',
    mqtt: { url: 'mqtt://127.0.0.1:1', username: 'tri-monitor-01', password: 'unit-secret' },
    outbox: { path: join(dir, 'outbox.db') },
    ...devices,
  };
  await writeFile(file, JSON.stringify(config));
  return file;
}

async function unit() {
  const bms = await startSerialDevice('jbd');
  cleanups.push(() => bms.close());
  const gps = await startSerialDevice('nmea');
  cleanups.push(() => gps.close());
  return configFile({
    bms: { type: 'jbd', path: bms.path, pollIntervalMs: 300 },
    gps: { type: 'nmea', path: gps.path },
  });
}

describe('triporteur-edge monitor', () => {
  it('lists monitor with doctor and the serial tools in --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of ['monitor', 'doctor', 'decode', 'capture', 'replay', 'simulate']) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it('prints the decoded BMS and GPS values, link states and counts, line by line', async () => {
    const file = await unit();
    const { code, stdout } = await run(['monitor', '-c', file, '--lines', '--seconds', '2.5']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\S+Z bms state connected$/m);
    expect(stdout).toMatch(/^\S+Z bms sample source=jbd voltageV=\d+(\.\d+)? currentA=-?\d+(\.\d+)? socPct=\d+/m);
    expect(stdout).toMatch(/ bms sample .*cellsV=(\d\.\d+\/){12}\d\.\d+ /);
    expect(stdout).toMatch(/^\S+Z gps sample source=nmea fix=3d satellites=12 .*lat=45\.\d+ lon=4\.\d+ /m);
    const summary = /^bms summary state=connected frames=(\d+) discardedBytes=0 samples=(\d+)$/m.exec(stdout);
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(summary?.[2])).toBeGreaterThanOrEqual(1);
    expect(stdout).toMatch(/^gps summary state=connected frames=\d+ discardedBytes=0 samples=\d+$/m);
  });

  it('--device keeps to one device', async () => {
    const file = await unit();
    const { code, stdout } = await run(['monitor', '-c', file, '--device', 'gps', '--seconds', '2.5']);
    expect(code).toBe(0);
    expect(stdout).toContain(' gps sample ');
    expect(stdout).not.toContain(' bms ');
  });

  it('shows a device missing at start as unplugged, and keeps watching the others', async () => {
    const gps = await startSerialDevice('nmea');
    cleanups.push(() => gps.close());
    const file = await configFile({
      bms: { type: 'jbd', path: '/nonexistent/triporteur-bms' },
      gps: { type: 'nmea', path: gps.path },
    });
    const { code, stdout } = await run(['monitor', '-c', file, '--seconds', '2.5']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ bms state unplugged BRG_PORT_OPEN$/m);
    expect(stdout).toMatch(/^bms summary state=unplugged frames=0 /m);
    expect(stdout).toContain(' gps sample ');
  });

  it('refuses with one coded line when the service holds a port, instead of fighting it for the bytes', async () => {
    const file = await unit();
    const { bms } = JSON.parse(await readFile(file, 'utf8')) as {
      bms: { path: string };
    };
    const service = await openSerialTransport({ path: bms.path, baudRate: 9600 });
    cleanups.push(() => service.close());
    const { code, stdout, stderr } = await run(['monitor', '-c', file, '--lines', '--seconds', '5']);
    expect(code).toBe(3);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error EDG_SERIAL_OPEN: bms: cannot open .* held by another program/);
    expect(stdout).toBe('');
  });

  it('refuses an unknown --device with EDG_TOOL_INPUT', async () => {
    const file = await unit();
    const { code, stderr } = await run(['monitor', '-c', file, '--device', 'modem']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error EDG_TOOL_INPUT: unknown device "modem"/);
  });
});
