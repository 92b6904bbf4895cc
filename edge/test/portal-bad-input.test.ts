import { describe, expect, it } from 'vitest';
import { ERROR_CODE_HEADER, PortalErrorCode } from '../src/hotspot/portal/codes.js';
import { RateLimiter } from '../src/hotspot/portal/rate-limit.js';
import { API_PATH, csrfFrom, NEIGHBOUR, PORTAL_HOST, portalRig, RESIDENT } from './support/portal-rig.js';

type Rig = ReturnType<typeof portalRig>;
const SCRIPT = '<script>alert(1)</script>';

const form = (rig: Rig, payload: string, contentType = 'application/x-www-form-urlencoded', host = PORTAL_HOST) =>
  rig.portal.http.inject({
    method: 'POST',
    url: '/login',
    headers: { host, 'content-type': contentType },
    payload,
    remoteAddress: RESIDENT,
  });

async function token(rig: Rig): Promise<string> {
  const page = await rig.portal.http.inject({ url: '/', headers: { host: PORTAL_HOST }, remoteAddress: RESIDENT });
  return csrfFrom(page.body);
}

function expectRefused(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers[ERROR_CODE_HEADER]).toBe(code);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toContain(code);
  expect(res.body).not.toMatch(/<script/i);
}

describe('bad input gets a coded 4xx, and the portal stays up', () => {
  it('an oversized body: 413, and nobody is accepted', async () => {
    const rig = portalRig();
    const res = await form(rig, `csrf=${await token(rig)}&lang=fr&pad=${'x'.repeat(5000)}`);
    expectRefused(res, 413, PortalErrorCode.BODY_TOO_LARGE);
    expect(rig.gate.acceptCalls).toEqual([]);
  });

  it.each([
    ['JSON', 'application/json', '{"csrf":"x","lang":"fr"}'],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
    ['plain text', 'text/plain', 'csrf=x&lang=fr'],
  ])('a %s body: 415', async (_name, type, payload) => {
    expectRefused(await form(portalRig(), payload, type), 415, PortalErrorCode.UNSUPPORTED_MEDIA);
  });

  it.each([
    ['no token', () => 'lang=fr'],
    ['an unknown field', (t: string) => `csrf=${t}&lang=fr&admin=1`],
    ['a repeated field', (t: string) => `csrf=${t}&lang=fr&lang=ar`],
    ['an unknown language', (t: string) => `csrf=${t}&lang=de`],
    ['a script as language', (t: string) => `csrf=${t}&lang=${encodeURIComponent(SCRIPT)}`],
    ['a token far too long', () => `csrf=${'a'.repeat(100)}&lang=fr`],
    ['a __proto__ field', (t: string) => `csrf=${t}&lang=fr&__proto__=polluted`],
    ['a constructor field', (t: string) => `csrf=${t}&lang=fr&constructor[prototype][x]=1`],
    ['bytes that are not a form', () => '%%%\u0000&&=='],
  ])('a login form with %s: 400', async (_name, build) => {
    const rig = portalRig();
    const res = await form(rig, build(await token(rig)));
    expectRefused(res, 400, PortalErrorCode.BAD_REQUEST);
    expect(rig.gate.acceptCalls).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a script as token is refused as CSRF and not echoed', async () => {
    const rig = portalRig();
    const res = await form(rig, `csrf=${encodeURIComponent(SCRIPT)}&lang=fr`);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain(SCRIPT);
    expect(res.body).not.toContain('alert(1)');
  });

  it.each([
    ['a script in the language', `/?lang=${encodeURIComponent(SCRIPT)}`],
    ['an unknown parameter', `/?q=${encodeURIComponent(SCRIPT)}`],
    ['two languages', '/?lang=fr&lang=ar'],
    ['a language on the privacy page', '/privacy?lang=xx'],
  ])('a page query with %s: 400', async (_name, url) => {
    const res = await portalRig().portal.http.inject({ url, headers: { host: PORTAL_HOST }, remoteAddress: RESIDENT });
    expectRefused(res, 400, PortalErrorCode.BAD_REQUEST);
  });

  it('a script in Accept-Language is ignored: the page is French', async () => {
    const res = await portalRig().portal.http.inject({
      url: '/',
      headers: { host: PORTAL_HOST, 'accept-language': `${SCRIPT},ar;q=0.1` },
      remoteAddress: RESIDENT,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="ar"');
    expect(res.body).not.toContain(SCRIPT);
  });

  // A missing Host needs a raw socket (inject always sends one): see portal-server.test.ts.
  it.each([
    ['a script', `"><script>alert(1)</script>`],
    ['spaces', 'portail triporteur'],
    ['a port out of range', `${PORTAL_HOST}:99999`],
    ['a user-info part', `user@${PORTAL_HOST}`],
    ['far too long', `${'a'.repeat(63)}.`.repeat(5)],
    ['a label over 63 characters', `${'a'.repeat(64)}.example`],
  ])('a Host header that is %s: 400', async (_name, host) => {
    const rig = portalRig();
    const res = await rig.portal.http.inject({ url: '/', headers: { host }, remoteAddress: RESIDENT });
    expectRefused(res, 400, PortalErrorCode.BAD_HOST);
  });

  it('a form posted to another site’s name is not the portal’s: 421', async () => {
    const rig = portalRig();
    const res = await form(rig, `csrf=${await token(rig)}&lang=fr`, undefined, 'evil.example');
    expectRefused(res, 421, PortalErrorCode.FOREIGN_HOST);
    expect(rig.gate.acceptCalls).toEqual([]);
  });

  it.each(['PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const)('%s to a captured site: 421', async (method) => {
    const res = await portalRig().portal.http.inject({
      method,
      url: '/generate_204',
      headers: { host: 'connectivitycheck.gstatic.com' },
      remoteAddress: RESIDENT,
    });
    expectRefused(res, 421, PortalErrorCode.FOREIGN_HOST);
  });

  // inject() normalises "/../" and "/%2e%2e/" like a browser; portal-server.test.ts sends those raw.
  it.each(['/privacy/..%2f..%2fetc%2fpasswd', '/a%5c..%5cb', '/%00', '/a%0d%0aSet-Cookie:%20x=1', '/%E0%A4%A', '/%zz'])(
    'path %s is refused (400) on the portal and on captured hosts',
    async (url) => {
      const rig = portalRig();
      for (const host of [PORTAL_HOST, 'captive.apple.com', 'example.org']) {
        const res = await rig.portal.http.inject({ url, headers: { host }, remoteAddress: RESIDENT });
        expectRefused(res, 400, PortalErrorCode.BAD_PATH);
      }
    },
  );

  it('a request target over 2 kB: 414', async () => {
    const res = await portalRig().portal.http.inject({
      url: `/?lang=${'a'.repeat(3000)}`,
      headers: { host: PORTAL_HOST },
      remoteAddress: RESIDENT,
    });
    expectRefused(res, 414, PortalErrorCode.BAD_PATH);
  });

  it('an unknown page on the portal: 404, in the resident’s language', async () => {
    const res = await portalRig().portal.http.inject({
      url: `/${encodeURIComponent(SCRIPT)}`,
      headers: { host: PORTAL_HOST, 'accept-language': 'es' },
      remoteAddress: RESIDENT,
    });
    expectRefused(res, 404, PortalErrorCode.NOT_FOUND);
    expect(res.body).toContain('Página no encontrada');
  });

  it('the RFC 8908 API is not served over plain HTTP', async () => {
    const res = await portalRig().portal.http.inject({
      url: API_PATH,
      headers: { host: PORTAL_HOST },
      remoteAddress: RESIDENT,
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.NOT_FOUND);
    expect(res.json()).toEqual({ error: PortalErrorCode.NOT_FOUND });
  });

  it('a flood of probes from one client is cut at the burst with 429, and the neighbour is unaffected', async () => {
    const rig = portalRig({ rateLimit: { burst: 10, perSecond: 2 } });
    const probe = (remoteAddress: string) =>
      rig.portal.http.inject({
        url: '/generate_204',
        headers: { host: 'connectivitycheck.gstatic.com' },
        remoteAddress,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await probe(RESIDENT)).statusCode);
    expect(statuses.filter((s) => s === 302)).toHaveLength(10);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const limited = await probe(RESIDENT);
    expectRefused(limited, 429, PortalErrorCode.RATE_LIMITED);
    expect(limited.headers['retry-after']).toBe('1');
    expect((await probe(NEIGHBOUR)).statusCode).toBe(302);
    // Two tokens a second: one second later, two more probes pass.
    rig.clock.advance(1000);
    expect([
      (await probe(RESIDENT)).statusCode,
      (await probe(RESIDENT)).statusCode,
      (await probe(RESIDENT)).statusCode,
    ]).toEqual([302, 302, 429]);
  });

  it('a failing session gate is a coded 500 for that request only', async () => {
    const rig = portalRig();
    const lookup = rig.gate.lookup.bind(rig.gate);
    rig.gate.lookup = async () => {
      throw new Error('nft: set not found');
    };
    const res = await rig.portal.http.inject({ url: '/', headers: { host: PORTAL_HOST }, remoteAddress: RESIDENT });
    expect(res.statusCode).toBe(500);
    expect(res.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.INTERNAL);
    expect(res.body).not.toContain('nft: set not found');
    rig.gate.lookup = lookup;
    const again = await rig.portal.http.inject({ url: '/', headers: { host: PORTAL_HOST }, remoteAddress: RESIDENT });
    expect(again.statusCode).toBe(200);
  });

  it('spoofed floods of new addresses cannot grow the limiter without bound', () => {
    const limiter = new RateLimiter({ burst: 2, perSecond: 1, maxTracked: 100 }, () => 0);
    for (let i = 0; i < 10_000; i++) limiter.take(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(limiter.tracked).toBe(100);
  });

  it('after all of this, no log line at any level holds a resident’s address or the sites they asked for', async () => {
    const rig = portalRig({ rateLimit: { burst: 5, perSecond: 1 } });
    const requests = [
      { url: '/../x', headers: { host: PORTAL_HOST } },
      { url: '/', headers: { host: '<bad host>' } },
      { url: '/nope', headers: { host: PORTAL_HOST } },
      { url: '/?lang=xx', headers: { host: PORTAL_HOST } },
      { url: '/secret-page', headers: { host: 'private-site.example' } },
      { method: 'POST' as const, url: '/login', headers: { host: 'private-site.example' } },
      ...Array.from({ length: 10 }, () => ({
        url: '/generate_204',
        headers: { host: 'connectivitycheck.gstatic.com' },
      })),
    ];
    for (const request of requests) await rig.portal.http.inject({ ...request, remoteAddress: RESIDENT });
    expect(rig.log.lines.some((l) => l.msg === 'portal refused a request')).toBe(true);
    for (const line of rig.log.lines.map((l) => JSON.stringify(l))) {
      expect(line).not.toContain(RESIDENT);
      expect(line).not.toContain('private-site');
      expect(line).not.toContain('secret-page');
    }
    expect(rig.log.infoAndAbove()).toEqual([]);
  });
});
