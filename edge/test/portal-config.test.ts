import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EdgeErrorCode } from '../src/errors.js';
import { DEFAULT_PUBLIC_SERVICES, validatePortalConfig } from '../src/hotspot/portal/config.js';
import { buildPortal } from '../src/hotspot/portal/portal.js';
import { InMemoryGate } from './support/portal-gate.js';
import { portalConfig } from './support/portal-rig.js';

const venue = { associationName: 'PIMMS Test', contact: 'dpo@pimms.test' };

describe('portal config', () => {
  it('fills the defaults: port 80, French first, questionnaire off, no TLS', () => {
    const config = validatePortalConfig({ venue });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      httpPort: 8080,
      httpsPort: 8443,
      portalHostname: 'portail.home.arpa',
      apiPath: '/captive-portal/api',
      languages: ['fr', 'ar', 'en', 'es', 'pt', 'tr'],
      questionnaire: { enabled: false },
      sessionTimeoutS: 28_800,
      idleTimeoutS: 900,
      rateLimit: { burst: 40, perSecond: 4 },
    });
    expect(config.venue.publicServices).toEqual(DEFAULT_PUBLIC_SERVICES);
    expect(config.certFile).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['no venue (the GDPR notice must name the controller)', {}],
    ['an IP literal as portal name', { venue, portalHostname: '10.42.0.1' }],
    ['a .local portal name (mDNS only on Apple devices)', { venue, portalHostname: 'portail.triporteur.local' }],
    ['a portal name with a scheme', { venue, portalHostname: 'http://portail.example' }],
    ['an upper-case portal name', { venue, portalHostname: 'Portail.Example' }],
    ['a language with no catalog', { venue, languages: ['fr', 'de'] }],
    ['a language twice', { venue, languages: ['fr', 'fr'] }],
    ['no language', { venue, languages: [] }],
    [
      'a public-service link that is not http(s)',
      { venue: { ...venue, publicServices: [{ label: 'x', url: 'javascript:alert(1)' }] } },
    ],
    ['a certificate without its key', { venue, certFile: '/etc/ssl/portal.pem' }],
    ['an unknown field', { venue, theme: 'dark' }],
    ['an API path that is not a path', { venue, apiPath: 'api' }],
  ])('refuses %s', (_name, input) => {
    expect(() => validatePortalConfig(input)).toThrow(expect.objectContaining({ code: EdgeErrorCode.CONFIG_INVALID }));
  });

  it('an unreadable certificate stops the portal with a coded error', () => {
    const clock = new ManualClock();
    const build = () =>
      buildPortal({
        gate: new InMemoryGate(clock),
        config: portalConfig({ certFile: '/nonexistent/portal.pem', keyFile: '/nonexistent/portal.key' }),
        logger: pino({ level: 'silent' }),
        clock,
      });
    expect(build).toThrow(expect.objectContaining({ code: EdgeErrorCode.CONFIG_READ }));
  });
});
