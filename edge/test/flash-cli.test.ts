import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createPtyPair, FirmataBoardSimulator } from '@triporteur/firmware-bridge';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { addFlashCommands, type FlashCliDeps } from '../src/cli/flash.js';
import { EXIT } from '../src/cli/report.js';
import { FlashErrorCode } from '../src/flash/errors.js';
import type { ImageSource } from '../src/flash/image-source.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { formatIntelHex, sampleProgram } from './support/flash-images.js';
import { startStk500Rig } from './support/stk500-rig.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A package folder laid out as npm installs one, holding a hex file: the image's "registry package". */
async function fakePackage(program = sampleProgram(11_968)) {
  const root = await mkdtemp(join(tmpdir(), 'flash-pkg-'));
  const dir = join(root, 'firmata-images');
  await mkdir(join(dir, 'hex'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'firmata-images', version: '1.2.3' }));
  const text = formatIntelHex(program);
  await writeFile(join(dir, 'hex', 'StandardFirmata.hex'), text);
  const source: ImageSource = {
    packageName: 'firmata-images',
    version: '1.2.3',
    file: 'hex/StandardFirmata.hex',
    sha256: createHash('sha256').update(text).digest('hex'),
    description: 'StandardFirmata de test',
  };
  return {
    deps: { imageSource: source, resolvePackage: (name: string) => join(root, name, 'package.json') },
    hexPath: join(dir, 'hex', 'StandardFirmata.hex'),
  };
}

/** Runs the command in-process; avrdude is only recorded unless `realAvrdude` is set. */
async function cli(args: string[], deps: Partial<FlashCliDeps> = {}, realAvrdude = false) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  err.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const runners: RecordingRunner[] = [];
  let exitCode: number | undefined;
  const program = new Command().exitOverride();
  addFlashCommands(program, {
    out,
    err,
    setExitCode: (code) => {
      exitCode = code;
    },
    ...(realAvrdude
      ? {}
      : {
          runner: () => {
            const runner = new RecordingRunner();
            runners.push(runner);
            return runner;
          },
        }),
    ...deps,
  });
  await program.parseAsync(['flash-firmata', ...args], { from: 'user' });
  return { stdout, stderr, exitCode, commandsRun: runners.flatMap((runner) => runner.calls) };
}

describe('flash-firmata --dry-run', () => {
  it('prints the image’s identity and the exact avrdude command, and runs nothing', async () => {
    const pkg = await fakePackage();
    const { stdout, stderr, exitCode, commandsRun } = await cli(['--dry-run'], pkg.deps);
    expect(commandsRun).toEqual([]);
    expect(exitCode).toBeUndefined();
    expect(stderr).toBe('');
    expect(stdout).toContain('image     : firmata-images@1.2.3 (StandardFirmata de test)');
    expect(stdout).toContain(`fichier   : ${pkg.hexPath}`);
    expect(stdout).toContain(`sha256    : ${pkg.deps.imageSource.sha256}`);
    expect(stdout).toContain('taille    : 11968 octets');
    expect(stdout).toContain(
      `commande  : avrdude -c arduino -p atmega328p -P /dev/triporteur-arduino -b 115200 -D -l ${join(tmpdir(), 'triporteur-flash-XXXXXX', 'avrdude.log')} -U flash:w:${pkg.hexPath}:i\n`,
    );
    expect(stdout).toContain('F0 79 F7');
    expect(stdout).toContain('rien n’a été lancé');
  });

  it('uses the old bootloader’s speed, or the one given, and verify-only reads without writing', async () => {
    const pkg = await fakePackage();
    const old = await cli(['--dry-run', '--board', 'nano-old', '--port', '/dev/ttyUSB3', '--attempts', '3'], pkg.deps);
    expect(old.stdout).toMatch(/-P \/dev\/ttyUSB3 -b 57600 -D -x attempts=3 /);
    const given = await cli(['--dry-run', '--board', 'nano-old', '--baud', '115200', '--verify-only'], pkg.deps);
    expect(given.stdout).toMatch(/-b 115200 -l \S+ -U flash:v:/);
  });

  it.each([
    [['--baud', '9600'], FlashErrorCode.INPUT],
    [['--board', 'uno'], FlashErrorCode.INPUT],
    [['--port', 'ttyUSB0'], FlashErrorCode.INPUT],
    [['--attempts', '0'], FlashErrorCode.INPUT],
  ])('refuses %j with a coded line, the fix, and exit 2', async (args, code) => {
    const pkg = await fakePackage();
    const { stdout, stderr, exitCode, commandsRun } = await cli(['--dry-run', ...args], pkg.deps);
    expect(stderr.split('\n')[0]?.startsWith(`error ${code}: `)).toBe(true);
    expect(stderr).toContain('  à faire : ');
    expect(exitCode).toBe(EXIT.config);
    expect(stdout).toBe('');
    expect(commandsRun).toEqual([]);
  });

  it('says the image package is missing, without running anything', async () => {
    const pkg = await fakePackage();
    const missing = {
      ...pkg.deps,
      resolvePackage: () => {
        throw new Error("Cannot find module 'firmata-images/package.json'");
      },
    };
    const { stderr, exitCode } = await cli(['--dry-run'], missing);
    expect(stderr).toMatch(/^error EDG_FLASH_IMAGE_MISSING: .*firmata-images@1\.2\.3/);
    expect(stderr).toContain('npm ci');
    expect(exitCode).toBe(EXIT.config);
  });

  it('refuses a packaged image that is not the reviewed one', async () => {
    const pkg = await fakePackage();
    const { stderr, exitCode } = await cli(['--dry-run'], {
      ...pkg.deps,
      imageSource: { ...pkg.deps.imageSource, sha256: '0'.repeat(64) },
    });
    expect(stderr.startsWith(`error ${FlashErrorCode.IMAGE_UNEXPECTED}: `)).toBe(true);
    expect(exitCode).toBe(EXIT.config);
  });

  it('refuses a broken --image file before anything runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flash-bad-'));
    const path = join(dir, 'cut.hex');
    await writeFile(path, formatIntelHex(sampleProgram(2_000)).split('\n').slice(0, 50).join('\n'));
    const { stderr, exitCode, commandsRun } = await cli(['--image', path]);
    expect(stderr.startsWith(`error ${FlashErrorCode.IMAGE_INVALID}: `)).toBe(true);
    expect(exitCode).toBe(EXIT.config);
    expect(commandsRun).toEqual([]);
  });
});

describe('flash-firmata on a simulated Nano (real avrdude, real serialport)', () => {
  it('writes, verifies, then hears StandardFirmata answer', async () => {
    const pkg = await fakePackage();
    const nano = await startStk500Rig({ kind: 'atmegaboot' });
    // When avrdude leaves, the bootloader starts the sketch: the Firmata simulator takes the line.
    const sketch = new FirmataBoardSimulator({ transport: nano.transport, announceOnStart: false });
    nano.onLeave(() => sketch.start());
    cleanups.push(
      () => nano.close(),
      () => sketch.stop(),
    );

    const { stdout, stderr, exitCode } = await cli(['--port', nano.port, '--board', 'nano-old'], pkg.deps, true);
    expect(stderr).toBe('');
    expect(exitCode).toBeUndefined();
    expect(nano.bootloader.flash.subarray(0, 11_968)).toEqual(sampleProgram(11_968));
    expect(stdout).toContain('avrdude   : écrit 11968 octets, vérifié 11968 octets (signature 0x1e950f)');
    expect(stdout).toContain('Firmata   : StandardFirmata.ino 2.5 répond à 57600 bauds');
    expect(stdout).toContain('terminé');
  });

  it('explains "not in sync" in French, with the reset and the other speed to try, and exits 3', async () => {
    const pkg = await fakePackage();
    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const { stderr, exitCode } = await cli(['--port', pty.a, '--attempts', '1'], pkg.deps, true);
    const [first, fix] = stderr.trim().split('\n');
    expect(first?.startsWith(`error ${FlashErrorCode.NOT_IN_SYNC}: `)).toBe(true);
    expect(fix).toMatch(/^ {2}à faire : .*reset.*57600.*115200.*port/);
    expect(exitCode).toBe(EXIT.serial);
  });
});

describe('triporteur-edge flash-firmata (the compiled CLI)', () => {
  it('is wired into main and prints a dry run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flash-main-'));
    const path = join(dir, 'image.hex');
    await writeFile(path, formatIntelHex(sampleProgram(100)));
    const child = spawn(process.execPath, [MAIN, 'flash-firmata', '--dry-run', '--image', path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toContain('image     : fichier donné par --image');
    expect(stdout).toContain(`-U flash:w:${path}:i`);
  });
});
