// One DNS query from inside a client namespace, run by dns.ts. Without a server it asks the ones in
// /etc/resolv.conf, which there is the client's own file (the DHCP-given server). Prints one JSON line.
// Plain JavaScript so it runs on Node 20 without a build.
import { promises as dns } from 'node:dns';

const { name, type, server, timeoutMs } = JSON.parse(process.argv[2]);
const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
if (server) resolver.setServers([server]);
const started = performance.now();
try {
  const addresses = type === 'AAAA' ? await resolver.resolve6(name) : await resolver.resolve4(name);
  process.stdout.write(`${JSON.stringify({ ok: true, addresses, ms: performance.now() - started })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, code: error.code, ms: performance.now() - started })}\n`);
}
