import { describe, expect, it } from 'vitest';
import { ERROR_CODE_HEADER, PortalErrorCode } from '../src/hotspot/portal/codes.js';
import { PROBES } from '../src/hotspot/portal/probes.js';
import { NEIGHBOUR, PORTAL_HOST, portalRig, RESIDENT } from './support/portal-rig.js';

const LANDING = `http://${PORTAL_HOST}/`;

/** One concrete request per probe in the table; captive.apple.com answers on any path. */
const PROBE_REQUESTS = PROBES.map((p) => ({
  ...p,
  url: p.path === '*' ? '/hotspot-detect.html' : p.path,
  name: `${p.os} ${p.host}${p.path === '*' ? '/hotspot-detect.html' : p.path}`,
}));

describe('captive probes (REFERENCE §2), with the Host header nftables leaves in place', () => {
  it.each(PROBE_REQUESTS)('before acceptance, $name is redirected to the portal, never cached', async (probe) => {
    const { portal } = portalRig();
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await portal.http.inject({
        method,
        url: probe.url,
        headers: { host: probe.host },
        remoteAddress: RESIDENT,
      });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe(LANDING);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it.each(PROBE_REQUESTS)('after acceptance with the uplink up, $name gets the real success answer', async (probe) => {
    const { portal, gate } = portalRig();
    await gate.accept(RESIDENT);
    const res = await portal.http.inject({ url: probe.url, headers: { host: probe.host }, remoteAddress: RESIDENT });
    expect(res.statusCode).toBe(probe.online.status);
    expect(res.body).toBe(probe.online.body);
    expect(res.headers['cache-control']).toBe('no-store');
    if (probe.online.contentType) expect(res.headers['content-type']).toContain(probe.online.contentType);
  });

  it.each(PROBE_REQUESTS)(
    'after acceptance with the uplink down, $name gets an honest 503, never success',
    async (probe) => {
      const { portal, gate } = portalRig();
      await gate.accept(RESIDENT);
      gate.uplink = false;
      const res = await portal.http.inject({ url: probe.url, headers: { host: probe.host }, remoteAddress: RESIDENT });
      expect(res.statusCode).toBe(503);
      expect(res.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.UPLINK_DOWN);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('Internet indisponible');
      if (probe.online.body !== '') expect(res.body).not.toContain(probe.online.body);
    },
  );

  it('the exact answers are the ones the operating systems look for', () => {
    const answer = (host: string, path: string) => PROBES.find((p) => p.host === host && p.path === path)?.online;
    expect(answer('connectivitycheck.gstatic.com', '/generate_204')).toEqual({ status: 204, body: '' });
    expect(answer('www.google.com', '/gen_204')).toEqual({ status: 204, body: '' });
    expect(answer('captive.apple.com', '*')?.body).toBe(
      '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>',
    );
    expect(answer('www.msftconnecttest.com', '/connecttest.txt')?.body).toBe('Microsoft Connect Test');
    expect(answer('www.msftncsi.com', '/ncsi.txt')?.body).toBe('Microsoft NCSI');
    expect(answer('detectportal.firefox.com', '/success.txt')?.body).toBe('success\n');
    expect(answer('detectportal.firefox.com', '/canonical.html')?.body).toContain(
      'support.mozilla.org/kb/captive-portal',
    );
  });

  it('any path on captive.apple.com is Apple’s probe', async () => {
    const { portal, gate } = portalRig();
    await gate.accept(RESIDENT);
    const res = await portal.http.inject({
      url: '/library/test/success.html',
      headers: { host: 'captive.apple.com' },
      remoteAddress: RESIDENT,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Success');
  });

  it('acceptance is per client: the neighbour’s probes are still redirected', async () => {
    const { portal, gate } = portalRig();
    await gate.accept(RESIDENT);
    const probe = { url: '/generate_204', headers: { host: 'connectivitycheck.gstatic.com' } };
    expect((await portal.http.inject({ ...probe, remoteAddress: RESIDENT })).statusCode).toBe(204);
    expect((await portal.http.inject({ ...probe, remoteAddress: NEIGHBOUR })).statusCode).toBe(302);
  });

  it('probing flips back to the portal once the session has expired', async () => {
    const { portal, gate, clock } = portalRig();
    await gate.accept(RESIDENT);
    const probe = { url: '/hotspot-detect.html', headers: { host: 'captive.apple.com' }, remoteAddress: RESIDENT };
    expect((await portal.http.inject(probe)).statusCode).toBe(200);
    clock.advance(4 * 3600_000 + 1);
    const after = await portal.http.inject(probe);
    expect(after.statusCode).toBe(302);
    expect(after.headers.location).toBe(LANDING);
  });

  it('before acceptance a probe is redirected even while the uplink is down: the portal then says so', async () => {
    const { portal, gate } = portalRig();
    gate.uplink = false;
    const probe = await portal.http.inject({
      url: '/connecttest.txt',
      headers: { host: 'www.msftconnecttest.com' },
      remoteAddress: RESIDENT,
    });
    expect(probe.statusCode).toBe(302);
    const landing = await portal.http.inject({ url: '/', headers: { host: PORTAL_HOST }, remoteAddress: RESIDENT });
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain('Internet indisponible');
  });

  it('an address with no lease is redirected like any captive client', async () => {
    const { portal } = portalRig();
    const res = await portal.http.inject({
      url: '/generate_204',
      headers: { host: 'connectivitycheck.gstatic.com' },
      remoteAddress: '10.42.0.99',
    });
    expect(res.statusCode).toBe(302);
  });

  it('any other site a captive resident opens over HTTP is redirected to the portal, and the Host is never echoed', async () => {
    const { portal, gate } = portalRig();
    for (const host of ['example.org', 'www.lemonde.fr:80', '93.184.215.14', 'connectivitycheck.gstatic.com']) {
      const res = await portal.http.inject({ url: '/some/page?x=1', headers: { host }, remoteAddress: RESIDENT });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe(LANDING);
      expect(res.body).not.toContain(host.split(':')[0]);
    }
    // After acceptance a captured page request (a race) still goes to the portal, which says "connected".
    await gate.accept(RESIDENT);
    const raced = await portal.http.inject({ url: '/', headers: { host: 'example.org' }, remoteAddress: RESIDENT });
    expect(raced.statusCode).toBe(302);
  });

  it('the redirect names no port: nftables maps port 80 on the Pi to wherever the portal listens', async () => {
    const { portal } = portalRig({ httpPort: 8080 });
    const res = await portal.http.inject({
      url: '/gen_204',
      headers: { host: 'www.google.com' },
      remoteAddress: RESIDENT,
    });
    expect(res.headers.location).toBe(`http://${PORTAL_HOST}/`);
    expect(portal.landingUrl()).toBe(`http://${PORTAL_HOST}/`);
  });
});
