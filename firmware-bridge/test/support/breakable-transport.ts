import { createMemoryPair } from '../../src/transport/memory.js';
import type { ByteTransport } from '../../src/transport/transport.js';

/**
 * A memory-pair end whose link failure the test triggers by hand with `fail(err)`, as a pulled USB
 * cable would. `listening` says whether anyone is still subscribed to link errors.
 */
export function breakableTransport(): {
  transport: ByteTransport;
  fail(err: Error): void;
  readonly listening: boolean;
} {
  const [host] = createMemoryPair();
  let listener: ((err: Error) => void) | undefined;
  const transport: ByteTransport = {
    write: (b) => host.write(b),
    onData: (l) => host.onData(l),
    onError: (l) => {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
    close: () => host.close(),
    isOpen: true,
  };
  return {
    transport,
    fail: (err) => listener?.(err),
    get listening() {
      return listener !== undefined;
    },
  };
}
