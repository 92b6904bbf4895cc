/**
 * Why a serial port did not open, from what serialport (bindings-cpp) and the kernel say. The
 * binding's own messages are the only signal for a lock: it reports flock(LOCK_EX|LOCK_NB) failing as
 * "Error Resource temporarily unavailable Cannot lock port", with no errno code on the error.
 */
export type OpenFailure =
  /** The path vanished between the presence check and the open (adapter pulled). */
  | 'missing'
  /** Another process holds the port: serialport's lock, or the kernel's EBUSY. */
  | 'locked'
  /** Not allowed to open it: the user is not in the dialout group. */
  | 'permission'
  | 'other';

export function classifyOpenFailure(err: unknown): OpenFailure {
  const text = describeChain(err);
  if (/ENOENT|No such file or directory/i.test(text)) return 'missing';
  if (/Cannot lock port|EBUSY|Device or resource busy|Resource temporarily unavailable/i.test(text)) return 'locked';
  if (/EACCES|EPERM|Permission denied|Operation not permitted/i.test(text)) return 'permission';
  return 'other';
}

/** Messages and codes of an error and its causes, in one string to match against. */
function describeChain(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(current.message, typeof code === 'string' ? code : '');
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' ');
}
