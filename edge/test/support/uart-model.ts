/**
 * What a UART receiving at one speed makes of bytes sent at another: the transform that stands for a
 * wrong baud rate between a pty pair, which carries bytes whatever speed either end is set to.
 *
 * The model: the sender puts the bytes back to back, 8N1 (a low start bit, 8 data bits LSB first, a high
 * stop bit), the line idle high before and after. The receiver, like a 16550, hunts for a low level
 * (checked 16 times per bit), confirms it at the middle of the start bit, then samples each data bit and
 * the stop bit at their middles at its own speed. A low stop bit is a framing error: such bytes are
 * dropped, because serialport sets IGNPAR on the line (bindings-cpp serialport_unix.cpp); a character that
 * is low throughout is a break, which Linux hands over as one NUL byte (IGNBRK and BRKINT unset). After
 * either, the receiver waits for the line to go high before hunting again.
 *
 * `invert` flips every level (RS-232 levels into a TTL adapter, RS485 A and B swapped): the line then
 * idles low, which is one long break.
 */
export function resampleUart(
  bytes: Uint8Array,
  txBaud: number,
  rxBaud: number,
  options: { invert?: boolean } = {},
): Uint8Array {
  const invert = options.invert ?? false;
  const txBit = 1 / txBaud;
  const end = bytes.length * 10 * txBit;
  const level = (t: number): 0 | 1 => {
    let bit: 0 | 1 = 1;
    if (t >= 0 && t < end) {
      const index = Math.floor(t / txBit);
      const position = index % 10;
      const byte = bytes[Math.floor(index / 10)] ?? 0xff;
      bit = position === 0 ? 0 : position === 9 ? 1 : ((byte >> (position - 1)) & 1) === 1 ? 1 : 0;
    }
    return invert ? (bit === 1 ? 0 : 1) : bit;
  };
  const rxBit = 1 / rxBaud;
  const step = rxBit / 16;
  const out: number[] = [];
  let t = 0;
  let waitForHigh = invert; // an inverted line starts in a break the receiver already reported
  while (t < end) {
    if (waitForHigh) {
      if (level(t) === 1) waitForHigh = false;
      t += step;
      continue;
    }
    if (level(t) === 1 || level(t + rxBit / 2) === 1) {
      t += step;
      continue;
    }
    let value = 0;
    for (let k = 0; k < 8; k++) value |= level(t + (1.5 + k) * rxBit) << k;
    const stop = level(t + 9.5 * rxBit);
    if (stop === 1) out.push(value);
    else if (value === 0) out.push(0);
    waitForHigh = stop === 0;
    t += 9.5 * rxBit;
  }
  return Uint8Array.from(out);
}
