import { type Client, type Harness, type ManagedProcess, summarize } from '../netns/index.js';

const SERVER_SCRIPT = new URL('../throughput/server.mjs', import.meta.url).pathname;
const CLIENT_SCRIPT = new URL('../throughput/client.mjs', import.meta.url).pathname;
/** A host on the fake Internet's loopback (internet-hosts.ts): the bulk server listens on every address. */
export const BULK_PORT = 5001;

export interface Transfer {
  /** Bytes that arrived within the window, per 100 ms slice. */
  buckets: number[];
  bytes: number;
  /** Mean over the whole window, first packets included: what a "hard ceiling" must bound. */
  kbit: number;
  /** The busiest and the idlest whole second of the window. */
  maxSecondKbit: number;
  minSecondKbit: number;
}

/** Starts server.mjs in the internet namespace. */
export async function startBulkServer(harness: Harness): Promise<ManagedProcess> {
  const server = harness.internet.namespace.spawn('bulk', process.execPath, [
    SERVER_SCRIPT,
    '0.0.0.0',
    String(BULK_PORT),
  ]);
  await server.waitForLine(/"ready":true/);
  return server;
}

/** One timed transfer between a client and the bulk server, measured by the receiving side. */
export async function transfer(client: Client, host: string, direction: 'down' | 'up', ms: number): Promise<Transfer> {
  const run = await client.exec(process.execPath, [CLIENT_SCRIPT, host, String(BULK_PORT), direction, String(ms)]);
  const answer = JSON.parse(run.stdout) as { bucketMs?: number; buckets?: number[]; error?: string };
  if (answer.buckets === undefined) throw new Error(`${client.name} ${direction}: ${answer.error ?? run.stdout}`);
  const buckets = [...answer.buckets, ...Array(Math.max(0, Math.ceil(ms / 100) - answer.buckets.length)).fill(0)];
  const bytes = buckets.reduce((sum, value) => sum + value, 0);
  const seconds: number[] = [];
  for (let start = 0; start + 10 <= buckets.length; start += 10) {
    seconds.push((buckets.slice(start, start + 10).reduce((sum, value) => sum + value, 0) * 8) / 1000);
  }
  const perSecond = summarize(seconds);
  return {
    buckets,
    bytes,
    kbit: (bytes * 8) / ms,
    maxSecondKbit: perSecond.max,
    minSecondKbit: perSecond.min,
  };
}

export const mbit = (kbit: number) => `${(kbit / 1000).toFixed(2)} Mbit/s`;
