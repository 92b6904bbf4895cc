import { readFile } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { HotspotConfigSchema } from '../src/hotspot/config.js';
import {
  checkHotspotSection,
  HotspotSectionSchema,
  portalConfigOf,
  validateHotspotSection,
} from '../src/hotspot/edge-config.js';
import { validatePortalConfig } from '../src/hotspot/portal/config.js';
import { renderHotspotFiles } from '../src/hotspot/service/files.js';

const HARDWARE = new URL('../../hardware/hotspot/', import.meta.url);
const pages = { venue: { associationName: 'Le Triporteur Solidaire', contact: 'dpo@example.org' } };
const example = async () => JSON.parse(await readFile(new URL('example-config.json', HARDWARE), 'utf8')) as object;
const CONFIG_INVALID = { code: 'EDG_CONFIG_INVALID' };

describe('the hotspot section of the edge config', () => {
  it("is the system layer's schema plus the pages, so hostname, ports and timeouts are set in one place", () => {
    expect(Object.keys(HotspotSectionSchema.properties)).toEqual([
      ...Object.keys(HotspotConfigSchema.properties),
      'pages',
    ]);
    expect(Object.keys(HotspotSectionSchema.properties.pages.properties)).toEqual([
      'venue',
      'languages',
      'questionnaire',
      'rateLimit',
    ]);
  });

  it('gives the portal its config: the residents’ address only, the certificate, the session timeouts', async () => {
    const section = validateHotspotSection({
      ...(await example()),
      sessions: { idleTimeoutS: 600, sessionTimeoutS: 7200 },
      pages: { ...pages, languages: ['fr', 'ar'], questionnaire: { enabled: true } },
    });
    const portal = portalConfigOf(section);
    expect(portal).toMatchObject({
      host: '10.42.0.1',
      httpPort: 8080,
      httpsPort: 8443,
      certFile: '/etc/triporteur/portal.crt',
      keyFile: '/etc/triporteur/portal.key',
      portalHostname: 'wifi.example.org',
      apiPath: '/captive-portal/api',
      idleTimeoutS: 600,
      sessionTimeoutS: 7200,
      languages: ['fr', 'ar'],
      questionnaire: { enabled: true },
      rateLimit: { burst: 40, perSecond: 4 },
      venue: { associationName: 'Le Triporteur Solidaire', contact: 'dpo@example.org' },
    });
    expect(validatePortalConfig(portal)).toEqual(portal);
    expect(Object.isFrozen(portal)).toBe(true);
  });

  it('gives no certificate to a portal whose section has none (no HTTPS, no option 114)', () => {
    const portal = portalConfigOf(validateHotspotSection({ pages }));
    expect(portal.certFile).toBeUndefined();
    expect(portal.keyFile).toBeUndefined();
  });

  it('sits in an edge config as an optional section, filled with the defaults when present', () => {
    const Edge = Type.Object({ hotspot: Type.Optional(HotspotSectionSchema) });
    expect(Value.Check(Edge, {})).toBe(true);
    const filled = Value.Default(Edge, { hotspot: { pages } }) as { hotspot: unknown };
    expect(Value.Check(Edge, filled)).toBe(true);
    expect(filled.hotspot).toMatchObject({ residents: { interface: 'wlan0' }, portal: { httpPort: 8080 } });
  });

  it.each([
    ['no pages: the GDPR notice must name who runs the hotspot', {}, /"hotspot\/pages"/],
    [
      'a .local name, which Apple devices resolve by mDNS only',
      { pages, portal: { hostname: 'portail.local' } },
      /hotspot\/portal\/hostname/,
    ],
    ['an idle timeout under ten seconds', { pages, sessions: { idleTimeoutS: 5 } }, /hotspot\/sessions\/idleTimeoutS/],
    [
      'an idle timeout over the session timeout',
      { pages, sessions: { idleTimeoutS: 900, sessionTimeoutS: 600 } },
      /sessions\/idleTimeoutS/,
    ],
    ['an empty contact', { pages: { venue: { associationName: 'x', contact: '' } } }, /hotspot\/pages\/venue\/contact/],
    ['a portal field at the top', { pages, host: '0.0.0.0' }, /hotspot/],
  ])('refuses %s, naming the field', (_name, input, field) => {
    expect(() => validateHotspotSection(input)).toThrow(expect.objectContaining(CONFIG_INVALID));
    expect(() => validateHotspotSection(input)).toThrow(field);
  });

  it('has its cross-field checks callable on a section the edge config validated', () => {
    const section = Value.Default(HotspotSectionSchema, { pages, residents: { address: '10.42.1.1' } });
    expect(() => checkHotspotSection(section as never)).toThrow(expect.objectContaining(CONFIG_INVALID));
  });
});

describe('the files for the system services', () => {
  it('are the renders kept in hardware/hotspot/ for the example config', async () => {
    const files = renderHotspotFiles(validateHotspotSection({ ...(await example()), pages }));
    expect(Object.keys(files).sort()).toEqual(['dnsmasq.conf', 'hostapd.conf', 'triporteur.nft']);
    for (const [name, text] of Object.entries(files)) {
      expect(text, name).toBe(await readFile(new URL(name, HARDWARE), 'utf8'));
    }
  });
});
