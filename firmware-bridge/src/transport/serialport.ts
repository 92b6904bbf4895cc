import { SerialPort } from 'serialport';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { ByteTransport } from './transport.js';

export interface SerialOptions {
  path: string;
  baudRate: number;
}

/**
 * Opens a real serial port (or a pseudo-terminal) with serialport 13.
 * Rejects with BRG_PORT_OPEN, keeping the OS error as `cause`, when the path is wrong or busy.
 */
export async function openSerialTransport(options: SerialOptions): Promise<ByteTransport> {
  const port = new SerialPort({ path: options.path, baudRate: options.baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => {
    port.open((err) => {
      if (err) {
        reject(
          new BridgeError(BridgeErrorCode.PORT_OPEN, `cannot open serial port ${options.path}: ${err.message}`, {
            cause: err,
          }),
        );
      } else {
        resolve();
      }
    });
  });
  return new SerialPortTransport(port, options.path);
}

class SerialPortTransport implements ByteTransport {
  constructor(
    private readonly port: SerialPort,
    private readonly path: string,
  ) {}

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.port.isOpen) {
      return Promise.reject(new BridgeError(BridgeErrorCode.PORT_CLOSED, `serial port ${this.path} is closed`));
    }
    return new Promise((resolve, reject) => {
      this.port.write(bytes, (err) => {
        if (err) {
          reject(new BridgeError(BridgeErrorCode.PORT_CLOSED, `write to ${this.path} failed`, { cause: err }));
          return;
        }
        this.port.drain((drainErr) =>
          drainErr
            ? reject(new BridgeError(BridgeErrorCode.PORT_CLOSED, `drain of ${this.path} failed`, { cause: drainErr }))
            : resolve(),
        );
      });
    });
  }

  onData(listener: (bytes: Uint8Array) => void): () => void {
    // serialport hands out Buffers; expose plain Uint8Array views so no Buffer leaks into our API.
    const handler = (chunk: Buffer) => listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.port.on('data', handler);
    return () => this.port.off('data', handler);
  }

  onError(listener: (err: Error) => void): () => void {
    const onError = (err: Error) => listener(err);
    // serialport reports a vanished device (USB unplugged, pty peer gone) as a 'close' with `disconnected`.
    const onClose = (err?: Error & { disconnected?: boolean }) => {
      if (err?.disconnected) {
        listener(new BridgeError(BridgeErrorCode.PORT_LOST, `serial port ${this.path} went away`, { cause: err }));
      }
    };
    this.port.on('error', onError);
    this.port.on('close', onClose);
    return () => {
      this.port.off('error', onError);
      this.port.off('close', onClose);
    };
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
