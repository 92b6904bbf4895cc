/**
 * Checks on the raw request line and Host header, done before any route: the portal serves no files,
 * so traversal cannot reach the disk, but such requests are refused with a code rather than routed.
 */
export const MAX_TARGET_LENGTH = 2048;

export type TargetCheck = { ok: true; path: string } | { ok: false; status: 400 | 414 };

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f\\]/;

export function checkTarget(raw: string): TargetCheck {
  if (raw.length > MAX_TARGET_LENGTH) return { ok: false, status: 414 };
  // Origin-form only: an absolute-form target ("GET http://x/ HTTP/1.1") is a proxy request.
  if (!raw.startsWith('/')) return { ok: false, status: 400 };
  const path = raw.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return { ok: false, status: 400 };
  }
  if (CONTROL.test(decoded)) return { ok: false, status: 400 };
  if (decoded.split('/').some((segment) => segment === '..' || segment === '.')) return { ok: false, status: 400 };
  return { ok: true, path };
}

export interface HostHeader {
  /** Lower case, no trailing dot, no port; IPv6 literals keep their brackets. */
  hostname: string;
  port?: number;
}

const HOST = /^(\[[0-9a-f:.]{2,45}\]|[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?)(?::(\d{1,5}))?$/;

export function parseHost(header: string | undefined): HostHeader | undefined {
  if (header === undefined || header.length > 260) return undefined;
  const match = HOST.exec(header.toLowerCase());
  const name = match?.[1];
  if (!match || name === undefined) return undefined;
  const hostname = name.endsWith('.') ? name.slice(0, -1) : name;
  if (hostname.length > 253) return undefined;
  if (match[5] === undefined) return { hostname };
  const port = Number(match[5]);
  return port >= 1 && port <= 65_535 ? { hostname, port } : undefined;
}
