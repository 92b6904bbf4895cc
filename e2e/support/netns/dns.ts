import type { Client } from './client.js';
import { HarnessError } from './errors.js';

const LOOKUP_SCRIPT = new URL('./dns-lookup.mjs', import.meta.url).pathname;

export interface LookupOptions {
  type?: 'A' | 'AAAA';
  /** Ask this server directly (e.g. an outside resolver) instead of the one the lease gave. */
  server?: string;
  timeoutMs?: number;
}

export type LookupResult =
  | { ok: true; addresses: string[]; ms: number }
  /** c-ares codes: ENOTFOUND (NXDOMAIN), ENODATA, ETIMEOUT, ECONNREFUSED, EREFUSED, … */
  | { ok: false; code: string; ms: number };

/**
 * A DNS query from inside the client, with Node's resolver (c-ares). Debian's curl is built without
 * c-ares, so `curl --dns-servers` is not available; curl, getaddrinfo and Chromium instead read the
 * client's private resolv.conf. This helper is for asserting on DNS itself, error codes included.
 */
export async function lookup(client: Client, name: string, options: LookupOptions = {}): Promise<LookupResult> {
  const query = { name, type: options.type ?? 'A', server: options.server, timeoutMs: options.timeoutMs ?? 1_000 };
  const run = await client.exec(process.execPath, [LOOKUP_SCRIPT, JSON.stringify(query)]);
  try {
    return JSON.parse(run.stdout) as LookupResult;
  } catch (error) {
    throw new HarnessError('E2E_NETNS_BAD_OUTPUT', `lookup ${name}: ${run.stdout} ${run.stderr}`, { cause: error });
  }
}
