import type { ByteTransport, Clock, TimerHandle } from '@triporteur/firmware-bridge';

export type OpenSerial = (options: { path: string; baudRate: number }) => Promise<ByteTransport>;

export interface ListenPlan {
  path: string;
  baudRate: number;
  /** Sent at once, then again every `repeatAfterMs` until the window ends or `enough` holds. */
  request: Uint8Array | undefined;
  repeatAfterMs: number;
  windowMs: number;
  /** Called with everything heard so far after each read: true ends the window early. */
  enough(received: Uint8Array): boolean;
}

export interface Heard {
  received: Uint8Array;
  /** Every request written, in order (to recognise our own bytes coming back). */
  sent: Uint8Array[];
  /** The port failed while listening (adapter pulled). */
  lost: boolean;
}

/**
 * Opens the port (open failures reject, for the caller to classify), sends the request, and collects
 * what comes back for a bounded time. The port is always closed before this resolves.
 */
export async function listen(open: OpenSerial, clock: Clock, plan: ListenPlan): Promise<Heard> {
  const line = await open({ path: plan.path, baudRate: plan.baudRate });
  const chunks: Uint8Array[] = [];
  const sent: Uint8Array[] = [];
  let lost = false;
  try {
    await new Promise<void>((resolve) => {
      const timers: TimerHandle[] = [];
      const offs: Array<() => void> = [];
      const finish = () => {
        for (const timer of timers) clock.clearTimeout(timer);
        for (const off of offs) off();
        resolve();
      };
      const send = () => {
        if (plan.request === undefined || !line.isOpen) return;
        sent.push(plan.request);
        // A write that fails shows up as the port's error, or as silence: nothing to add here.
        line.write(plan.request).catch(() => undefined);
        if (plan.repeatAfterMs < plan.windowMs) timers.push(clock.setTimeout(send, plan.repeatAfterMs));
      };
      offs.push(
        line.onData((bytes) => {
          chunks.push(bytes.slice());
          if (plan.enough(concat(chunks))) finish();
        }),
        line.onError(() => {
          lost = true;
          finish();
        }),
      );
      timers.push(clock.setTimeout(finish, plan.windowMs));
      send();
    });
  } finally {
    await line.close().catch(() => undefined);
  }
  return { received: concat(chunks), sent, lost };
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
