/** A line that was not understood, kept so that nothing disappears without a trace. */
export interface Discarded {
  /** The line, cut to 120 characters. It may name a client: log it at debug level only. */
  line: string;
  reason: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; discarded: Discarded };

export function discard<T>(line: string, reason: string): Parsed<T> {
  return { ok: false, discarded: { line: line.length > 120 ? `${line.slice(0, 120)}…` : line, reason } };
}
