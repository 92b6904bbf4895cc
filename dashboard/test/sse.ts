export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Reads Server-Sent Events from a fetch response. `until` can be called repeatedly; text read past
 * one call's event is kept for the next.
 */
export function sseReader(response: Response) {
  if (!response.body) throw new Error('response has no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const queued: SseEvent[] = [];
  let buffer = '';

  function drain(): void {
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event: SseEvent = { event: 'message', data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event.event = line.slice(7);
        if (line.startsWith('data: ')) {
          event.data += line.slice(6);
          hasData = true;
        }
      }
      if (hasData) queued.push(event);
    }
  }

  return {
    /** Resolves with the first event `match` accepts; events before it are discarded. */
    async until(match: (event: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (queued.length > 0) {
          const event = queued.shift() as SseEvent;
          if (match(event)) return event;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('timed out waiting for an SSE event');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out waiting for an SSE event')), left);
        });
        const { value, done } = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
        if (done) throw new Error('SSE stream ended');
        buffer += decoder.decode(value, { stream: true });
        drain();
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
