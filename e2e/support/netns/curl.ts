import type { Client } from './client.js';
import { HarnessError } from './errors.js';

export interface CurlRequest {
  url: string;
  method?: string;
  userAgent?: string;
  headers?: Record<string, string>;
  /** Sent as an application/x-www-form-urlencoded body (implies POST unless method says otherwise). */
  form?: Record<string, string>;
  /** Whole-request limit; a captive network must fail fast, not hang. Default 5000. */
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  /** CA file for HTTPS; default the harness CA. */
  caFile?: string;
  /** Force one address family. */
  ipVersion?: 4 | 6;
  /** Extra raw curl arguments (e.g. ['--resolve', 'host:443:10.42.0.1']). */
  extraArgs?: string[];
}

export interface CurlTiming {
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  firstByteMs: number;
  totalMs: number;
  /** Including starting curl in the namespace. */
  wallMs: number;
}

export interface CurlResult {
  url: string;
  /** HTTP status, or null when no HTTP response came (refused, reset, DNS failure, timeout). */
  status: number | null;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  cacheControl?: string;
  location?: string;
  contentType?: string;
  body: string;
  /** curl's exit code: 0 ok, 6 DNS, 7 refused/unreachable, 28 timeout, 35 TLS, 56 reset… */
  exitCode: number;
  error?: string;
  remoteIp?: string;
  timing: CurlTiming;
}

// The write-out goes after the body; markers no test body contains split them apart again.
const META = '\n@@tpn-curl-json@@';
const HEADERS = '\n@@tpn-curl-headers@@';

interface CurlJson {
  http_code?: number;
  exitcode?: number;
  errormsg?: string | null;
  remote_ip?: string;
  time_namelookup?: number;
  time_connect?: number;
  time_appconnect?: number;
  time_starttransfer?: number;
  time_total?: number;
}

/** One HTTP request with Debian's curl from inside a client namespace, through its own DNS. */
export async function curl(client: Client, request: CurlRequest): Promise<CurlResult> {
  const args = [
    '--silent',
    '--show-error',
    '--noproxy',
    '*',
    '--max-time',
    String((request.maxTimeMs ?? 5_000) / 1000),
    '--connect-timeout',
    String((request.connectTimeoutMs ?? 3_000) / 1000),
    '--cacert',
    request.caFile ?? client.files.caFile,
    '--write-out',
    `${META}%{json}${HEADERS}%{header_json}`,
  ];
  if (request.userAgent) args.push('--user-agent', request.userAgent);
  for (const [name, value] of Object.entries(request.headers ?? {})) args.push('--header', `${name}: ${value}`);
  if (request.form) args.push('--data', new URLSearchParams(request.form).toString());
  if (request.method) args.push('--request', request.method);
  if (request.ipVersion) args.push(request.ipVersion === 4 ? '--ipv4' : '--ipv6');
  args.push(...(request.extraArgs ?? []), '--', request.url);
  const maxWait = (request.maxTimeMs ?? 5_000) + 5_000;
  const run = await client.exec('curl', args, { allowFailure: true, timeoutMs: maxWait });
  return parseCurlOutput(request.url, run.stdout, run.code ?? -1, run.wallMs, run.stderr);
}

export function parseCurlOutput(url: string, stdout: string, code: number, wallMs: number, stderr = ''): CurlResult {
  const metaAt = stdout.lastIndexOf(META);
  const headersAt = stdout.lastIndexOf(HEADERS);
  if (metaAt === -1 || headersAt < metaAt) {
    throw new HarnessError('E2E_NETNS_BAD_OUTPUT', `curl ${url} (exit ${code}) wrote no metadata: ${stderr.trim()}`);
  }
  const meta = JSON.parse(stdout.slice(metaAt + META.length, headersAt)) as CurlJson;
  const headerText = stdout.slice(headersAt + HEADERS.length).trim();
  const rawHeaders = headerText ? (JSON.parse(headerText) as Record<string, string[]>) : {};
  const headers = Object.fromEntries(Object.entries(rawHeaders).map(([name, values]) => [name, values.join(', ')]));
  const ms = (seconds: number | undefined) => Math.round((seconds ?? 0) * 1_000_000) / 1000;
  const result: CurlResult = {
    url,
    status: meta.http_code ? meta.http_code : null,
    headers,
    body: stdout.slice(0, metaAt),
    exitCode: meta.exitcode ?? code,
    timing: {
      dnsMs: ms(meta.time_namelookup),
      connectMs: ms(meta.time_connect),
      tlsMs: ms(meta.time_appconnect),
      firstByteMs: ms(meta.time_starttransfer),
      totalMs: ms(meta.time_total),
      wallMs,
    },
  };
  if (headers['cache-control'] !== undefined) result.cacheControl = headers['cache-control'];
  if (headers.location !== undefined) result.location = headers.location;
  if (headers['content-type'] !== undefined) result.contentType = headers['content-type'];
  if (meta.errormsg) result.error = meta.errormsg;
  if (meta.remote_ip) result.remoteIp = meta.remote_ip;
  return result;
}
