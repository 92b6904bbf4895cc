import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeBatch, type TelemetryRecordV2, unitTopic } from '@triporteur/edge/contract';
import { startMosquitto } from '@triporteur/edge/testing';
import { createPtyPair, JbdSimulator, openSerialTransport } from '@triporteur/firmware-bridge';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './support/fleet.js';

/**
 * A real full disk: the edge CLI runs in its own mount namespace with its outbox on a 192 KiB tmpfs,
 * most of it taken by a ballast file, while the broker is down so the outbox only grows. SQLite gets
 * ENOSPC; the records wait in memory; the ballast goes; they are stored, then sent once the broker is
 * back. Needs root (unshare -m), as the hotspot's namespace tests do.
 */

const run = promisify(execFile);
const EDGE = join(import.meta.dirname, '..', 'edge', 'dist', 'src', 'main.js');
const UNIT = 'tri-diskfull';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface LogLine {
  msg?: string;
  code?: string;
  held?: number;
  stored?: number;
}

describe('the edge on a full disk', () => {
  it('says EDG_OUTBOX_FULL, holds its records, stores them once space frees, and loses none', async () => {
    const broker = await startMosquitto({ [UNIT]: 'unit-secret', observer: 'observer-secret' }, 'observer');
    cleanups.push(() => broker.stop());
    const records: TelemetryRecordV2[] = [];
    const observer = await mqtt.connectAsync(broker.url, {
      username: 'observer',
      password: 'observer-secret',
      protocolVersion: 4,
      clean: false,
      clientId: 'disk-full-observer',
      reconnectPeriod: 300,
    });
    cleanups.push(() => observer.endAsync(true));
    observer.on('message', (_topic, payload) => {
      const decoded = decodeBatch(payload);
      if (decoded.ok && decoded.value.v === 2) records.push(...decoded.value.records);
    });
    await observer.subscribeAsync(unitTopic(UNIT, 'telemetry'), { qos: 1 });
    await broker.kill();

    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const bms = await openSerialTransport({ path: pty.a, baudRate: 9600 });
    cleanups.push(() => bms.close());
    const simulator = new JbdSimulator({ transport: bms, timeScale: 600 });
    simulator.start();
    cleanups.push(async () => simulator.stop());

    const dir = await mkdtemp(join(tmpdir(), 'edge-disk-full-'));
    const small = join(dir, 'small');
    await mkdir(small);
    const configFile = join(dir, 'edge.json');
    await writeFile(
      configFile,
      JSON.stringify({
        configVersion: 1,
        unitId: UNIT,
        bms: { type: 'jbd', path: pty.b, pollIntervalMs: 200, responseTimeoutMs: 150 },
        mqtt: { url: broker.url, username: UNIT, password: 'unit-secret', reconnectMs: 500, reconnectMaxMs: 1000 },
        telemetry: { sampleIntervalMs: 200, batchIntervalMs: 200 },
        outbox: { path: join(small, 'outbox.db') },
      }),
    );
    // 192 KiB, 128 of them ballast: a few dozen WAL frames and the disk is full.
    const script =
      'mount -t tmpfs -o size=192k tmpfs "$1" && dd if=/dev/zero of="$1/ballast" bs=1k count=128 status=none && ' +
      'exec "$2" "$3" run --config "$4"';
    const child: ChildProcess = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', small, process.execPath, EDGE, configFile],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'info' } },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    const logs: LogLine[] = [];
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          // Not a log line.
        }
      }
    });

    await until(() => logs.some((l) => l.code === 'EDG_OUTBOX_FULL'), 'the disk filling up', 60_000);
    const fullAt = Date.now();
    await until(() => logs.some((l) => (l.held ?? 0) >= 1), 'records held in memory');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // Free the space from outside, through the edge's own mount namespace.
    await run('nsenter', ['--target', String(child.pid), '--mount', 'rm', join(small, 'ballast')]);
    const freedAt = Date.now();
    await until(() => logs.some((l) => l.msg === 'held records stored'), 'the held records stored', 20_000);

    await broker.restart();
    await until(() => records.some((r) => r.ts > freedAt + 500), 'records made after the disk freed', 30_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // One boot, every record once, in order: nothing made while the disk was full was lost.
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    expect(records.filter((r) => r.ts > fullAt && r.ts < freedAt).length).toBeGreaterThan(3);
    expect(records[0]?.historical).toBe(true);
  }, 150_000);
});
