import { bafangDecoder } from '../bafang/decoder.js';
import { dalyDecoder } from '../daly/decoder.js';
import { firmataDecoder } from '../firmata/decoder.js';
import { jbdDecoder } from '../jbd/decoder.js';
import { ktDecoder } from '../kt/decoder.js';
import { nmeaDecoder } from '../nmea/decoder.js';
import type { ProtocolDecoder, ProtocolName } from '../protocol.js';
import { vescDecoder } from '../vesc/decoder.js';

/** Every protocol the decode and replay tools can read, by its `--protocol` name. */
export const DECODERS: Partial<Record<ProtocolName, ProtocolDecoder>> = {
  jbd: jbdDecoder,
  daly: dalyDecoder,
  vesc: vescDecoder,
  kt: ktDecoder,
  bafang: bafangDecoder,
  firmata: firmataDecoder,
  nmea: nmeaDecoder,
};

export function decoderFor(name: string): ProtocolDecoder | undefined {
  return Object.hasOwn(DECODERS, name) ? DECODERS[name as ProtocolName] : undefined;
}
