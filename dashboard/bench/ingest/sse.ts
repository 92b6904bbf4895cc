export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Splits a Server-Sent Events stream into events, whatever the chunking: text after the last blank line
 * is kept for the next push. Comment lines (`: ping`) and `retry:` carry no data and give no event.
 */
export class SseParser {
  private buffer = '';
  /** A chunk ending in CR may be half of a CRLF: held until the next chunk says. */
  private carriedCr = false;

  push(chunk: string): SseEvent[] {
    let text = this.carriedCr ? `\r${chunk}` : chunk;
    this.carriedCr = text.endsWith('\r');
    if (this.carriedCr) text = text.slice(0, -1);
    this.buffer += text.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      end = this.buffer.indexOf('\n\n');
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue;
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length === 0) continue;
      event.data = data.join('\n');
      events.push(event);
    }
    return events;
  }
}

/** The unit and battery reading a `unit` event shows, or undefined when the data is not a unit row. */
export function unitReading(data: string): { unitId: string; batteryTs: number } | undefined {
  let row: unknown;
  try {
    row = JSON.parse(data);
  } catch {
    return undefined;
  }
  const { id, battery } = (row ?? {}) as { id?: unknown; battery?: { ts?: unknown } | null };
  if (typeof id !== 'string' || typeof battery?.ts !== 'number') return undefined;
  return { unitId: id, batteryTs: battery.ts };
}
