/**
 * Intel HEX text for tests, written the way avr-objcopy writes it (16 data bytes a record, then
 * the end record), from bytes a test chooses.
 */
export function formatIntelHex(bytes: Uint8Array, origin = 0): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    lines.push(record(0x00, (origin + at) & 0xffff, bytes.subarray(at, Math.min(at + 16, bytes.length))));
  }
  lines.push(record(0x01, 0, new Uint8Array(0)));
  return `${lines.join('\n')}\n`;
}

export function record(type: number, offset: number, data: Uint8Array | number[]): string {
  const bytes = [data.length, offset >> 8, offset & 0xff, type, ...data];
  const checksum = (0x100 - (bytes.reduce((total, byte) => total + byte, 0) & 0xff)) & 0xff;
  return `:${[...bytes, checksum].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join('')}`;
}

/** A program-like image: deterministic pseudo-random bytes, so every page differs from the next. */
export function sampleProgram(length: number, seed = 0x2f6b1c3d): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}
