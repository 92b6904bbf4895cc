import type { ByteTransport } from './transport.js';

export interface NoiseOptions {
  /** Chance that a write is preceded by a burst of garbage, 0–1. */
  burstProbability: number;
  /** Longest burst, in bytes. */
  maxBurst: number;
  /** Chance that one byte of the real data gets a flipped bit, 0–1 (a marginal cable). */
  bitFlipProbability?: number;
  /** Random source in [0, 1); pass a seeded one for repeatable tests. */
  random: () => number;
}

/**
 * Wraps a simulator's transport so what it sends arrives the way a long, unshielded cable next to a
 * motor delivers it: bursts of junk between frames and the odd flipped bit. Reading is untouched.
 */
export function noisyTransport(inner: ByteTransport, options: NoiseOptions): ByteTransport & { noiseEnabled: boolean } {
  const wrapper = {
    noiseEnabled: true,
    get isOpen() {
      return inner.isOpen;
    },
    async write(bytes: Uint8Array): Promise<void> {
      if (!wrapper.noiseEnabled) return inner.write(bytes);
      const { random } = options;
      if (random() < options.burstProbability) {
        const burst = Uint8Array.from({ length: 1 + Math.floor(random() * options.maxBurst) }, () =>
          Math.floor(random() * 256),
        );
        await inner.write(burst);
      }
      let data = bytes;
      if (options.bitFlipProbability !== undefined && random() < options.bitFlipProbability && bytes.length > 0) {
        data = bytes.slice();
        const i = Math.floor(random() * data.length);
        data[i] = (data[i] ?? 0) ^ (1 << Math.floor(random() * 8));
      }
      return inner.write(data);
    },
    onData: (listener: (bytes: Uint8Array) => void) => inner.onData(listener),
    onError: (listener: (err: Error) => void) => inner.onError(listener),
    close: () => inner.close(),
  };
  return wrapper;
}
