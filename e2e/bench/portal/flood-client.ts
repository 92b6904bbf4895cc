import { lookup } from 'node:dns/promises';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The captive-probe flood, run inside a client namespace: `concurrency` workers send the Android probe
 * as fast as answers come back, each on a new connection (phones' probes do not reuse one), for
 * `durationMs`. Header names are written as the OSes write them ("Host", not "host"): openNDS 9.10
 * matches the Host header case-sensitively and answers a lower-case one with a 404 from its file
 * server, which is not the interception being measured. Prints one JSON line (a FloodReport).
 */
export interface FloodConfig {
  url: string;
  userAgent: string;
  concurrency: number;
  durationMs: number;
  timeoutMs: number;
}

export interface FloodReport {
  answered: number;
  failed: number;
  elapsedMs: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  p50Ms: number | null;
  p95Ms: number | null;
}

export async function flood(config: FloodConfig): Promise<FloodReport> {
  const url = new URL(config.url);
  const { address } = await lookup(url.hostname, { family: 4 });
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  const started = performance.now();
  const stopAt = started + config.durationMs;
  const once = () =>
    new Promise<void>((done) => {
      const sent = performance.now();
      const req = request(
        {
          host: address,
          port: url.port || 80,
          path: url.pathname + url.search,
          headers: { Host: url.host, 'User-Agent': config.userAgent, Connection: 'close' },
          agent: false,
          timeout: config.timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = String(res.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            latencies.push(performance.now() - sent);
            done();
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? 'error';
        errors[code] = (errors[code] ?? 0) + 1;
        done();
      });
      req.end();
    });
  const worker = async () => {
    while (performance.now() < stopAt) await once();
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? null;
  return {
    answered: latencies.length,
    failed: Object.values(errors).reduce((sum, n) => sum + n, 0),
    elapsedMs,
    statuses,
    errors,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const config = JSON.parse(process.argv[2] ?? '{}') as FloodConfig;
  flood(config).then(
    (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
