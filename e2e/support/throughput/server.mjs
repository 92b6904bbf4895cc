// A bulk-transfer server for the fair-sharing tests, run inside the internet namespace
// (`ip netns exec <ns> node server.mjs <host> <port>`). The harness's internet-server.mjs answers
// small pages; this one moves as many bytes as TCP lets through, in either direction, and counts them.
//
// Protocol, one TCP connection per transfer: the client sends one JSON line {"direction","ms"}.
//  - "down": the server writes until the client, which counts what arrives for `ms`, closes.
//  - "up": the client writes; the server counts what arrives for `ms` from the first byte, then
//    answers one JSON line (the bytes received in each BUCKET_MS slice) and closes.
// The receiving side keeps the clock, so bytes queued in socket buffers are never counted as sent.
// Plain JavaScript: it runs outside vitest, on Node 20, without a build step.
import { createServer } from 'node:net';

const [host, port] = process.argv.slice(2);
const BUCKET_MS = 100;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

function sendUntilClosed(socket) {
  const pump = () => {
    while (!socket.destroyed) {
      if (!socket.write(CHUNK)) return void socket.once('drain', pump);
    }
  };
  pump();
}

function receiveFor(socket, ms, first) {
  const buckets = [];
  let started;
  const count = (length) => {
    const now = performance.now();
    if (started === undefined) {
      started = now;
      // A timer, not the next chunk: a stalled upload must still be answered.
      setTimeout(() => socket.end(`${JSON.stringify({ bucketMs: BUCKET_MS, buckets })}\n`), ms);
    }
    const index = Math.floor((now - started) / BUCKET_MS);
    if (index * BUCKET_MS >= ms) return;
    while (buckets.length <= index) buckets.push(0);
    buckets[index] += length;
  };
  if (first.length > 0) count(first.length);
  socket.on('data', (chunk) => count(chunk.length));
}

const server = createServer((socket) => {
  socket.on('error', () => socket.destroy());
  let head = Buffer.alloc(0);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const newline = head.indexOf(0x0a);
    if (newline === -1) return;
    socket.off('data', onData);
    const request = JSON.parse(head.subarray(0, newline).toString('utf8'));
    if (request.direction === 'down') sendUntilClosed(socket);
    else receiveFor(socket, request.ms, head.subarray(newline + 1));
  };
  socket.on('data', onData);
});
server.listen(Number(port), host, () => process.stdout.write(`${JSON.stringify({ ready: true })}\n`));
process.once('SIGTERM', () => process.exit(0));
