/**
 * Splits one direction of an MQTT byte stream into control packets (fixed header: type nibble, then the
 * remaining length as a 1–4 byte varint) and counts them by type, so the bench can say where the bytes
 * went: CONNECT, PUBLISH, PUBACK, PINGREQ… A stream that does not parse as whole packets is reported,
 * never guessed at. Pure: bytes in, counts out.
 */

export const PACKET_TYPES = [
  'reserved',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
] as const;
export type PacketType = (typeof PACKET_TYPES)[number];

export interface PacketCount {
  count: number;
  bytes: number;
}

export class MqttTally {
  readonly packets: Partial<Record<PacketType, PacketCount>> = {};
  private buffer = new Uint8Array(0);
  /** Set when the stream stops making sense as MQTT (a remaining length over 4 bytes). */
  malformed: string | undefined;

  push(chunk: Uint8Array): void {
    if (this.malformed) return;
    const joined = new Uint8Array(this.buffer.byteLength + chunk.byteLength);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.byteLength);
    let offset = 0;
    for (;;) {
      const packet = packetLength(joined, offset);
      if (packet === 'bad') {
        this.malformed = `remaining length over 4 bytes at offset ${offset}`;
        return;
      }
      if (packet === undefined || offset + packet > joined.byteLength) break;
      const type = PACKET_TYPES[(joined[offset] ?? 0) >> 4] ?? 'reserved';
      const tally = this.packets[type] ?? { count: 0, bytes: 0 };
      tally.count += 1;
      tally.bytes += packet;
      this.packets[type] = tally;
      offset += packet;
    }
    this.buffer = joined.slice(offset);
  }

  /** Bytes of a packet not yet complete (0 when the stream ended on a packet boundary). */
  get partial(): number {
    return this.buffer.byteLength;
  }

  count(type: PacketType): number {
    return this.packets[type]?.count ?? 0;
  }
}

/** Whole size of the packet at `offset`, undefined when its header is not all there yet. */
function packetLength(bytes: Uint8Array, offset: number): number | 'bad' | undefined {
  let remaining = 0;
  for (let i = 0; i < 4; i++) {
    const byte = bytes[offset + 1 + i];
    if (byte === undefined) return undefined;
    remaining += (byte & 0x7f) * 128 ** i;
    if ((byte & 0x80) === 0) return 2 + i + remaining;
  }
  return 'bad';
}
