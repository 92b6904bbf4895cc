// The client side of server.mjs, run inside a client namespace
// (`ip netns exec <ns> node client.mjs <host> <port> <down|up> <ms>`). Prints one JSON line: the bytes
// that arrived in each BUCKET_MS slice of the `ms` after the first byte (counted here for "down", by
// the server for "up"), or {"error"} when no transfer started. A transfer the network stops (a client
// cut off by its quota) still reports what arrived within `ms`.
// Plain JavaScript: it runs outside vitest, on Node 20, without a build step.
import { connect } from 'node:net';

const [host, port, direction, ms] = process.argv.slice(2);
const BUCKET_MS = 100;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
const windowMs = Number(ms);
let reported = false;

function report(body) {
  if (reported) return;
  reported = true;
  process.stdout.write(`${JSON.stringify(body)}\n`);
  socket.destroy();
  process.exit(0);
}

const socket = connect(Number(port), host, () => {
  socket.write(`${JSON.stringify({ direction, ms: windowMs })}\n`);
  if (direction === 'down') download();
  else upload();
});
socket.on('error', (error) => report({ error: error.code ?? error.message }));
// Nothing at all within twice the window (no connection, no first byte): give up.
setTimeout(() => report({ error: 'TIMEOUT' }), 2 * windowMs + 5_000).unref();

function download() {
  const buckets = [];
  let started;
  socket.on('data', (chunk) => {
    const now = performance.now();
    if (started === undefined) {
      started = now;
      setTimeout(() => report({ bucketMs: BUCKET_MS, buckets }), windowMs);
    }
    const index = Math.floor((now - started) / BUCKET_MS);
    if (index * BUCKET_MS >= windowMs) return;
    while (buckets.length <= index) buckets.push(0);
    buckets[index] += chunk.length;
  });
}

function upload() {
  const pump = () => {
    while (!socket.destroyed) {
      if (!socket.write(CHUNK)) return void socket.once('drain', pump);
    }
  };
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (text) => {
    answer += text;
    if (answer.endsWith('\n')) report(JSON.parse(answer));
  });
  pump();
}
