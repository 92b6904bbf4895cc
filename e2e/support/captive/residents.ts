import { createServer, type Server } from 'node:http';
import { type Client, type CurlResult, curl, type Namespace, PLAN, runCommand } from '../netns/index.js';
import { LANDING_URL, PORTAL_HOST } from './hotspot.js';

/** A French phone: the portal picks its language from this, as from the phone's settings. */
const FRENCH = { 'accept-language': 'fr-FR,fr;q=0.9' };

export interface Acceptance {
  landing: CurlResult;
  login: CurlResult;
}

/**
 * What the login sheet does, with curl: load the portal's page, take the CSRF token from its form, and
 * post "Se connecter". No Origin header, as a WebView that sends none; the token alone must do.
 */
export async function acceptByForm(client: Client): Promise<Acceptance> {
  const landing = await curl(client, { url: LANDING_URL, headers: FRENCH });
  const csrf = /name="csrf" value="([^"]+)"/.exec(landing.body)?.[1];
  if (csrf === undefined) throw new Error(`${client.name}: no CSRF token on the portal page (${landing.status})`);
  const login = await curl(client, { url: `${LANDING_URL}login`, headers: FRENCH, form: { csrf, lang: 'fr' } });
  return { landing, login };
}

/** The portal's page; `atPiAddress` connects to the Pi's address without asking DNS for the portal's name. */
export async function portalPage(client: Client, options: { atPiAddress?: boolean } = {}): Promise<CurlResult> {
  const extraArgs = options.atPiAddress ? ['--resolve', `${PORTAL_HOST}:80:${PLAN.ap.lan4}`] : [];
  return curl(client, { url: LANDING_URL, headers: FRENCH, extraArgs });
}

/** An HTTP server in the test process on a socket bound inside `target`; it records who reached it. */
export async function serveInside(target: Namespace, host: string, port: number) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.socket.remoteAddress ?? '');
    res.end(`reached ${target.name}\n`);
  });
  const socket = await target.listen(port, host);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { hits, server };
}

/**
 * Gives a client a global IPv6 address and a default route through the Pi, as a rogue router
 * advertisement or a static setting would: the hotspot sends no RAs, so this is how a phone could try.
 */
export async function giveIpv6(client: Client, address: string): Promise<void> {
  await runCommand('ip', ['-n', client.name, 'addr', 'add', `${address}/64`, 'dev', client.iface, 'nodad']);
  await runCommand('ip', ['-n', client.name, '-6', 'route', 'replace', 'default', 'via', PLAN.ap.lan6]);
}

const CONNECT_SCRIPT = `
const socket = require('node:net').connect(Number(process.argv[2]), process.argv[1]);
const done = (outcome) => { socket.destroy(); console.log(outcome); };
socket.setTimeout(2000, () => done('TIMEOUT'));
socket.on('connect', () => done('CONNECTED'));
socket.on('error', (error) => done(error.code));`;

/**
 * How a bare TCP connect from the client ends: CONNECTED, ECONNREFUSED (a RST), EHOSTUNREACH (an ICMP
 * error such as admin-prohibited) or TIMEOUT (dropped). curl reports the first two alike (exit 7).
 */
export async function tcpConnect(client: Client, ip: string, port: number): Promise<string> {
  return (await client.exec(process.execPath, ['-e', CONNECT_SCRIPT, ip, String(port)])).stdout.trim();
}
