import { describe, expect, it } from 'vitest';
import { validateEdgeConfig } from '../src/config/load.js';
import { validateDepotSection } from '../src/wifi/config.js';

const BASE = {
  configVersion: 1,
  unitId: 'tri-test-01',
  bms: { type: 'jbd', path: '/dev/ttyUSB0' },
  mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'tri-test-01', password: 'unit-secret' },
};
const PAGES = { venue: { associationName: 'Le Triporteur Solidaire', contact: 'dpo@example.org' } };
const DEPOT = {
  ssid: 'Atelier-Asso',
  pskFile: '/etc/triporteur/depot.psk',
  area: { lat: 45.7578, lon: 4.832 },
};

/** The edge config with `depot` (and `hotspot`) as given; returns the error's code and message, or the config. */
function load(depot: unknown, hotspot?: unknown) {
  try {
    return { config: validateEdgeConfig({ ...BASE, depot, ...(hotspot === undefined ? {} : { hotspot }) }) };
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    return { code, message };
  }
}

describe('the depot config section', () => {
  it('is optional, and fills its defaults when present', () => {
    expect(load(undefined).config?.depot).toBeUndefined();
    expect(load(DEPOT).config?.depot).toEqual({
      ...DEPOT,
      area: { ...DEPOT.area, radiusM: 80, dwellS: 120 },
      checkIntervalS: 30,
      retryS: 300,
      joinTimeoutS: 45,
    });
  });

  it.each([
    ['a latitude off the globe', { ...DEPOT, area: { ...DEPOT.area, lat: 95 } }, 'depot/area/lat'],
    ['a radius inside the GPS jitter', { ...DEPOT, area: { ...DEPOT.area, radiusM: 20 } }, 'depot/area/radiusM'],
    ['no SSID', { pskFile: DEPOT.pskFile, area: DEPOT.area }, 'depot/ssid'],
    ['no centre', { ...DEPOT, area: { radiusM: 100 } }, 'depot/area/lat'],
    ['a relative PSK file', { ...DEPOT, pskFile: 'depot.psk' }, 'depot/pskFile'],
    ['the PSK itself in the config', { ...DEPOT, psk: 'n3 jamais logger' }, 'depot/psk'],
    ['an SSID of 33 bytes in 17 characters', { ...DEPOT, ssid: `${'é'.repeat(16)}x` }, 'depot/ssid'],
    ['an SSID with a newline', { ...DEPOT, ssid: 'Atelier\nAsso' }, 'depot/ssid'],
    ['an interface name with a space', { ...DEPOT, interface: 'wlan 1' }, 'depot/interface'],
    ['a check every 0 s', { ...DEPOT, checkIntervalS: 0 }, 'depot/checkIntervalS'],
  ])('refuses %s with EDG_CONFIG_INVALID naming the field', (_what, depot, field) => {
    const result = load(depot);
    expect(result.code).toBe('EDG_CONFIG_INVALID');
    expect(result.message).toContain(`"${field}`);
  });

  it('refuses to share a radio the hotspot has put in a bridge, and an uplink interface as the radio', () => {
    const bridged = { residents: { interface: 'br0' }, pages: PAGES };
    expect(load(DEPOT, bridged)).toMatchObject({
      code: 'EDG_CONFIG_INVALID',
      message: expect.stringContaining('"depot/interface"'),
    });
    // A second adapter beside the bridge is fine.
    expect(load({ ...DEPOT, interface: 'wlan1' }, bridged).config?.depot?.interface).toBe('wlan1');
    expect(load({ ...DEPOT, interface: 'eth0' }, { pages: PAGES })).toMatchObject({
      code: 'EDG_CONFIG_INVALID',
      message: expect.stringContaining("4G router's side"),
    });
  });

  it('validates on its own too (tools, tests), frozen', () => {
    const section = validateDepotSection(DEPOT);
    expect(Object.isFrozen(section.area)).toBe(true);
    expect(() => validateDepotSection({ ...DEPOT, area: { ...DEPOT.area, radiusM: 49 } })).toThrow(
      expect.objectContaining({ code: 'EDG_CONFIG_INVALID' }),
    );
  });
});
