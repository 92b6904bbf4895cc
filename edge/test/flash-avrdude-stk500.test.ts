import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPtyPair } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { FlashErrorCode } from '../src/flash/errors.js';
import { type FlashRequest, flashImage } from '../src/flash/flasher.js';
import { loadImageFile } from '../src/flash/image.js';
import { createExecFileRunner } from '../src/hotspot/system/command.js';
import { formatIntelHex, sampleProgram } from './support/flash-images.js';
import { type Stk500RigOptions, startStk500Rig } from './support/stk500-rig.js';

// The real avrdude (Debian's 7.1) writes and verifies through a socat pty; the far end is the STK500
// simulator, which keeps the flash it was given so the test can compare it with the image.
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function imageOf(bytes: Uint8Array) {
  const dir = await mkdtemp(join(tmpdir(), 'flash-image-'));
  const path = join(dir, 'firmata.hex');
  await writeFile(path, formatIntelHex(bytes));
  return loadImageFile(path);
}

async function rig(options: Stk500RigOptions = {}) {
  const started = await startStk500Rig(options);
  cleanups.push(() => started.close());
  return started;
}

const runner = createExecFileRunner({ timeoutMs: 60_000 });
const request = (port: string, path: string, extra: Partial<FlashRequest> = {}): FlashRequest => ({
  port,
  board: 'nano',
  image: { path },
  attempts: 1,
  ...extra,
});

describe('flashing through real avrdude and a simulated bootloader', () => {
  it.each([
    ['nano', 'optiboot'],
    ['nano-old', 'atmegaboot'],
  ] as const)('puts the image into a %s (%s) byte for byte, and avrdude verifies it', async (board, kind) => {
    const program = sampleProgram(12_000);
    const { identity, image } = await imageOf(program);
    const board_ = await rig({ kind });
    const result = await flashImage(request(board_.port, identity.path, { board }), { runner });

    expect(image.bytes).toEqual(program);
    expect(board_.bootloader.flash.subarray(0, program.length)).toEqual(image.bytes);
    // The rest of the page avrdude pads, and everything after, stays erased.
    expect(board_.bootloader.flash.subarray(program.length).every((byte) => byte === 0xff)).toBe(true);
    expect(result).toMatchObject({ bytesWritten: 12_000, bytesVerified: 12_000, signature: '0x1e950f' });
    expect(board_.bootloader.stats).toMatchObject({ pagesWritten: 94, unknown: [], outOfSync: 0 });
    expect(board_.bootloader.left).toBe(true);
  });

  it('verifies a board already flashed, and writes nothing doing it', async () => {
    const { identity, image } = await imageOf(sampleProgram(4_000));
    const board = await rig();
    board.bootloader.flash.set(image.bytes);
    const result = await flashImage(request(board.port, identity.path, { operation: 'verify' }), { runner });
    expect(result.bytesVerified).toBe(4_000);
    expect(result.bytesWritten).toBeUndefined();
    expect(board.bootloader.stats.pagesWritten).toBe(0);
  });

  it('reports a verify failure when the board holds something else', async () => {
    const { identity } = await imageOf(sampleProgram(4_000));
    const board = await rig();
    const failure = flashImage(request(board.port, identity.path, { operation: 'verify' }), { runner });
    await expect(failure).rejects.toMatchObject({ code: FlashErrorCode.VERIFY });
  });

  it('fails verification when one byte reads back wrong, though every page was written', async () => {
    const { identity } = await imageOf(sampleProgram(12_000));
    const board = await rig({ corruptRead: { address: 0x1234, xor: 0x40 } });
    const failure = flashImage(request(board.port, identity.path), { runner });
    await expect(failure).rejects.toMatchObject({
      code: FlashErrorCode.VERIFY,
      message: expect.stringContaining('0x1234'),
    });
    expect(board.bootloader.stats.pagesWritten).toBe(94);
  });

  it('refuses a chip that is not an ATmega328P before writing anything', async () => {
    const { identity } = await imageOf(sampleProgram(1_000));
    const board = await rig({ signature: [0x1e, 0x94, 0x0b] });
    const failure = flashImage(request(board.port, identity.path), { runner });
    await expect(failure).rejects.toMatchObject({ code: FlashErrorCode.SIGNATURE });
    expect(board.bootloader.stats.pagesWritten).toBe(0);
  });

  it('says "not in sync" when nothing answers on the port', async () => {
    const { identity } = await imageOf(sampleProgram(1_000));
    const pty = await createPtyPair();
    cleanups.push(() => pty.close());
    const failure = flashImage(request(pty.a, identity.path), { runner });
    await expect(failure).rejects.toMatchObject({ code: FlashErrorCode.NOT_IN_SYNC });
  });

  it('says the port cannot be opened when it does not exist', async () => {
    const { identity } = await imageOf(sampleProgram(1_000));
    const failure = flashImage(request('/dev/triporteur-absent', identity.path), { runner });
    await expect(failure).rejects.toMatchObject({ code: FlashErrorCode.PORT_OPEN });
  });

  it('reports a board that dies mid-write, once the time limit stops avrdude', async () => {
    const { identity } = await imageOf(sampleProgram(12_000));
    const board = await rig({ powerCutAfterPages: 40 });
    // avrdude would retry byte by byte for hours; the runner's limit ends it, and its log file says why.
    const limited = createExecFileRunner({ timeoutMs: 8_000 });
    const failure = flashImage(request(board.port, identity.path), { runner: limited });
    await expect(failure).rejects.toMatchObject({ code: FlashErrorCode.PROTOCOL });
    expect(board.bootloader.stats.pagesWritten).toBe(40);
  }, 30_000);
});
