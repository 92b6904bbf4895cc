import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BatterySample,
  createPtyPair,
  JbdDriver,
  nmeaDecoder,
  openSerialTransport,
  parseHex,
  StreamDecoder,
} from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './support/until.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
// A basic-info answer from the JBD protocol document (V13 §3), used as the bytes on the wire.
const FRAME =
  'dd 03 00 1b 17 00 00 00 02 d0 03 e8 00 00 20 78 00 00 00 00 00 00 10 48 03 0f 02 0b 76 0b 82 fb ff 77'.replace(
    / /g,
    '',
  );
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Run = Promise<{ code: number | null; stdout: string; stderr: string }> & { stderrSoFar(): string };

function run(args: string[], stdin = ''): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdin.end(stdin);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return Object.assign(done, { stderrSoFar: () => stderr });
}

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; message?: { kind: string }; length?: number; t?: number });

describe('triporteur-edge decode / capture / replay', () => {
  it('decodes hex from stdin into messages and discards, accounting for every byte', async () => {
    const { code, stdout } = await run(['decode', '--protocol', 'jbd', '--hex'], `ff ff ${FRAME} dd 03`);
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out.map((l) => l.type)).toEqual(['discarded', 'message', 'pending']);
    expect(out[1]?.message?.kind).toBe('basicInfo');
    expect(out.reduce((n, l) => n + (l.length ?? 0), 0)).toBe(2 + FRAME.length / 2 + 2);
  });

  it('captures what a real pty receives and replays it to the same messages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edge-capture-'));
    const file = join(dir, 'bms.cap');
    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const device = await openSerialTransport({ path: pty.a, baudRate: 9600 });
    cleanups.push(() => device.close());

    const capture = run([
      'capture',
      '--port',
      pty.b,
      '--baud',
      '9600',
      '--protocol',
      'jbd',
      '--out',
      file,
      '--seconds',
      '3',
    ]);
    // Write only once the capture says its port is open: on a loaded machine startup alone can take seconds.
    await until(() => capture.stderrSoFar().includes('capturing '), 'the capture to open its port');
    const frame = parseHex(FRAME);
    await device.write(frame.slice(0, 10)); // a frame split across two reads, as on a real line
    await new Promise((resolve) => setTimeout(resolve, 50));
    await device.write(frame.slice(10));
    await device.write(frame);
    const captured = await capture;
    expect(captured.code).toBe(0);
    expect(captured.stderr).toContain(`captured ${frame.length * 2} bytes`);

    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text.split('\n')[0] ?? '')).toMatchObject({
      format: 'triporteur-capture',
      port: pty.b,
      protocol: 'jbd',
    });
    const replay = await run(['replay', file]);
    expect(replay.code).toBe(0);
    const out = lines(replay.stdout);
    expect(out.map((l) => l.type)).toEqual(['message', 'message']);
    expect(out.every((l) => typeof l.t === 'number')).toBe(true);
  });

  it('simulates a JBD BMS on a real port, answering a real driver', async () => {
    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const bench = run(['simulate', '--protocol', 'jbd', '--port', pty.a, '--scenario', 'fault', '--seconds', '3']);
    const host = await openSerialTransport({ path: pty.b, baudRate: 9600 });
    cleanups.push(() => host.close());
    const driver = new JbdDriver({ transport: host, pollIntervalMs: 300, responseTimeoutMs: 300 });
    const samples: BatterySample[] = [];
    driver.on('sample', (s) => samples.push(s));
    driver.start();
    cleanups.push(() => driver.stop());
    await until(() => samples.length >= 2, 'samples from the simulated BMS');
    expect(samples.at(-1)?.protection).toEqual(['dischargeOverCurrent']);
    const done = await bench;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('simulating jbd (fault)');
  });

  it('simulates a GPS that talks on its own, decodable as NMEA', async () => {
    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const host = await openSerialTransport({ path: pty.b, baudRate: 9600 });
    cleanups.push(() => host.close());
    const decoder = new StreamDecoder(nmeaDecoder);
    const kinds: string[] = [];
    host.onData((bytes) => {
      for (const line of decoder.push(bytes)) if (line.type === 'message') kinds.push(String(line.message.type));
    });
    const bench = await run(['simulate', '--protocol', 'nmea', '--port', pty.a, '--seconds', '2.5']);
    expect(bench.code).toBe(0);
    expect(new Set(kinds)).toEqual(new Set(['GGA', 'RMC', 'GSA', 'VTG']));
  });

  it.each([
    [['simulate', '--protocol', 'vesc', '--port', '/dev/null', '--scenario', 'charge'], 'EDG_TOOL_INPUT'],
    [['decode', '--protocol', 'modbus'], 'EDG_TOOL_INPUT'],
    [['decode', '--protocol', 'jbd', '--hex'], 'EDG_TOOL_INPUT', 'dd 0'],
    [['decode', '--protocol', 'jbd', '/nonexistent/file'], 'EDG_TOOL_INPUT'],
    [['replay', '/dev/null'], 'BRG_CAPTURE_FORMAT'],
    [['capture', '--port', '/dev/ttyNOPE', '--baud', '9600', '--out', '/tmp/never.cap'], 'EDG_SERIAL_OPEN'],
  ])('refuses bad input %j with one coded line', async (args, code, stdin = '') => {
    const result = await run(args, stdin);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.startsWith(`error ${code}: `)).toBe(true);
  });
});
