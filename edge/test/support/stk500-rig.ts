import { type ByteTransport, createPtyPair, openSerialTransport, type PtyPair } from '@triporteur/firmware-bridge';
import { Stk500Bootloader, type Stk500BootloaderOptions } from '../../src/flash/stk500/simulator.js';

/**
 * A Nano's bootloader at the far end of a real pty pair: avrdude opens `port` as it would
 * /dev/ttyUSB0, and the simulator answers on the other end through the real serialport.
 */
export interface Stk500Rig {
  /** The end avrdude and the flasher open. */
  port: string;
  bootloader: Stk500Bootloader;
  /** The simulator's end, for handing over to another simulator once the bootloader has left. */
  transport: ByteTransport;
  /** Called once avrdude leaves programming mode and the bootloader stops answering. */
  onLeave(listener: () => void): void;
  close(): Promise<void>;
}

export interface Stk500RigOptions extends Stk500BootloaderOptions {
  /** The board loses power after writing this many pages: it answers nothing more. */
  powerCutAfterPages?: number;
}

export async function startStk500Rig(options: Stk500RigOptions = {}): Promise<Stk500Rig> {
  const pty: PtyPair = await createPtyPair();
  const transport = await openSerialTransport({ path: pty.b, baudRate: 115200 });
  const bootloader = new Stk500Bootloader(options);
  const powered = () => bootloader.stats.pagesWritten < (options.powerCutAfterPages ?? Number.POSITIVE_INFINITY);
  const leaveListeners: Array<() => void> = [];
  // Answers go out in order: a reply is queued behind the previous one, never beside it.
  let sending = Promise.resolve();
  const stopListening = transport.onData((bytes) => {
    if (bootloader.left || !powered()) return;
    const answer = bootloader.push(bytes);
    if (!powered()) return;
    if (answer.length > 0) sending = sending.then(() => transport.write(answer)).catch(() => undefined);
    if (bootloader.left) {
      stopListening();
      void sending.then(() => {
        for (const listener of leaveListeners) listener();
      });
    }
  });
  transport.onError(() => undefined);
  return {
    port: pty.a,
    bootloader,
    transport,
    onLeave: (listener) => leaveListeners.push(listener),
    close: async () => {
      stopListening();
      await sending;
      await transport.close();
      await pty.close();
    },
  };
}
