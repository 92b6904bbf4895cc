/**
 * The operating systems' connectivity probes (REFERENCE §2) and the answers their real servers give
 * when the Internet is reachable. The portal only ever sends these when the gate says the client is
 * accepted and the uplink is up; otherwise it redirects to the portal or says the Internet is down.
 */
export interface ProbeAnswer {
  status: number;
  contentType?: string;
  body: string;
}

export interface Probe {
  os: 'android' | 'apple' | 'windows' | 'firefox';
  host: string;
  /** `*`: any path on this host is the probe (captive.apple.com). */
  path: string;
  online: ProbeAnswer;
}

const NO_CONTENT: ProbeAnswer = { status: 204, body: '' };
const APPLE_SUCCESS: ProbeAnswer = {
  status: 200,
  contentType: 'text/html',
  body: '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>',
};
const text = (body: string): ProbeAnswer => ({ status: 200, contentType: 'text/plain', body });

const ANDROID_HOSTS = [
  'connectivitycheck.gstatic.com',
  'connectivitycheck.android.com',
  'clients1.google.com',
  'clients3.google.com',
  'www.google.com',
  'play.googleapis.com',
];

export const PROBES: readonly Probe[] = [
  ...ANDROID_HOSTS.flatMap((host) =>
    ['/generate_204', '/gen_204'].map((path) => ({ os: 'android' as const, host, path, online: NO_CONTENT })),
  ),
  { os: 'apple', host: 'captive.apple.com', path: '*', online: APPLE_SUCCESS },
  { os: 'windows', host: 'www.msftconnecttest.com', path: '/connecttest.txt', online: text('Microsoft Connect Test') },
  { os: 'windows', host: 'www.msftncsi.com', path: '/ncsi.txt', online: text('Microsoft NCSI') },
  {
    os: 'firefox',
    host: 'detectportal.firefox.com',
    path: '/canonical.html',
    online: {
      status: 200,
      contentType: 'text/html',
      body: '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>',
    },
  },
  { os: 'firefox', host: 'detectportal.firefox.com', path: '/success.txt', online: text('success\n') },
];

/** `hostname` lower-case without port, `path` without the query string. */
export function matchProbe(hostname: string, path: string): Probe | undefined {
  return PROBES.find((p) => p.host === hostname && (p.path === '*' || p.path === path));
}
