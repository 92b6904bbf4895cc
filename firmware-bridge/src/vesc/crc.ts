/**
 * CRC-16/XMODEM (poly 0x1021, init 0, no reflection, no final XOR): the checksum VESC frames carry
 * over their payload, high byte first. The table is computed here from the polynomial, once.
 */
const POLY = 0x1021;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ POLY : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

/** CRC over bytes[start..end); the same as the firmware's crc16() (util/crc.c) for the whole range. */
export function vescCrc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((TABLE[((crc >>> 8) ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (crc << 8)) & 0xffff;
  }
  return crc;
}
