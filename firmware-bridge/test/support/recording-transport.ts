import { BridgeError, BridgeErrorCode } from '../../src/errors.js';
import type { ByteTransport } from '../../src/transport/transport.js';

/**
 * A transport whose far side is the test itself: `inject()` delivers bytes synchronously, so an
 * exception in the code under test surfaces in the test, and `written` records every write.
 */
export class RecordingTransport implements ByteTransport {
  readonly written: Uint8Array[] = [];
  private readonly dataListeners = new Set<(bytes: Uint8Array) => void>();
  private readonly errorListeners = new Set<(err: Error) => void>();
  private open = true;

  get isOpen(): boolean {
    return this.open;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.open) return Promise.reject(new BridgeError(BridgeErrorCode.PORT_CLOSED, 'recording transport closed'));
    this.written.push(bytes.slice());
    return Promise.resolve();
  }

  inject(bytes: Uint8Array): void {
    for (const listener of this.dataListeners) listener(bytes);
  }

  fail(err: Error): void {
    for (const listener of this.errorListeners) listener(err);
  }

  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onError(listener: (err: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  get listeners(): number {
    return this.dataListeners.size + this.errorListeners.size;
  }

  close(): Promise<void> {
    this.open = false;
    return Promise.resolve();
  }
}
