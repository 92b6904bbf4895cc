// Binds a TCP server socket inside the namespace it runs in and hands it to the parent process
// over Node's IPC channel, then exits: the socket stays in this namespace, owned by the parent.
// Used by Namespace.listen() (namespace.ts); plain JavaScript so it runs on Node 20 without a build.
import { createServer } from 'node:net';

const [host, port] = process.argv.slice(2);
const server = createServer();
server.on('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
server.listen({ host, port: Number(port), ipv6Only: false }, () => {
  process.send?.({ listening: server.address() }, server, () => process.exit(0));
});
