import type { FrameSplitter } from './framing.js';

/** Every wire protocol the bridge understands, by the name the CLI takes (`--protocol`). */
export type ProtocolName = 'jbd' | 'daly' | 'vesc' | 'kt' | 'bafang' | 'nmea' | 'firmata';

export type DecodeOutcome =
  | { ok: true; message: Record<string, unknown> }
  | { ok: false; reason: string; detail?: string };

/**
 * One protocol as the capture/decode/replay tools see it: a splitter for the stream the Pi
 * listens to, and a decoder from one frame to a JSON-able message. Pure, so it also runs in a browser.
 */
export interface ProtocolDecoder {
  readonly name: ProtocolName;
  createSplitter(): FrameSplitter;
  /** Never throws: a frame that passed the splitter but makes no sense is `ok: false`. */
  decode(frame: Uint8Array): DecodeOutcome;
}
