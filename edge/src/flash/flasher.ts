import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner } from '../hotspot/system/command.js';
import { HotspotError, HotspotErrorCode } from '../hotspot/system/errors.js';
import { AVRDUDE, avrdudeArgs } from './avrdude-command.js';
import { type AvrdudeEnd, type AvrdudeSuccess, readAvrdudeLog } from './avrdude-log.js';
import { type BoardName, boardNamed, bootloaderBaud } from './boards.js';
import { FlashError, FlashErrorCode } from './errors.js';
import type { ImageIdentity } from './image.js';

/**
 * Writes an image onto the Nano through its bootloader with avrdude, which verifies it by reading
 * the flash back. Every failure is a FlashError whose code says what to do next.
 */
export interface FlashRequest {
  port: string;
  board: BoardName | string;
  /** Overrides the board's bootloader speed. */
  baud?: number;
  attempts?: number;
  image: Pick<ImageIdentity, 'path'>;
  /** 'verify' re-reads a board without writing. */
  operation?: 'write' | 'verify';
}

export interface FlashPlan {
  file: string;
  args: string[];
  baud: number;
}

export interface FlashResult extends AvrdudeSuccess {
  plan: FlashPlan;
  /** Everything avrdude printed, for a debug log. */
  log: string;
}

/** The command that would run; `logPath` is where avrdude writes its messages. */
export function planFlash(request: FlashRequest, logPath: string, avrdude = AVRDUDE): FlashPlan {
  const board = boardNamed(request.board);
  const baud = request.baud === undefined ? board.baud : bootloaderBaud(request.baud);
  const args = avrdudeArgs({
    port: request.port,
    part: board.part,
    programmer: board.programmer,
    baud,
    imagePath: request.image.path,
    operation: request.operation ?? 'write',
    logPath,
    ...(request.attempts === undefined ? {} : { attempts: request.attempts }),
  });
  return { file: avrdude, args, baud };
}

export interface FlashDeps {
  runner: CommandRunner;
  avrdude?: string;
  /** Where the temporary log folder goes; the system's temp folder by default. */
  tmpDir?: string;
}

export async function flashImage(request: FlashRequest, deps: FlashDeps): Promise<FlashResult> {
  // A fresh private folder: avrdude opens the log for writing, so its path must not be guessable.
  const dir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'triporteur-flash-'));
  try {
    const plan = planFlash(request, join(dir, 'avrdude.log'), deps.avrdude);
    const { end, output } = await run(deps.runner, plan);
    const log = `${await readFile(join(dir, 'avrdude.log'), 'utf8').catch(() => '')}${output}`;
    try {
      return { ...readAvrdudeLog(log, end), plan, log };
    } catch (err) {
      // The whole log rides along as the cause, for a debug log or a bug report.
      if (err instanceof FlashError) throw new FlashError(err.code, err.message, { cause: new Error(log) });
      throw err;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function run(runner: CommandRunner, plan: FlashPlan): Promise<{ end: AvrdudeEnd; output: string }> {
  try {
    const result = await runner.run(plan.file, plan.args);
    return { end: { exitCode: result.code }, output: `${result.stdout}${result.stderr}` };
  } catch (err) {
    if (err instanceof HotspotError && err.code === HotspotErrorCode.COMMAND_TIMEOUT) {
      return { end: { timedOut: true }, output: '' };
    }
    if (err instanceof HotspotError && err.code === HotspotErrorCode.COMMAND_START) {
      throw new FlashError(FlashErrorCode.AVRDUDE_MISSING, `impossible de lancer ${plan.file}`, { cause: err });
    }
    throw err;
  }
}

/**
 * A time limit that a healthy run never reaches: each failed sync attempt costs avrdude about
 * 5.3 s (a 5 s read timeout plus the reset pulse), and a full 30 KiB write and read-back at
 * 57600 baud about 12 s. Past it avrdude is stuck (a board that died mid-write makes it retry byte
 * by byte, for hours).
 */
export function flashTimeLimitMs(attempts = 10): number {
  return attempts * 6_000 + 60_000;
}
