import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { addDoctorCommand } from '../src/cli/doctor.js';
import { DoctorCode } from '../src/doctor/codes.js';
import type { DoctorSeams } from '../src/doctor/context.js';
import type { DoctorReport } from '../src/doctor/runner.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { IS_ACTIVE, NTP_SYNCHRONIZED } from './fixtures/doctor-outputs.js';
import { startTestBroker } from './support/aedes-broker.js';
import { UNIT } from './support/doctor-config.js';
import { startBmsRig } from './support/rig.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

class Sink extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

/**
 * A unit without hotspot or modem: its BMS a simulated JBD on a pseudo-terminal, its broker a real aedes,
 * its system tools answering from captured outputs.
 */
async function unitConfig(password = 'unit-secret') {
  const rig = await startBmsRig();
  cleanups.push(() => rig.close());
  const broker = await startTestBroker({ [UNIT]: 'unit-secret' });
  cleanups.push(() => broker.close());
  const dir = await mkdtemp(join(tmpdir(), 'doctor-cli-'));
  const file = join(dir, 'edge.json');
  await writeFile(
    file,
    JSON.stringify({
      configVersion: 1,
      unitId: UNIT,
      bms: { type: 'jbd', path: rig.pty.b },
      mqtt: { url: broker.url, username: UNIT, password },
      outbox: { path: join(dir, 'data', 'outbox.db') },
    }),
  );
  return { file, dir };
}

const systemTools = () => new RecordingRunner((c) => (c.file === 'timedatectl' ? NTP_SYNCHRONIZED : IS_ACTIVE.active));

async function doctor(args: string[], options: { tty?: boolean; seams?: DoctorSeams } = {}) {
  const out = new Sink(options.tty);
  const err = new Sink();
  let exitCode: number | undefined;
  const program = new Command().exitOverride();
  addDoctorCommand(program, {
    streams: { out, err },
    seams: { commands: systemTools(), root: await mkdtemp(join(tmpdir(), 'doctor-root-')), ...options.seams },
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  await program.parseAsync(['doctor', ...args], { from: 'user' });
  return { out: out.text, err: err.text, exitCode };
}

describe('triporteur-edge doctor', () => {
  it('--json prints {ok, checks} that parse back, every check once, and exits 0', async () => {
    const { file } = await unitConfig();
    const { out, exitCode } = await doctor(['-c', file, '--json']);
    const report = JSON.parse(out) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(exitCode).toBe(0);
    const ids = report.checks.map((check) => check.id);
    expect(ids).toEqual(
      expect.arrayContaining(['serial-bms', 'clock', 'broker', 'outbox', 'disk', 'sd-wear', 'nft-ruleset']),
    );
    expect(report.checks.find((c) => c.id === 'serial-bms')).toMatchObject({ status: 'pass' });
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of report.checks) {
      expect(check).toEqual(
        expect.objectContaining({ id: expect.any(String), title: expect.any(String), detail: expect.any(String) }),
      );
    }
    expect(report.checks.find((c) => c.id === 'broker')).toMatchObject({ status: 'pass', code: DoctorCode.OK });
  });

  it('exits 2 on a failure: the wrong broker password is DOC_BROKER_AUTH', async () => {
    const { file } = await unitConfig('wrong-password');
    const { out, exitCode } = await doctor(['-c', file, '--json']);
    const report = JSON.parse(out) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(exitCode).toBe(2);
    expect(report.checks.find((c) => c.id === 'broker')).toMatchObject({
      status: 'fail',
      code: DoctorCode.BROKER_AUTH,
    });
  });

  it('prints a French table with the fix under each failure, and no colour off a terminal', async () => {
    const { file } = await unitConfig('wrong-password');
    const { out } = await doctor(['-c', file]);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^État\s+Vérification\s+Code\s+Détail$/);
    const broker = lines.findIndex((line) => line.includes('DOC_BROKER_AUTH'));
    expect(lines[broker]).toMatch(/^ÉCHEC\s+Connexion et identifiants du broker MQTT\s+DOC_BROKER_AUTH\s+/);
    expect(lines[broker + 1]).toMatch(/^\s+→ À faire : .*reprovisionner/);
    expect(out).toMatch(/\d+ vérification\(s\) : \d+ OK, \d+ attention, 1 échec\(s\) — à corriger\.\n$/);
    expect(out).not.toContain('\x1b[');
    const onTerminal = await doctor(['-c', file], { tty: true });
    expect(onTerminal.out).toContain('\x1b[31mÉCHEC');
  });

  it('--only runs the named checks and prefixes, in doctor order', async () => {
    const { file } = await unitConfig();
    const { out } = await doctor(['-c', file, '--json', '--only', 'disk,service,broker']);
    const report = JSON.parse(out) as DoctorReport;
    expect(report.checks.map((c) => c.id)).toEqual(['service-hostapd', 'service-dnsmasq', 'broker', 'disk']);
  });

  it('refuses an unknown --only name with one coded line and exit 1', async () => {
    const { file } = await unitConfig();
    const { out, err, exitCode } = await doctor(['-c', file, '--only', 'brokr']);
    expect(exitCode).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('error EDG_TOOL_INPUT: no doctor check named brokr\n');
  });

  it('reports a config that does not load as DOC_CONFIG_INVALID, exit 2, in the same JSON shape', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'doctor-cli-'));
    const file = join(dir, 'edge.json');
    await writeFile(file, '{"configVersion": 1, "unitId": "Not A Slug"}');
    const { out, exitCode } = await doctor(['-c', file, '--json']);
    expect(exitCode).toBe(2);
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      checks: [{ id: 'config', status: 'fail', code: DoctorCode.CONFIG_INVALID }],
    });
  });

  it('runs from the built binary, as a technician types it', async () => {
    const { file } = await unitConfig();
    const child = spawn(process.execPath, [MAIN, 'doctor', '-c', file, '--json', '--only', 'outbox,disk'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['outbox', 'pass'],
      ['disk', 'pass'],
    ]);
  });
});
