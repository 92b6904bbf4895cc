/**
 * What every device family's frame splitter produces. Each byte pushed ends up in exactly one
 * frame or one discard (or is still pending), so nothing vanishes silently.
 */
export interface SplitFrame {
  type: 'frame';
  frame: Uint8Array;
}

/** Reasons shared by all families; a family may add its own strings. */
export type CommonDiscardReason = 'bad-checksum' | 'bad-end' | 'garbage' | 'too-long';

export interface SplitDiscard<R extends string = string> {
  type: 'discarded';
  bytes: Uint8Array;
  reason: R;
}

export type SplitResult<R extends string = string> = SplitFrame | SplitDiscard<R>;

export interface SplitterStats {
  frames: number;
  discardedBytes: number;
  discardEvents: number;
}

/** A pure bytes → frames splitter: no timers, no I/O, never throws. */
export interface FrameSplitter<R extends string = string> {
  push(bytes: Uint8Array): SplitResult<R>[];
  readonly stats: SplitterStats;
  /** Bytes held back waiting for the rest of a frame. */
  readonly pendingBytes: number;
}
