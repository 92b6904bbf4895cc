import { lookup } from 'node:dns/promises';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A phone's login sheet, already running, inside the phone's namespace: the bench sends it page loads
 * and form posts over Node's IPC channel and gets the answers back. A phone does not start a program
 * per page, and starting curl through `ip netns exec` for each one costs more than a fast portal takes
 * to answer; the OS probes themselves stay with the harness's curl. Plain HTTP only, as captive pages are.
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
  location?: string;
  body: string;
  /** From the lookup to the last byte, ms: the portal's time, and the network's. */
  ms: number;
  error?: string;
}

export const AGENT_READY = 'sheet-agent-ready';

export async function load(req: SheetRequest): Promise<SheetAnswer> {
  const started = performance.now();
  const url = new URL(req.url);
  try {
    const { address } = await lookup(url.hostname, { family: 4 });
    const body = req.form ? new URLSearchParams(req.form).toString() : undefined;
    const headers: Record<string, string> = { Host: url.host, 'User-Agent': req.userAgent, Accept: 'text/html' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return await new Promise<SheetAnswer>((done) => {
      const sent = request(
        {
          host: address,
          port: url.port || 80,
          path: url.pathname + url.search,
          method: body === undefined ? 'GET' : 'POST',
          headers,
          agent: false,
          timeout: req.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const answer: SheetAnswer = {
              id: req.id,
              status: res.statusCode ?? null,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            };
            if (res.headers.location !== undefined) answer.location = res.headers.location;
            done(answer);
          });
        },
      );
      sent.on('timeout', () => sent.destroy(new Error('timeout')));
      sent.on('error', (error) =>
        done({ id: req.id, status: null, body: '', ms: performance.now() - started, error: error.message }),
      );
      sent.end(body);
    });
  } catch (error) {
    return { id: req.id, status: null, body: '', ms: performance.now() - started, error: String(error) };
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.on('message', (message: SheetRequest) => {
    void load(message).then((answer) => process.send?.(answer));
  });
  // The bench closing the channel (or killing the phone) ends the sheet.
  process.on('disconnect', () => process.exit(0));
  process.stdout.write(`${AGENT_READY}\n`);
}
