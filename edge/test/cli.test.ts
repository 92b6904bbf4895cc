import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker } from './support/aedes-broker.js';
import { startBmsRig } from './support/rig.js';

// The compiled CLI, as systemd runs it; `npm test` builds it first (tsc -b).
const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function runCli(config: unknown): Promise<{ code: number | null; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-cli-'));
  const file = join(dir, 'edge.json');
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
  const child = spawn(process.execPath, [MAIN, 'run', '--config', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stderr };
}

const base = (bmsPath: string, url: string, password = 'unit-secret') => ({
  configVersion: 1,
  unitId: 'tri-cli-01',
  bms: { type: 'jbd', path: bmsPath },
  mqtt: { url, username: 'tri-cli-01', password },
  outbox: { path: join(mkdtempSync(join(tmpdir(), 'edge-cli-outbox-')), 'outbox.db') },
});

/** One line, with the code first, and no stack trace. */
function expectOneCodedLine(stderr: string, code: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]?.startsWith(`error ${code}: `)).toBe(true);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('triporteur-edge run: bad input is one coded line and a meaningful exit code', () => {
  it('names the bad field of a malformed config and exits 2', async () => {
    const config = {
      ...base('/dev/null', 'mqtt://127.0.0.1:1'),
      bms: { type: 'jbd', path: '/dev/x', baudRate: 'fast' },
    };
    const { code, stderr } = await runCli(config);
    expect(code).toBe(2);
    expectOneCodedLine(stderr, 'EDG_CONFIG_INVALID');
    expect(stderr).toContain('"bms/baudRate"');
  });

  it('reports a config that is not JSON and exits 2', async () => {
    const { code, stderr } = await runCli('{"unitId": ');
    expect(code).toBe(2);
    expectOneCodedLine(stderr, 'EDG_CONFIG_JSON');
  });

  it('reports a wrong serial path and exits 3', async () => {
    const { code, stderr } = await runCli(base('/dev/ttyNOPE-does-not-exist', 'mqtt://127.0.0.1:1'));
    expect(code).toBe(3);
    expectOneCodedLine(stderr, 'EDG_SERIAL_OPEN');
    expect(stderr).toContain('/dev/ttyNOPE-does-not-exist');
  });

  it('reports credentials the broker refuses and exits 4 instead of retrying forever', async () => {
    const rig = await startBmsRig();
    cleanups.push(() => rig.close());
    const broker = await startTestBroker({ 'tri-cli-01': 'unit-secret' });
    cleanups.push(() => broker.close());
    const { code, stderr } = await runCli(base(rig.pty.b, broker.url, 'not-the-password'));
    expect(code).toBe(4);
    expectOneCodedLine(stderr, 'EDG_MQTT_AUTH');
    expect(stderr).toContain('tri-cli-01');
  });
});
