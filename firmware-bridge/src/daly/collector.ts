/**
 * Gathers the numbered frames of one multi-frame reply (0x95 cells, 0x96 temperatures), in any
 * order. Boards number from 1; the V1.2 document says from 0, so a frame 0 switches to that.
 * Frames past the expected count (boards behind a Bluetooth module send all 16 cell frames,
 * mostly empty) and the "invalid" number 0xFF are ignored.
 */
export class FrameCollector<T> {
  private readonly frames = new Map<number, T>();

  constructor(readonly expected: number) {}

  /** Stores one frame (a repeated number replaces the earlier copy); returns true once every expected frame is in. */
  add(frameNumber: number, value: T): boolean {
    if (frameNumber <= this.expected) this.frames.set(frameNumber, value);
    return this.complete;
  }

  get complete(): boolean {
    return this.numbers().every((n) => this.frames.has(n));
  }

  /** Frame numbers that never arrived. */
  missing(): number[] {
    return this.numbers().filter((n) => !this.frames.has(n));
  }

  /** One entry per expected frame, in frame order; undefined where a frame is missing. */
  ordered(): (T | undefined)[] {
    return this.numbers().map((n) => this.frames.get(n));
  }

  private numbers(): number[] {
    const base = this.frames.has(0) ? 0 : 1;
    return Array.from({ length: this.expected }, (_, i) => base + i);
  }
}
