import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetErrorCode } from '../src/fleet/errors.js';
import type { FleetSample } from '../src/fleet/sample.js';
import { ZoneTracker } from '../src/fleet/zone-tracker.js';
import { loadZones, parseZones, ZONE_LIMITS, type Zone, zonesAt } from '../src/fleet/zones.js';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '../../hardware/zones/example-zones.geojson');
const TILLEULS = 'Exemple — Les Tilleuls (fictif)';
const ROSERAIE = 'Exemple — La Roseraie (fictif)';
const SAONE = 'Exemple — Bords de Saône (fictif)';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleet-zones-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadText(text: string): Promise<Zone[]> {
  const path = join(dir, `zones-${Math.random().toString(36).slice(2)}.geojson`);
  await writeFile(path, text);
  return loadZones(path);
}

const square = (lon: number, lat: number, d = 0.01) => [
  [
    [lon, lat],
    [lon + d, lat],
    [lon + d, lat + d],
    [lon, lat + d],
    [lon, lat],
  ],
];
const feature = (name: unknown, coordinates: unknown = square(4.8, 45.7), type = 'Polygon') => ({
  type: 'Feature',
  properties: { name },
  geometry: { type, coordinates },
});
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

describe('zones file', () => {
  it('loads the example: three named zones, with ids, a hole and a MultiPolygon', async () => {
    const zones = await loadZones(EXAMPLE);
    expect(zones.map((z) => [z.name, z.id, z.geometry.type])).toEqual([
      [TILLEULS, 'exemple-tilleuls', 'Polygon'],
      [ROSERAIE, 'exemple-roseraie', 'Polygon'],
      [SAONE, 'exemple-bords-de-saone', 'MultiPolygon'],
    ]);
    expect(zonesAt(zones, 45.753, 4.865)).toEqual([TILLEULS]);
    expect(zonesAt(zones, 45.762, 4.89)).toEqual([ROSERAIE]);
    // The park cut out of La Roseraie is not in it.
    expect(zonesAt(zones, 45.7655, 4.887)).toEqual([]);
    // Second part of the MultiPolygon.
    expect(zonesAt(zones, 45.778, 4.84)).toEqual([SAONE]);
    expect(zonesAt(zones, 45.74, 4.9)).toEqual([]);
  });

  it.each([
    ['a missing file', null, FleetErrorCode.ZONES_READ],
    ['text that is not JSON', '{"type": "FeatureCollection", ', FleetErrorCode.ZONES_JSON],
    ['a bare Feature', JSON.stringify(feature('A')), FleetErrorCode.ZONES_SCHEMA],
    [
      'a Point zone',
      collection({ ...feature('A'), geometry: { type: 'Point', coordinates: [4.8, 45.7] } }),
      FleetErrorCode.ZONES_SCHEMA,
    ],
    ['a zone without a name', collection({ ...feature('A'), properties: { nom: 'A' } }), FleetErrorCode.ZONES_SCHEMA],
    ['a blank name', collection(feature('   ')), FleetErrorCode.ZONES_SCHEMA],
    ['null properties', collection({ ...feature('A'), properties: null }), FleetErrorCode.ZONES_SCHEMA],
    ['an open ring', collection(feature('A', [square(4.8, 45.7)[0]?.slice(0, 4)])), FleetErrorCode.ZONES_GEOMETRY],
    [
      'a ring of 3 positions',
      collection(
        feature('A', [
          [
            [4.8, 45.7],
            [4.81, 45.7],
            [4.8, 45.7],
          ],
        ]),
      ),
      FleetErrorCode.ZONES_GEOMETRY,
    ],
    [
      'Lambert-93 coordinates',
      collection(feature('A', square(842_000, 6_519_000, 500))),
      FleetErrorCode.ZONES_GEOMETRY,
    ],
    [
      'latitude and longitude swapped past 90°',
      collection(feature('A', square(45.7, 94.8))),
      FleetErrorCode.ZONES_GEOMETRY,
    ],
    [
      'two zones named alike',
      collection(feature('Les Tilleuls'), feature(' les tilleuls ')),
      FleetErrorCode.ZONES_DUPLICATE,
    ],
    [
      'too many zones',
      collection(...Array.from({ length: ZONE_LIMITS.maxFeatures + 1 }, (_, i) => feature(`Z${i}`))),
      FleetErrorCode.ZONES_TOO_BIG,
    ],
    [
      'too many vertices',
      collection(
        feature('A', [
          [...Array.from({ length: ZONE_LIMITS.maxVertices }, (_, i) => [4.8 + i * 1e-7, 45.7]), [4.8, 45.7]],
        ]),
      ),
      FleetErrorCode.ZONES_TOO_BIG,
    ],
  ])('refuses %s with a coded error', async (_what, text, code) => {
    const attempt = text === null ? loadZones(join(dir, 'absent.geojson')) : loadText(text);
    await expect(attempt).rejects.toMatchObject({ code });
  });

  it('refuses a file over the size limit before parsing it', async () => {
    expect(() => parseZones(' '.repeat(ZONE_LIMITS.maxBytes + 1), 'big.geojson')).toThrow(
      expect.objectContaining({ code: FleetErrorCode.ZONES_TOO_BIG }),
    );
    await expect(loadText(`${collection(feature('A'))}${' '.repeat(ZONE_LIMITS.maxBytes)}`)).rejects.toMatchObject({
      code: FleetErrorCode.ZONES_TOO_BIG,
    });
  });

  it('keeps extra properties from QGIS exports and takes a numeric feature id', async () => {
    const zones = await loadText(
      collection({ ...feature('A'), id: 7, properties: { name: 'A', code_qp: 'QN06901M', surface: 12.5 } }),
    );
    expect(zones.map((z) => [z.name, z.id])).toEqual([['A', '7']]);
  });
});

describe('ZoneTracker', () => {
  const at = (ts: number, lat: number, lon: number): FleetSample => ({ ts, paused: false, lat, lon });
  const paused = (ts: number): FleetSample => ({ ts, paused: true, motorSpeedKmh: 12 });

  it('emits enter and leave as positions cross zones, and nothing while paused', async () => {
    const tracker = new ZoneTracker(await loadZones(EXAMPLE));
    expect(tracker.update(at(1, 45.745, 4.865))).toEqual([]);
    expect(tracker.update(at(2, 45.753, 4.865))).toEqual([{ zone: TILLEULS, kind: 'enter', ts: 2 }]);
    expect(tracker.update(at(3, 45.754, 4.866))).toEqual([]);
    // Paused inside, then out of the zone and into another: nothing until the pause ends.
    expect(tracker.update(paused(4))).toEqual([]);
    expect(tracker.update(paused(5))).toEqual([]);
    expect(tracker.update({ ts: 6, paused: false })).toEqual([]); // no fix
    expect([...tracker.inside]).toEqual([TILLEULS]);
    expect(tracker.update(at(7, 45.762, 4.89))).toEqual([
      { zone: TILLEULS, kind: 'leave', ts: 7 },
      { zone: ROSERAIE, kind: 'enter', ts: 7 },
    ]);
    // Into the park cut out of La Roseraie.
    expect(tracker.update(at(8, 45.7655, 4.887))).toEqual([{ zone: ROSERAIE, kind: 'leave', ts: 8 }]);
  });

  it('does not announce again the zones it was seeded with, and drops zones the file no longer has', async () => {
    const tracker = new ZoneTracker(await loadZones(EXAMPLE), [TILLEULS, 'Ancienne zone']);
    expect([...tracker.inside]).toEqual([TILLEULS]);
    expect(tracker.update(at(1, 45.753, 4.865))).toEqual([]);
    expect(tracker.update(at(2, 45.74, 4.865))).toEqual([{ zone: TILLEULS, kind: 'leave', ts: 2 }]);
  });
});
