const MAC = /\b[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}\b/gi;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
/** Anything with two colons or more: IPv6 in every notation (a clock time may be caught too; harmless). */
const IPV6 = /[0-9a-f]*(?::[0-9a-f]*){2,}/gi;

/**
 * A system command's error text often echoes its argv (`nft add element … { 10.42.0.7 }`). Logs at
 * warn go to journald and beyond, so addresses are cut out before an error is logged.
 */
export function scrubAddresses(text: string): string {
  return text.replace(MAC, '[mac]').replace(IPV4, '[ip]').replace(IPV6, '[ip]');
}

/** What of a failure may be logged: its code, if it has one, and its scrubbed message. */
export function describeFailure(err: unknown): { code?: string; message: string } {
  const message = scrubAddresses(err instanceof Error ? err.message : String(err));
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { code, message } : { message };
}
