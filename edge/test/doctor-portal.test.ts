import { createServer } from 'node:http';
import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { portalCheck } from '../src/doctor/checks/portal.js';
import { DoctorCode } from '../src/doctor/codes.js';
import { portalConfigOf } from '../src/hotspot/edge-config.js';
import { startPortal } from '../src/hotspot/portal/portal.js';
import { freePort } from '../src/testing/free-port.js';
import { doctorConfig, doctorTestContext, HOTSPOT_PAGES } from './support/doctor-config.js';
import { InMemoryGate } from './support/portal-gate.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A hotspot whose residents' side is loopback, so the Pi's own address is reachable from the test. */
async function loopbackHotspot() {
  const httpPort = await freePort();
  return doctorConfig({
    hotspot: {
      pages: HOTSPOT_PAGES,
      residents: {
        subnet: '127.0.0.0/24',
        address: '127.0.0.1',
        dhcpRange: { start: '127.0.0.10', end: '127.0.0.250' },
      },
      portal: { httpPort, httpsPort: await freePort() },
    },
  });
}

describe('doctor: the captive portal, against the real portal', () => {
  it('passes when a probe is redirected to the landing page', async () => {
    const config = await loopbackHotspot();
    const section = config.hotspot;
    if (!section) throw new Error('hotspot configured');
    const clock = new ManualClock();
    const portal = await startPortal({
      gate: new InMemoryGate(clock),
      config: portalConfigOf(section),
      logger: pino({ level: 'silent' }),
      clock,
    });
    cleanups.push(() => portal.close());
    const result = await portalCheck.run(doctorTestContext(config));
    expect(result).toMatchObject({ id: 'portal', status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toBe(
      `le portail répond sur 127.0.0.1:${section.portal.httpPort} et renvoie vers http://portail.home.arpa/`,
    );
  });

  it('fails DOC_PORTAL_UNREACHABLE when nothing listens', async () => {
    const config = await loopbackHotspot();
    const result = await portalCheck.run(doctorTestContext(config));
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.PORTAL_UNREACHABLE });
    expect(result.detail).toContain('connexion refusée');
  });

  it('fails DOC_PORTAL_UNREACHABLE when something else answers on the port', async () => {
    const config = await loopbackHotspot();
    const other = createServer((_req, res) => res.writeHead(200).end('hello'));
    await new Promise<void>((resolve) => other.listen(config.hotspot?.portal.httpPort, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => other.close(resolve)));
    const result = await portalCheck.run(doctorTestContext(config));
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.PORTAL_UNREACHABLE });
    expect(result.detail).toContain('HTTP 200');
    expect(result.fix).toContain('ss -ltnp');
  });

  it('fails DOC_PORTAL_UNREACHABLE when the port accepts but never answers', async () => {
    const config = await loopbackHotspot();
    const stuck = createServer(() => undefined);
    await new Promise<void>((resolve) => stuck.listen(config.hotspot?.portal.httpPort, '127.0.0.1', resolve));
    cleanups.push(async () => {
      stuck.closeAllConnections();
      await new Promise((resolve) => stuck.close(resolve));
    });
    const result = await portalCheck.run(doctorTestContext(config, { probeTimeoutMs: 300 }));
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.PORTAL_UNREACHABLE });
    expect(result.detail).toContain('délai');
  });

  it('is not configured without a hotspot', async () => {
    expect(await portalCheck.run(doctorTestContext(doctorConfig()))).toMatchObject({
      status: 'pass',
      code: DoctorCode.NOT_CONFIGURED,
    });
  });
});
