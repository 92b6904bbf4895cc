import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { ByteTransport } from './transport.js';

/**
 * Two connected in-memory transports: bytes written on one arrive on the other on a later tick,
 * like a null-modem cable. Used for unit tests of drivers and when no pty tool is available.
 */
export function createMemoryPair(): [ByteTransport, ByteTransport] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class MemoryEnd implements ByteTransport {
  peer: MemoryEnd | undefined;
  private readonly dataListeners = new Set<(bytes: Uint8Array) => void>();
  private readonly errorListeners = new Set<(err: Error) => void>();
  private open = true;

  get isOpen(): boolean {
    return this.open;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.open) {
      return Promise.reject(new BridgeError(BridgeErrorCode.PORT_CLOSED, 'memory transport is closed'));
    }
    const copy = bytes.slice();
    const peer = this.peer;
    setImmediate(() => peer?.deliver(copy));
    return Promise.resolve();
  }

  private deliver(bytes: Uint8Array): void {
    if (!this.open) return;
    for (const listener of this.dataListeners) listener(bytes);
  }

  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onError(listener: (err: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  close(): Promise<void> {
    this.open = false;
    return Promise.resolve();
  }
}
