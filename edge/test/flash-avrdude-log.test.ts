import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readAvrdudeLog } from '../src/flash/avrdude-log.js';
import { FlashErrorCode } from '../src/flash/errors.js';
import { flashImage } from '../src/flash/flasher.js';
import { createExecFileRunner } from '../src/hotspot/system/command.js';
import { HotspotError, HotspotErrorCode } from '../src/hotspot/system/errors.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import * as logs from './fixtures/avrdude-7.1-logs.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('readAvrdudeLog: real avrdude 7.1 logs become one outcome each', () => {
  it('reads a verified write: bytes written, bytes verified, signature', () => {
    expect(readAvrdudeLog(logs.WRITTEN_AND_VERIFIED, { exitCode: 0 })).toEqual({
      bytesWritten: 12000,
      bytesVerified: 12000,
      signature: '0x1e950f',
    });
  });

  it.each([
    ['a read-back that differs', logs.VERIFY_MISMATCH, { exitCode: 1 }, FlashErrorCode.VERIFY],
    [
      'a verify-only run on a board without the image',
      logs.VERIFY_ONLY_MISMATCH_BLANK_BOARD,
      { exitCode: 1 },
      FlashErrorCode.VERIFY,
    ],
    ['an ATmega168 on the port', logs.WRONG_SIGNATURE_ATMEGA168, { exitCode: 1 }, FlashErrorCode.SIGNATURE],
    ['a silent port', logs.SILENT_PORT, { exitCode: 1 }, FlashErrorCode.NOT_IN_SYNC],
    ['a board talking at another speed', logs.WRONG_SPEED_GARBAGE, { exitCode: 1 }, FlashErrorCode.NOT_IN_SYNC],
    ['a port that does not exist', logs.NO_SUCH_PORT, { exitCode: 1 }, FlashErrorCode.PORT_OPEN],
    [
      'a board that died mid-write (avrdude killed)',
      logs.POWER_CUT_MID_WRITE,
      { timedOut: true as const },
      FlashErrorCode.PROTOCOL,
    ],
    ['avrdude killed before it reached the board', '', { timedOut: true as const }, FlashErrorCode.TIMEOUT],
    ['a failure this code does not know', 'avrdude error: something new\n', { exitCode: 1 }, FlashErrorCode.FAILED],
    ['a zero exit that never verified', 'avrdude: 10 bytes of flash written\n', { exitCode: 0 }, FlashErrorCode.FAILED],
  ])('maps %s to its code', (_name, log, end, code) => {
    expect(codeOf(() => readAvrdudeLog(log, end))).toBe(code);
  });

  it('names the address of a mismatch and tells silence from garbage', () => {
    expect(() => readAvrdudeLog(logs.VERIFY_MISMATCH, { exitCode: 1 })).toThrow(/0x57.*0x47.*0x0123/);
    expect(() => readAvrdudeLog(logs.SILENT_PORT, { exitCode: 1 })).toThrow(/aucune réponse/);
    expect(() => readAvrdudeLog(logs.WRONG_SPEED_GARBAGE, { exitCode: 1 })).toThrow(/0xf8/);
  });
});

describe('flashImage through the command runner seam', () => {
  // The runner plays avrdude: it writes the captured log where `-l` says, as avrdude does.
  const playing = (log: string, code: number) =>
    new RecordingRunner(async (command) => {
      const at = command.args.indexOf('-l');
      await writeFile(command.args[at + 1] ?? '', log);
      return { stdout: '', stderr: '', code };
    });

  it('runs one exact avrdude command and reads its log file', async () => {
    const runner = playing(logs.WRITTEN_AND_VERIFIED, 0);
    const result = await flashImage(
      { port: '/dev/triporteur-arduino', board: 'nano-old', image: { path: '/opt/image.hex' }, attempts: 3 },
      { runner },
    );
    expect(result).toMatchObject({ bytesWritten: 12000, bytesVerified: 12000, signature: '0x1e950f' });
    expect(runner.calls).toHaveLength(1);
    const args = runner.calls[0]?.args ?? [];
    const logPath = args[args.indexOf('-l') + 1] ?? '';
    expect(logPath).toMatch(/triporteur-flash-\w+\/avrdude\.log$/);
    expect(runner.lines()).toEqual([
      `avrdude -c arduino -p atmega328p -P /dev/triporteur-arduino -b 57600 -D -x attempts=3 -l ${logPath} -U flash:w:/opt/image.hex:i`,
    ]);
  });

  it('re-reads without writing for a verify, at the new bootloader’s speed', async () => {
    const runner = playing(logs.WRITTEN_AND_VERIFIED, 0);
    await flashImage(
      { port: '/dev/ttyUSB0', board: 'nano', image: { path: '/opt/image.hex' }, operation: 'verify' },
      { runner },
    );
    const line = runner.lines()[0] ?? '';
    expect(line).toContain('-b 115200');
    expect(line).not.toContain('-D');
    expect(line).toMatch(/-U flash:v:\/opt\/image\.hex:i$/);
  });

  it('keeps what avrdude logged before the time limit killed it', async () => {
    const runner = new RecordingRunner(async (command) => {
      await writeFile(command.args[command.args.indexOf('-l') + 1] ?? '', logs.POWER_CUT_MID_WRITE);
      throw new HotspotError(HotspotErrorCode.COMMAND_TIMEOUT, 'avrdude did not finish');
    });
    const failure = flashImage({ port: '/dev/ttyUSB0', board: 'nano', image: { path: '/opt/i.hex' } }, { runner });
    await expect(failure).rejects.toMatchObject({ code: FlashErrorCode.PROTOCOL });
  });

  it('says avrdude is missing when it cannot be started', async () => {
    const failure = flashImage(
      { port: '/dev/ttyUSB0', board: 'nano', image: { path: '/opt/i.hex' } },
      { runner: createExecFileRunner(), avrdude: '/nonexistent/avrdude' },
    );
    await expect(failure).rejects.toMatchObject({ code: FlashErrorCode.AVRDUDE_MISSING });
  });

  it.each([
    ['a relative port', { port: 'ttyUSB0', board: 'nano' }],
    ['avrdude’s network port syntax', { port: 'net:10.0.0.1:23', board: 'nano' }],
    ['an unknown board', { port: '/dev/ttyUSB0', board: 'uno' }],
    ['a speed no bootloader uses', { port: '/dev/ttyUSB0', board: 'nano', baud: 9600 }],
    ['too many attempts for avrdude', { port: '/dev/ttyUSB0', board: 'nano', attempts: 100 }],
  ])('refuses %s before running anything', async (_name, request) => {
    const runner = new RecordingRunner();
    await expect(flashImage({ ...request, image: { path: '/opt/i.hex' } }, { runner })).rejects.toMatchObject({
      code: FlashErrorCode.INPUT,
    });
    expect(runner.calls).toEqual([]);
  });
});

describe('docs/flashing.md', () => {
  it('has a troubleshooting row for every flash error code', async () => {
    const doc = await readFile(new URL('../../docs/flashing.md', import.meta.url), 'utf8');
    const rows = doc.split('\n').filter((line) => line.startsWith('| `EDG_FLASH_'));
    for (const code of Object.values(FlashErrorCode))
      expect(rows.some((row) => row.includes(`\`${code}\``))).toBe(true);
  });
});
