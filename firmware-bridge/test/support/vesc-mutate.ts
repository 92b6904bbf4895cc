/**
 * Seeded mutations of real frames for the VESC fuzz tests: bit flips, insertions, deletions,
 * truncation, duplication and garbage around, biased towards the start and end bytes (02, 03)
 * that steer the splitter.
 */
export function mutate(random: () => number, seeds: readonly Uint8Array[]): Uint8Array {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const noisyByte = () => {
    const r = random();
    return r < 0.15 ? 0x02 : r < 0.3 ? 0x03 : Math.floor(random() * 256);
  };
  let bytes = [...pick(seeds)];
  const rounds = 1 + Math.floor(random() * 3);
  for (let round = 0; round < rounds; round++) {
    const at = Math.floor(random() * (bytes.length + 1));
    switch (Math.floor(random() * 7)) {
      case 0: {
        const i = Math.min(at, bytes.length - 1);
        if (i >= 0) bytes[i] = (bytes[i] ?? 0) ^ (1 << Math.floor(random() * 8));
        break;
      }
      case 1:
        bytes.splice(at, 0, ...Array.from({ length: 1 + Math.floor(random() * 4) }, noisyByte));
        break;
      case 2:
        bytes.splice(at, 1 + Math.floor(random() * 4));
        break;
      case 3:
        bytes = bytes.slice(0, at);
        break;
      case 4:
        bytes.splice(at, 0, ...bytes.slice(at, at + 1 + Math.floor(random() * 8)));
        break;
      case 5:
        bytes = [...Array.from({ length: Math.floor(random() * 12) }, noisyByte), ...bytes, ...pick(seeds)];
        break;
      default:
        bytes = [...bytes, ...Array.from({ length: Math.floor(random() * 12) }, noisyByte)];
    }
  }
  return Uint8Array.from(bytes);
}

/** Splits `bytes` into random chunks of 1–24 bytes, as reads from a serial port arrive. */
export function chunk(random: () => number, bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * 24);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** FUZZ_ITERATIONS from the environment, for a longer optional run; the default otherwise. */
export function fuzzIterations(fallback: number): number {
  const fromEnv = Number.parseInt(process.env.FUZZ_ITERATIONS ?? '', 10);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}
