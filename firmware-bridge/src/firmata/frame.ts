import type {
  CommonDiscardReason,
  FrameSplitter,
  SplitDiscard as GenericSplitDiscard,
  SplitResult as GenericSplitResult,
  SplitterStats,
} from '../framing.js';
import { FirmataCommand } from './constants.js';

/**
 * Splits a Firmata byte stream into whole messages. Firmata is MIDI-shaped: a command byte (bit 7
 * set) starts a message whose length the command fixes, except sysex, which runs from F0 to F7.
 * There is no checksum, so a message is whole as soon as its last data byte arrives.
 *
 * Every byte ends up in exactly one frame or one discard (or is still pending):
 * - 'garbage': data bytes outside any message (a capture that starts mid-message, a lost command
 *   byte, a stray F7);
 * - 'truncated': a message cut short by the next command byte;
 * - 'too-long': a sysex longer than maxSysexLength, and the rest of it up to its F7;
 * - 'unknown-command': a command byte Firmata does not define (MIDI note-off, active sensing…)
 *   and the data bytes that follow it.
 */
export type FirmataDiscardReason = CommonDiscardReason | 'truncated' | 'unknown-command';
export type FirmataSplitDiscard = GenericSplitDiscard<FirmataDiscardReason>;
export type FirmataSplitResult = GenericSplitResult<FirmataDiscardReason>;

/** Which end wrote the bytes. It matters for one command: F9 alone asks, F9 major minor answers. */
export type FirmataDirection = 'fromBoard' | 'toBoard';

export interface FirmataFrameSplitterOptions {
  direction: FirmataDirection;
  /** Longest sysex believed, F0 and F7 included. A Mega's capability response is about 900 bytes. */
  maxSysexLength?: number;
}

const SYSEX = -1;
const UNKNOWN = 0;

/** Total message length for a command byte: SYSEX, UNKNOWN, or a byte count. */
export function firmataMessageLength(command: number, direction: FirmataDirection): number {
  if (command < 0x80) return UNKNOWN;
  if (command < 0xf0) {
    switch (command & 0xf0) {
      case FirmataCommand.digitalPort:
      case FirmataCommand.analog:
        return 3;
      case FirmataCommand.reportAnalog:
      case FirmataCommand.reportDigital:
        return 2;
      default:
        return UNKNOWN;
    }
  }
  switch (command) {
    case FirmataCommand.startSysex:
      return SYSEX;
    case FirmataCommand.setPinMode:
    case FirmataCommand.setDigitalPinValue:
      return 3;
    case FirmataCommand.reportVersion:
      return direction === 'fromBoard' ? 3 : 1;
    case FirmataCommand.systemReset:
      return 1;
    default:
      return UNKNOWN;
  }
}

export class FirmataFrameSplitter implements FrameSplitter<FirmataDiscardReason> {
  readonly direction: FirmataDirection;
  private readonly maxSysexLength: number;
  /** The message being assembled; empty between messages. */
  private message: number[] = [];
  private expected = 0;
  /** What data bytes outside a message are, until the next command byte. */
  private strayReason: FirmataDiscardReason = 'garbage';
  private readonly counters: SplitterStats = { frames: 0, discardedBytes: 0, discardEvents: 0 };

  constructor(options: FirmataFrameSplitterOptions) {
    this.direction = options.direction;
    this.maxSysexLength = Math.max(3, options.maxSysexLength ?? 2048);
  }

  get stats(): SplitterStats {
    return { ...this.counters };
  }

  get pendingBytes(): number {
    return this.message.length;
  }

  push(bytes: Uint8Array): FirmataSplitResult[] {
    const out: FirmataSplitResult[] = [];
    let runStart = 0;
    let runLength = 0;
    let runReason: FirmataDiscardReason = 'garbage';
    // Stray bytes are reported as one discard per run (per push), not one per byte.
    const flushRun = () => {
      if (runLength > 0) this.discard(out, bytes.subarray(runStart, runStart + runLength), runReason);
      runLength = 0;
    };
    const addToRun = (at: number, reason: FirmataDiscardReason) => {
      if (runLength > 0 && (reason !== runReason || runStart + runLength !== at)) flushRun();
      if (runLength === 0) {
        runStart = at;
        runReason = reason;
      }
      runLength++;
    };

    for (let at = 0; at < bytes.length; at++) {
      const byte = bytes[at] ?? 0;
      if (this.message.length > 0) {
        if (byte < 0x80) {
          this.message.push(byte);
          if (this.expected !== SYSEX && this.message.length === this.expected) this.complete(out);
          else if (this.expected === SYSEX && this.message.length >= this.maxSysexLength) {
            this.abandon(out, 'too-long');
            this.strayReason = 'too-long';
          }
          continue;
        }
        if (this.expected === SYSEX && byte === FirmataCommand.endSysex) {
          this.message.push(byte);
          this.complete(out);
          continue;
        }
        this.abandon(out, 'truncated');
      }
      if (byte < 0x80) {
        addToRun(at, this.strayReason);
        continue;
      }
      if (byte === FirmataCommand.endSysex) {
        // The end of an oversized sysex belongs to it; any other lone F7 is just garbage.
        addToRun(at, this.strayReason === 'too-long' ? 'too-long' : 'garbage');
        this.strayReason = 'garbage';
        continue;
      }
      const length = firmataMessageLength(byte, this.direction);
      if (length === UNKNOWN) {
        this.strayReason = 'unknown-command';
        addToRun(at, 'unknown-command');
        continue;
      }
      flushRun();
      this.strayReason = 'garbage';
      this.message = [byte];
      this.expected = length;
      if (length === 1) this.complete(out);
    }
    flushRun();
    return out;
  }

  private complete(out: FirmataSplitResult[]): void {
    out.push({ type: 'frame', frame: Uint8Array.from(this.message) });
    this.counters.frames++;
    this.message = [];
  }

  private abandon(out: FirmataSplitResult[], reason: FirmataDiscardReason): void {
    this.discard(out, Uint8Array.from(this.message), reason);
    this.message = [];
  }

  private discard(out: FirmataSplitResult[], bytes: Uint8Array, reason: FirmataDiscardReason): void {
    out.push({ type: 'discarded', bytes: bytes.slice(), reason });
    this.counters.discardEvents++;
    this.counters.discardedBytes += bytes.length;
  }
}
