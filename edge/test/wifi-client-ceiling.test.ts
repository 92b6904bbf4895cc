import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { validateHotspotSection } from '../src/hotspot/edge-config.js';
import { clientCeiling } from '../src/hotspot/service/client-ceiling.js';
import { piTree, sysfsTree } from './fixtures/wifi-sysfs.js';

// The hotspot's session ceiling from the configured value, the radio found in a real /sys-shaped tree,
// or the DHCP pool.

const quiet = pino({ level: 'silent' });
const pages = { venue: { associationName: 'Le Triporteur Solidaire', contact: 'dpo@example.org' } };
const section = (wifi: object = {}, dhcpRange = { start: '10.42.0.10', end: '10.42.0.250' }) =>
  validateHotspotSection({ pages, wifi: { interface: 'wlan0', ...wifi }, residents: { dhcpRange } });

describe('the hotspot’s client ceiling', () => {
  it('takes the radio’s ceiling when the config sets none: 8 on the stock firmware, 19 on the minimal one', async () => {
    expect(await clientCeiling(section(), { root: (await piTree('standard')).root, log: quiet })).toBe(8);
    expect(await clientCeiling(section(), { root: (await piTree('minimal')).root, log: quiet })).toBe(19);
  });

  it('keeps the configured ceiling over the detected one', async () => {
    const root = (await piTree('minimal')).root;
    expect(await clientCeiling(section({ maxStations: 12 }), { root, log: quiet })).toBe(12);
  });

  it('never exceeds the DHCP pool, and falls back to it with no radio behind the interface', async () => {
    const small = section({}, { start: '10.42.0.10', end: '10.42.0.14' });
    expect(await clientCeiling(small, { root: (await piTree('minimal')).root, log: quiet })).toBe(5);
    expect(await clientCeiling(section(), { root: (await sysfsTree()).root, log: quiet })).toBe(241);
  });
});
