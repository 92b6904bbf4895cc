import {
  type ByteTransport,
  createPtyPair,
  FirmataBoardSimulator,
  openSerialTransport,
  type PtyPair,
} from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { FlashErrorCode } from '../src/flash/errors.js';
import { confirmFirmata } from '../src/flash/firmata-check.js';

// The real serialport opens one end of a pty; the Firmata board simulator speaks on the other.
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function line(): Promise<{ pty: PtyPair; board: ByteTransport }> {
  const pty = await createPtyPair();
  const board = await openSerialTransport({ path: pty.b, baudRate: 57600 });
  cleanups.push(
    () => pty.close(),
    () => board.close(),
  );
  return { pty, board };
}

describe('confirmFirmata: the flashed board is asked for its firmware', () => {
  it('gets the name and version from a board that only answers when asked', async () => {
    const { pty, board } = await line();
    const simulator = new FirmataBoardSimulator({
      transport: board,
      announceOnStart: false,
      firmwareName: 'StandardFirmata.ino',
      firmwareVersion: { major: 2, minor: 3 },
    });
    const asked: string[] = [];
    simulator.on('received', (message) => asked.push(message.kind));
    simulator.start();
    cleanups.push(() => simulator.stop());

    await expect(confirmFirmata(pty.a)).resolves.toEqual({ name: 'StandardFirmata.ino', major: 2, minor: 3 });
    expect(asked).toContain('firmwareQuery');
  });

  it('keeps asking while the bootloader still holds the board after the reset', async () => {
    const { pty, board } = await line();
    const simulator = new FirmataBoardSimulator({ transport: board, announceOnStart: false });
    cleanups.push(() => simulator.stop());
    // The sketch starts only after the first questions went unheard, as after a Nano's reset.
    let started = false;
    board.onData(() => {
      if (started) return;
      started = true;
      setTimeout(() => simulator.start(), 700);
    });
    const identity = await confirmFirmata(pty.a, { retryMs: 200 });
    expect(identity.name).toBe('StandardFirmata.ino');
  });

  it('says the board does not speak Firmata when nothing answers', async () => {
    const { pty } = await line();
    await expect(confirmFirmata(pty.a, { timeoutMs: 600, retryMs: 100 })).rejects.toMatchObject({
      code: FlashErrorCode.NO_FIRMATA,
    });
  });

  it('ignores other Firmata traffic and garbage until the firmware answer comes', async () => {
    const { pty, board } = await line();
    board.onData(() => {
      // Analog reports and noise first, then the answer: F0 79 02 03 'O' 'K' F7.
      void board.write(
        Uint8Array.from([0x12, 0xe0, 0x10, 0x01, 0x7f, 0xf0, 0x79, 0x02, 0x03, 0x4f, 0x00, 0x4b, 0x00, 0xf7]),
      );
    });
    await expect(confirmFirmata(pty.a)).resolves.toEqual({ name: 'OK', major: 2, minor: 3 });
  });

  it('says the port cannot be opened when it does not exist', async () => {
    await expect(confirmFirmata('/dev/triporteur-absent')).rejects.toMatchObject({ code: FlashErrorCode.PORT_OPEN });
  });
});
