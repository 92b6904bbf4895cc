import { open } from 'node:fs/promises';
import { type LeaseEvent, MAX_LINE_CHARS, parseLeaseEvent } from './leases.js';
import type { Discarded } from './parsed.js';

export interface LeaseLogRead {
  events: LeaseEvent[];
  discarded: Discarded[];
  /** Pass back on the next read. A partial last line (the hook mid-write) is left for then. */
  nextOffset: number;
}

/** Read at most this much per call, so a huge backlog is taken in slices. */
const SLICE_BYTES = 256 * 1024;

/**
 * Reads the lease hook's events appended since `offset`. A missing file means no events yet; a file
 * shorter than `offset` was rotated (renamed away and re-created by the hook), so reading restarts at 0.
 * Call it whenever fs.watch reports a change, and once at start after reading the lease file.
 */
export async function readLeaseEvents(path: string, offset: number): Promise<LeaseLogRead> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], discarded: [], nextOffset: 0 };
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const from = size < offset ? 0 : offset;
    const buffer = Buffer.alloc(Math.min(size - from, SLICE_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    const chunk = buffer.subarray(0, bytesRead);
    const lastNewline = chunk.lastIndexOf(0x0a);
    const result: LeaseLogRead = { events: [], discarded: [], nextOffset: from };
    if (lastNewline < 0) {
      // No complete line: wait for the rest, unless this is already longer than any event can be.
      if (chunk.length > MAX_LINE_CHARS) {
        result.discarded.push({ line: chunk.subarray(0, 120).toString('utf8'), reason: 'line too long' });
        result.nextOffset = from + chunk.length;
      }
      return result;
    }
    for (const line of chunk.subarray(0, lastNewline).toString('utf8').split('\n')) {
      if (line === '') continue;
      const parsed = parseLeaseEvent(line);
      if (parsed.ok) result.events.push(parsed.value);
      else result.discarded.push(parsed.discarded);
    }
    result.nextOffset = from + lastNewline + 1;
    return result;
  } finally {
    await handle.close();
  }
}
