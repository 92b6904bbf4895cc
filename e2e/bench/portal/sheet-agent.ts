import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A phone's resident network code, already running inside the phone's namespace: its OS's probes and
 * its login sheet. The bench sends it probes, page loads and form posts over Node's IPC channel and gets
 * the answers back. A phone does not start a program per request, and starting curl through
 * `ip netns exec` for each one costs more than a fast portal takes to answer. HTTPS (the Android probe)
 * trusts only the harness CA, whose file is the agent's first argument.
 */
export interface SheetRequest {
  id: number;
  url: string;
  /** Sent as a form post (application/x-www-form-urlencoded); a GET without it. */
  form?: Record<string, string>;
  userAgent: string;
  timeoutMs: number;
}

export interface SheetAnswer {
  id: number;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  /** Lower-case names, as Node gives them (repeated ones joined with ", "). */
  headers: Record<string, string>;
  location?: string;
  body: string;
  /** From the lookup to the last byte, ms: the portal's time, and the network's. */
  ms: number;
  error?: string;
}

export const AGENT_READY = 'sheet-agent-ready';

export async function load(req: SheetRequest, ca?: Buffer): Promise<SheetAnswer> {
  const started = performance.now();
  const failed = (error: string): SheetAnswer => ({
    id: req.id,
    status: null,
    headers: {},
    body: '',
    ms: performance.now() - started,
    error,
  });
  const url = new URL(req.url);
  try {
    const { address } = await lookup(url.hostname, { family: 4 });
    const body = req.form ? new URLSearchParams(req.form).toString() : undefined;
    const headers: Record<string, string> = { Host: url.host, 'User-Agent': req.userAgent, Accept: 'text/html' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    return await new Promise<SheetAnswer>((done) => {
      const sent = send(
        {
          host: address,
          port: url.port || (secure ? 443 : 80),
          path: url.pathname + url.search,
          method: body === undefined ? 'GET' : 'POST',
          headers,
          agent: false,
          timeout: req.timeoutMs,
          ...(secure ? { servername: url.hostname, ...(ca ? { ca } : {}) } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const answer: SheetAnswer = {
              id: req.id,
              status: res.statusCode ?? null,
              headers: Object.fromEntries(
                Object.entries(res.headers).map(([name, value]) => [name, [value ?? ''].flat().join(', ')]),
              ),
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            };
            if (res.headers.location !== undefined) answer.location = res.headers.location;
            done(answer);
          });
        },
      );
      sent.on('timeout', () => sent.destroy(new Error('timeout')));
      sent.on('error', (error) => done(failed(error.message)));
      sent.end(body);
    });
  } catch (error) {
    return failed(String(error));
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const caFile = process.argv[2];
  const ca = caFile ? readFileSync(caFile) : undefined;
  process.on('message', (message: SheetRequest) => {
    void load(message, ca).then((answer) => process.send?.(answer));
  });
  // The bench closing the channel (or killing the phone) ends the sheet.
  process.on('disconnect', () => process.exit(0));
  process.stdout.write(`${AGENT_READY}\n`);
}
