import type { Clock } from '@triporteur/firmware-bridge';

/**
 * Replies by (command, id) for the dedupe window, bounded by count and bytes so a flood of distinct
 * requests cannot grow memory on the Pi. The map keeps insertion order, which is reply order, so
 * expiry walks from the oldest and stops at the first entry still fresh.
 */
export class ReplyCache {
  private readonly entries = new Map<string, { text: string; at: number }>();
  private bytes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly maxEntries = 256,
    private readonly maxBytes = 1024 * 1024,
  ) {}

  get(key: string): string | undefined {
    this.expire();
    return this.entries.get(key)?.text;
  }

  set(key: string, text: string): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.text.length;
    }
    this.entries.set(key, { text, at: this.clock.now() });
    this.bytes += text.length;
    this.expire();
  }

  get size(): number {
    return this.entries.size;
  }

  private expire(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      const full = this.entries.size > this.maxEntries || this.bytes > this.maxBytes;
      // A clock set backwards (no RTC until GPS) gives a negative age: the entry is kept until pushed out.
      if (!full && now - entry.at <= this.windowMs) break;
      this.entries.delete(key);
      this.bytes -= entry.text.length;
    }
  }
}
