// The web side of the fake Internet, run inside the internet namespace by internet.ts
// (`ip netns exec <ns> node internet-server.mjs <config.json>`). Plain JavaScript because it runs
// outside vitest, on Node 20, without a build step. One line of JSON per request on stdout.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const hostsByName = new Map(config.hosts.map((host) => [host.name, host]));
const routerAddresses = new Set(config.routerAddresses);

function bareHost(header) {
  const host = (header ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function bareAddress(address) {
  return (address ?? '').replace(/^::ffff:/, '');
}

function answerFor(host, path, localAddress) {
  const known = hostsByName.get(host);
  if (known) return known.routes[path] ?? { status: 404, contentType: 'text/plain', body: 'not found\n' };
  if (routerAddresses.has(host) || routerAddresses.has(localAddress)) return config.routerPage;
  return { status: 404, contentType: 'text/plain', body: 'unknown host\n' };
}

function handler(scheme) {
  return (req, res) => {
    const host = bareHost(req.headers.host);
    const path = (req.url ?? '/').split('?')[0];
    const localAddress = bareAddress(req.socket.localAddress);
    const answer = answerFor(host, path, localAddress);
    const record = {
      at: Date.now(),
      scheme,
      method: req.method,
      host,
      path,
      userAgent: req.headers['user-agent'] ?? '',
      remoteAddress: bareAddress(req.socket.remoteAddress),
      localAddress,
      status: answer.status,
    };
    process.stdout.write(`${JSON.stringify({ request: record })}\n`);
    const headers = { 'content-length': Buffer.byteLength(answer.body) };
    if (answer.contentType) headers['content-type'] = answer.contentType;
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };
}

const servers = [createServer(handler('http'))];
if (config.tls) {
  const tls = { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };
  servers.push(createTlsServer(tls, handler('https')));
}
const ports = [config.httpPort, config.httpsPort];
let listening = 0;
servers.forEach((server, index) => {
  server.on('clientError', (_error, socket) => socket.destroy());
  // '::' with ipv6Only off takes every IPv4 and IPv6 address of the namespace.
  server.listen({ host: '::', port: ports[index], ipv6Only: false }, () => {
    listening += 1;
    if (listening === servers.length) process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  });
});
process.on('SIGTERM', () => process.exit(0));
