// Sends captive-probe-like GETs as fast as `concurrency` workers allow for `durationMs`, from inside
// a client namespace (run by bench.ts). Each request opens a new connection unless keepAlive, as
// phones' probes do. The hostname is resolved once, through the client's DNS. Prints one JSON line.
// Plain JavaScript so it runs on Node 20 without a build.
import { lookup } from 'node:dns/promises';
import { Agent, request } from 'node:http';

const config = JSON.parse(process.argv[2]);
const url = new URL(config.url);
const { address } = await lookup(url.hostname, { family: 4 });
const agent = config.keepAlive ? new Agent({ keepAlive: true, maxSockets: config.concurrency }) : false;
const statuses = {};
const errors = {};
const latencies = [];
const started = performance.now();
const stopAt = started + config.durationMs;

function once() {
  return new Promise((resolve) => {
    const sent = performance.now();
    const req = request(
      {
        host: address,
        port: url.port || 80,
        path: url.pathname + url.search,
        headers: {
          host: url.host,
          'user-agent': config.userAgent,
          connection: config.keepAlive ? 'keep-alive' : 'close',
        },
        agent,
        timeout: config.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          latencies.push(performance.now() - sent);
          resolve();
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => {
      errors[error.code ?? 'error'] = (errors[error.code ?? 'error'] ?? 0) + 1;
      resolve();
    });
    req.end();
  });
}

async function worker() {
  while (performance.now() < stopAt) await once();
}

await Promise.all(Array.from({ length: config.concurrency }, worker));
const elapsedMs = performance.now() - started;
latencies.sort((a, b) => a - b);
const at = (q) =>
  latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] : null;
const answered = latencies.length;
const failed = Object.values(errors).reduce((sum, n) => sum + n, 0);
process.stdout.write(
  `${JSON.stringify({ answered, failed, elapsedMs, statuses, errors, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1) })}\n`,
);
agent?.destroy?.();
