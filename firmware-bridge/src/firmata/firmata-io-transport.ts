import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import type { ByteTransport } from '../transport/transport.js';

/**
 * Makes our ByteTransport look like the serialport stream firmata-io expects: write(buffer, cb)
 * plus 'open' and 'data' events. firmata-io then never builds a port of its own, so its
 * serialport@8 (and native binding) is never loaded. Buffers stay inside this adapter.
 */
export class FirmataIoTransport extends EventEmitter {
  /** Clock time of the last byte received; undefined until one arrives. */
  lastDataAt: number | undefined;
  bytesIn = 0;
  bytesOut = 0;
  private transport: ByteTransport | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    transport: ByteTransport,
    private readonly clock: Clock,
    private readonly onWriteError: (err: unknown) => void,
    /** Sees every received chunk first (the driver's own splitter, for stats and resets). */
    private readonly tap: (bytes: Uint8Array) => void,
  ) {
    super();
    this.transport = transport;
    this.unsubscribe = transport.onData((bytes) => {
      this.lastDataAt = this.clock.now();
      this.bytesIn += bytes.length;
      this.tap(bytes);
      // firmata-io only indexes and measures the chunk, so a Uint8Array will do.
      this.emit('data', bytes);
    });
  }

  get isOpen(): boolean {
    return this.transport?.isOpen ?? false;
  }

  /** Our transport is open before firmata-io sees it; firmata-io still waits for 'open'. */
  announceOpen(): void {
    this.emit('open');
  }

  write(data: Uint8Array, callback?: (err?: unknown) => void): boolean {
    const transport = this.transport;
    if (transport === undefined) {
      callback?.(new Error('firmata transport detached'));
      return false;
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.bytesOut += bytes.length;
    transport.write(bytes).then(
      () => callback?.(),
      (err: unknown) => {
        this.onWriteError(err);
        callback?.(err);
      },
    );
    return true;
  }

  /** Stops listening and forgets the transport, so a leaked firmata-io object cannot hold it. */
  detach(): void {
    this.unsubscribe();
    this.transport = undefined;
    this.removeAllListeners();
  }
}
