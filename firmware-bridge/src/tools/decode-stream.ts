import type { ProtocolDecoder } from '../protocol.js';
import { toHex } from './hex.js';

/** One output line of `decode` and `replay`: every byte of the input is accounted for by one of these. */
export type DecodedLine =
  | { type: 'message'; protocol: string; t?: number; length: number; message: Record<string, unknown> }
  | { type: 'invalid'; protocol: string; t?: number; reason: string; detail?: string; hex: string }
  | { type: 'discarded'; protocol: string; t?: number; reason: string; length: number; hex: string }
  | { type: 'pending'; protocol: string; length: number };

/**
 * Runs raw bytes through a protocol's own splitter and decoder — the same code the drivers use — so a
 * capture replayed on a laptop decodes exactly as it did on the tricycle. Incremental, for live input.
 */
export class StreamDecoder {
  private readonly splitter;

  constructor(private readonly decoder: ProtocolDecoder) {
    this.splitter = decoder.createSplitter();
  }

  push(bytes: Uint8Array, t?: number): DecodedLine[] {
    const protocol = this.decoder.name;
    const at = t === undefined ? {} : { t };
    return this.splitter.push(bytes).map((result): DecodedLine => {
      if (result.type === 'discarded') {
        return {
          type: 'discarded',
          protocol,
          ...at,
          reason: result.reason,
          length: result.bytes.length,
          hex: toHex(result.bytes),
        };
      }
      const outcome = this.decoder.decode(result.frame);
      if (outcome.ok)
        return { type: 'message', protocol, ...at, length: result.frame.length, message: outcome.message };
      return {
        type: 'invalid',
        protocol,
        ...at,
        reason: outcome.reason,
        ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
        hex: toHex(result.frame),
      };
    });
  }

  /** Bytes still waiting for the rest of a frame when the input ended are reported, not dropped. */
  end(): DecodedLine[] {
    const length = this.splitter.pendingBytes;
    return length > 0 ? [{ type: 'pending', protocol: this.decoder.name, length }] : [];
  }
}

export function* decodeStream(
  decoder: ProtocolDecoder,
  chunks: Iterable<{ t?: number; bytes: Uint8Array }>,
): Generator<DecodedLine> {
  const stream = new StreamDecoder(decoder);
  for (const { t, bytes } of chunks) yield* stream.push(bytes, t);
  yield* stream.end();
}
