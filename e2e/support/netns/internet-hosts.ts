import { HarnessError } from './errors.js';

/**
 * The fake Internet: the real probe hostnames of REFERENCE §2 with the bodies the real servers
 * send, on documentation addresses (RFC 5737 / RFC 3849) that exist only inside the internet
 * namespace. The internet namespace's server and DNS are both generated from this one table.
 */
export interface InternetRoute {
  status: number;
  contentType?: string;
  body: string;
}

export interface InternetHost {
  name: string;
  /** Address the name resolves to (A); the host also listens there. */
  ipv4?: string;
  /** Address the name resolves to (AAAA); only given where the test needs an IPv6 path. */
  ipv6?: string;
  /** Only answered in DNS (no server behind it), like Windows' dns.msftncsi.com check. */
  dnsOnly?: boolean;
  routes: Record<string, InternetRoute>;
}

export const APPLE_SUCCESS = '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>';
export const WINDOWS_CONNECT_TEST = 'Microsoft Connect Test';
export const WINDOWS_NCSI = 'Microsoft NCSI';
export const FIREFOX_SUCCESS = 'success\n';
export const FIREFOX_CANONICAL =
  '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>';
export const NEVERSSL_TITLE = 'NeverSSL - helping you get online';
export const ROUTER_ADMIN_TITLE = '4G router - administration';

const noContent: InternetRoute = { status: 204, body: '' };
const html = (body: string): InternetRoute => ({ status: 200, contentType: 'text/html', body });
const text = (body: string): InternetRoute => ({ status: 200, contentType: 'text/plain', body });

export const INTERNET_HOSTS: readonly InternetHost[] = [
  { name: 'connectivitycheck.gstatic.com', ipv4: '203.0.113.10', routes: { '/generate_204': noContent } },
  // Android's HTTPS probe and its HTTP fallback; the HTTPS server answers here too.
  {
    name: 'www.google.com',
    ipv4: '203.0.113.11',
    routes: { '/generate_204': noContent, '/gen_204': noContent, '/': html('<title>Google</title>') },
  },
  { name: 'captive.apple.com', ipv4: '203.0.113.20', routes: { '/hotspot-detect.html': html(APPLE_SUCCESS) } },
  {
    name: 'www.msftconnecttest.com',
    ipv4: '203.0.113.30',
    routes: { '/connecttest.txt': text(WINDOWS_CONNECT_TEST) },
  },
  { name: 'www.msftncsi.com', ipv4: '203.0.113.31', routes: { '/ncsi.txt': text(WINDOWS_NCSI) } },
  { name: 'dns.msftncsi.com', ipv4: '131.107.255.255', dnsOnly: true, routes: {} },
  {
    name: 'detectportal.firefox.com',
    ipv4: '203.0.113.40',
    routes: { '/canonical.html': html(FIREFOX_CANONICAL), '/success.txt': text(FIREFOX_SUCCESS) },
  },
  // The site people open by hand to make a login page appear.
  {
    name: 'neverssl.com',
    ipv4: '203.0.113.50',
    routes: { '/': html(`<!doctype html><title>${NEVERSSL_TITLE}</title><h1>NeverSSL</h1>`) },
  },
  // IPv6 only: the path a captive client must not use to slip past the portal.
  { name: 'ipv6.google.com', ipv6: '2001:db8:6::1', routes: { '/': html('<title>IPv6 Google</title>') } },
];

/** Served on the router's LAN address (by Host header or by the address a request arrived on). */
export const ROUTER_ADMIN_PAGE: InternetRoute = html(
  `<!doctype html><title>${ROUTER_ADMIN_TITLE}</title><form>password <input type=password></form>`,
);

export function internetHost(name: string): InternetHost {
  const host = INTERNET_HOSTS.find((candidate) => candidate.name === name);
  if (!host) throw new HarnessError('E2E_NETNS_BAD_OPTION', `no internet host named ${name}`);
  return host;
}
