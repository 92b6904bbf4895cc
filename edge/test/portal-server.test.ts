import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTIVE_JSON } from '../src/hotspot/portal/api.js';
import { ERROR_CODE_HEADER, PortalErrorCode } from '../src/hotspot/portal/codes.js';
import { makePortalCa, type PortalTestCa } from './support/portal-certs.js';
import { exchangeRaw, parseRaw, send } from './support/portal-net.js';
import { API_PATH, csrfFrom, PORTAL_HOST, runningPortalRig } from './support/portal-rig.js';

// Two "phones" on loopback: the whole of 127/8 is local on Linux, so a client can pick its source.
const PHONE = '127.0.0.2';
const OTHER_PHONE = '127.0.0.1';
const PROBE = { host: 'connectivitycheck.gstatic.com', path: '/generate_204' };

describe('the portal on a real loopback socket', () => {
  it('a flood of probes from one phone gets 429s while the other phone is still redirected', async () => {
    const { portal } = await runningPortalRig({ rateLimit: { burst: 20, perSecond: 1 } }, [PHONE, OTHER_PHONE]);
    const flood = await Promise.all(
      Array.from({ length: 60 }, () => send({ port: portal.httpPort, localAddress: PHONE, ...PROBE })),
    );
    const counts = new Map<number, number>();
    for (const res of flood) counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
    // The clock is a manual one: no token comes back during the flood, so exactly the burst passes.
    expect(Object.fromEntries(counts)).toEqual({ 302: 20, 429: 40 });
    const limited = flood.find((res) => res.status === 429);
    expect(limited?.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.RATE_LIMITED);
    expect(limited?.headers['retry-after']).toBe('1');
    const other = await send({ port: portal.httpPort, localAddress: OTHER_PHONE, ...PROBE });
    expect(other.status).toBe(302);
    expect(other.headers.location).toBe(`http://${PORTAL_HOST}/`);
  });

  it.each([
    [
      'headers over 8 kB',
      `GET / HTTP/1.1\r\nHost: ${PORTAL_HOST}\r\nX-Pad: ${'a'.repeat(10_000)}\r\n\r\n`,
      431,
      PortalErrorCode.HEADERS_TOO_LARGE,
    ],
    ['bytes that are not HTTP', 'HELLO THERE\r\n\r\n', 400, PortalErrorCode.MALFORMED],
    [
      'a bad header line',
      `GET / HTTP/1.1\r\nHost: ${PORTAL_HOST}\r\nBad Header\r\n\r\n`,
      400,
      PortalErrorCode.MALFORMED,
    ],
    [
      'a Content-Length that lies',
      `POST /login HTTP/1.1\r\nHost: ${PORTAL_HOST}\r\nContent-Length: x\r\n\r\n`,
      400,
      PortalErrorCode.MALFORMED,
    ],
    [
      'a proxy-style absolute target',
      'GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
      400,
      PortalErrorCode.BAD_PATH,
    ],
    ['an HTTP/1.0 request with no Host', 'GET / HTTP/1.0\r\n\r\n', 400, PortalErrorCode.BAD_HOST],
    ['an HTTP/1.1 request with no Host', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n', 400, PortalErrorCode.BAD_HOST],
  ])('%s: a coded %i, and the portal keeps serving', async (_name, bytes, status, code) => {
    const { portal } = await runningPortalRig({}, [OTHER_PHONE]);
    const answer = parseRaw(await exchangeRaw(portal.httpPort, bytes));
    expect(answer.status).toBe(status);
    expect(answer.code).toBe(code);
    expect(answer.body).toContain(code);
    const after = await send({ port: portal.httpPort, host: PORTAL_HOST, path: '/' });
    expect(after.status).toBe(200);
  });

  it.each(['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/.%2e/.%2e/etc/shadow', '/./privacy', '/a\\..\\b'])(
    'raw traversal %s: 400 on the portal and on a captured host',
    async (path) => {
      const { portal } = await runningPortalRig({}, [OTHER_PHONE]);
      for (const host of [PORTAL_HOST, 'captive.apple.com']) {
        const raw = await exchangeRaw(
          portal.httpPort,
          `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        );
        const answer = parseRaw(raw);
        expect(answer.status).toBe(400);
        expect(answer.code).toBe(PortalErrorCode.BAD_PATH);
        expect(answer.body).not.toContain('root:');
      }
    },
  );

  it('without a certificate there is no HTTPS listener and no option-114 URL', async () => {
    const { portal } = await runningPortalRig();
    expect(portal.https).toBeUndefined();
    expect(portal.httpsPort).toBeUndefined();
    expect(portal.captiveApiUrl()).toBeUndefined();
  });
});

describe('the RFC 8908 API over HTTPS with a certificate for the portal’s name', () => {
  let ca: PortalTestCa;
  let caPem: Buffer;
  beforeAll(async () => {
    ca = await makePortalCa(PORTAL_HOST);
    caPem = await readFile(ca.caFile);
  });
  afterAll(() => ca?.remove());

  const startTls = (leases = [PHONE]) => runningPortalRig({ certFile: ca.certFile, keyFile: ca.keyFile }, leases);

  it('tells a captive phone it is captive and where the portal is; Cache-Control private', async () => {
    const { portal } = await startTls();
    expect(portal.captiveApiUrl()).toBe(`https://${PORTAL_HOST}${API_PATH}`);
    const res = await send({
      port: portal.httpsPort ?? 0,
      host: PORTAL_HOST,
      path: API_PATH,
      localAddress: PHONE,
      ca: caPem,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(CAPTIVE_JSON);
    expect(res.headers['cache-control']).toBe('private');
    expect(JSON.parse(res.body)).toEqual({
      captive: true,
      'user-portal-url': `https://${PORTAL_HOST}/`,
      'venue-info-url': `https://${PORTAL_HOST}/info`,
      'can-extend-session': false,
    });
  });

  it('after acceptance: not captive, with this client’s seconds and bytes remaining', async () => {
    const { portal, gate, clock } = await startTls([PHONE, OTHER_PHONE]);
    gate.bytesQuota = 500_000_000;
    await gate.accept(PHONE);
    clock.advance(600_000);
    const api = (localAddress: string) =>
      send({ port: portal.httpsPort ?? 0, host: PORTAL_HOST, path: API_PATH, localAddress, ca: caPem });
    expect(JSON.parse((await api(PHONE)).body)).toMatchObject({
      captive: false,
      // The idle window (15 min) is sooner than the session's end: silent, the phone is captive then.
      'seconds-remaining': 15 * 60,
      'bytes-remaining': 500_000_000,
    });
    const other = JSON.parse((await api(OTHER_PHONE)).body);
    expect(other.captive).toBe(true);
    expect(other).not.toHaveProperty('seconds-remaining');
  });

  it('serves the pages and the login over TLS too, so user-portal-url works', async () => {
    const { portal, gate } = await startTls();
    const port = portal.httpsPort ?? 0;
    const page = await send({ port, host: PORTAL_HOST, path: '/?lang=en', localAddress: PHONE, ca: caPem });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<button type="submit">Connect</button>');
    expect(csrfFrom(page.body)).toBeTruthy();
    expect(gate.acceptCalls).toEqual([]);
  });

  it('over TLS only the portal’s own name is answered: 421 for any other Host', async () => {
    const { portal } = await startTls();
    const res = await send({
      port: portal.httpsPort ?? 0,
      host: PORTAL_HOST,
      path: API_PATH,
      localAddress: PHONE,
      ca: caPem,
      headersHost: 'evil.example',
    });
    expect(res.status).toBe(421);
    expect(res.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.FOREIGN_HOST);
  });

  it('an unknown query on the API is a coded JSON 400', async () => {
    const { portal } = await startTls();
    const res = await send({
      port: portal.httpsPort ?? 0,
      host: PORTAL_HOST,
      path: `${API_PATH}?x=1`,
      localAddress: PHONE,
      ca: caPem,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: PortalErrorCode.BAD_REQUEST });
  });
});
