import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateEdgeConfig } from '../src/config/load.js';
import { DOCTOR_CODES } from '../src/doctor/codes.js';

const hardware = (file: string) => readFileSync(new URL(`../../hardware/${file}`, import.meta.url), 'utf8');

describe('hardware/', () => {
  it('has one troubleshooting row per doctor code, and no row for a code doctor cannot give', () => {
    const rows = [...hardware('TROUBLESHOOTING.md').matchAll(/^\| `(DOC_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual([...DOCTOR_CODES].sort());
  });

  it('ships a complete unit config that the edge accepts as it stands', () => {
    const config = validateEdgeConfig(JSON.parse(hardware('config/triporteur.example.json')));
    expect(config.bms.path).toBe('/dev/triporteur-bms');
    expect(config.hotspot?.residents.ssid).toBe('Wifi solidaire PIMMS');
  });

  it('names in the wiring the device paths the udev rules and the example config use', () => {
    const wiring = hardware('wiring.md');
    for (const name of ['triporteur-bms', 'triporteur-motor', 'triporteur-gps', 'triporteur-arduino']) {
      expect(wiring).toContain(`/dev/${name}`);
      expect(hardware('config/triporteur.example.json')).toContain(`/dev/${name}`);
    }
  });
});
