import { readFile, stat } from 'node:fs/promises';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { FleetError, FleetErrorCode } from './errors.js';

/**
 * Named zones: the priority neighbourhoods a coordinator draws (QGIS, geojson.io) and saves as an RFC 7946
 * GeoJSON FeatureCollection of Polygon/MultiPolygon features, each with a `name` property.
 */
export const ZONE_LIMITS = { maxBytes: 10_000_000, maxFeatures: 500, maxVertices: 200_000, maxNameLength: 80 };

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 });
const Ring = Type.Array(Position);
const PolygonSchema = Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring, { minItems: 1 }) });
const MultiPolygonSchema = Type.Object({
  type: Type.Literal('MultiPolygon'),
  coordinates: Type.Array(Type.Array(Ring, { minItems: 1 }), { minItems: 1 }),
});
const ZoneId = Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Number()]);

export const ZoneFeatureSchema = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Optional(ZoneId),
  geometry: Type.Union([PolygonSchema, MultiPolygonSchema]),
  // Other properties (from QGIS exports) are allowed and ignored.
  properties: Type.Object({
    name: Type.String({ minLength: 1, maxLength: ZONE_LIMITS.maxNameLength }),
    id: Type.Optional(ZoneId),
  }),
});

export const ZoneFileSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(ZoneFeatureSchema),
});

type ZoneGeometry = Static<typeof ZoneFeatureSchema>['geometry'];
type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export interface Zone {
  name: string;
  id?: string;
  geometry: ZoneGeometry;
  bbox: BBox;
}

function fail(code: FleetErrorCode, source: string, message: string, cause?: unknown): FleetError {
  return new FleetError(code, `zones file ${source}: ${message}`, cause === undefined ? undefined : { cause });
}

function polygonsOf(geometry: ZoneGeometry): number[][][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Rings closed, at least a triangle, and WGS84 longitude/latitude (a projected file is the usual mistake). */
function checkGeometry(geometry: ZoneGeometry, where: string, source: string): BBox {
  const bbox: BBox = [180, 90, -180, -90];
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      if (ring.length < 4)
        throw fail(FleetErrorCode.ZONES_GEOMETRY, source, `${where}: a ring needs at least 4 positions`);
      const first = ring[0] ?? [];
      const last = ring[ring.length - 1] ?? [];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        throw fail(FleetErrorCode.ZONES_GEOMETRY, source, `${where}: a ring must end on its first position`);
      }
      for (const [lon = Number.NaN, lat = Number.NaN] of ring) {
        if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
          throw fail(
            FleetErrorCode.ZONES_GEOMETRY,
            source,
            `${where}: position [${lon}, ${lat}] is not WGS84 [longitude, latitude]; reproject the file to EPSG:4326`,
          );
        }
        bbox[0] = Math.min(bbox[0], lon);
        bbox[1] = Math.min(bbox[1], lat);
        bbox[2] = Math.max(bbox[2], lon);
        bbox[3] = Math.max(bbox[3], lat);
      }
    }
  }
  return bbox;
}

function vertexCount(features: readonly unknown[]): number {
  let n = 0;
  for (const feature of features) {
    const geometry = (feature as { geometry?: { type?: unknown; coordinates?: unknown } } | null)?.geometry;
    if (!Array.isArray(geometry?.coordinates)) continue;
    const polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates];
    for (const polygon of polygons) if (Array.isArray(polygon)) for (const ring of polygon) n += ring?.length ?? 0;
  }
  return n;
}

/** Validates a zones document; `source` names it in errors (usually the file path). */
export function parseZones(text: string, source: string): Zone[] {
  if (text.length > ZONE_LIMITS.maxBytes) {
    throw fail(
      FleetErrorCode.ZONES_TOO_BIG,
      source,
      `longer than ${ZONE_LIMITS.maxBytes} characters; simplify the shapes`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw fail(FleetErrorCode.ZONES_JSON, source, `not valid JSON (${(err as Error).message})`, err);
  }
  // Counted before the schema walk, so a huge file is refused cheaply and with the right code.
  const features = (doc as { features?: unknown } | null)?.features;
  if (Array.isArray(features)) {
    if (features.length > ZONE_LIMITS.maxFeatures) {
      throw fail(FleetErrorCode.ZONES_TOO_BIG, source, `${features.length} zones, at most ${ZONE_LIMITS.maxFeatures}`);
    }
    const vertices = vertexCount(features);
    if (vertices > ZONE_LIMITS.maxVertices) {
      throw fail(
        FleetErrorCode.ZONES_TOO_BIG,
        source,
        `${vertices} vertices, at most ${ZONE_LIMITS.maxVertices}; simplify the shapes`,
      );
    }
  }
  const error = Value.Errors(ZoneFileSchema, doc).First();
  if (error) {
    throw fail(
      FleetErrorCode.ZONES_SCHEMA,
      source,
      `${error.path || '(root)'}: ${error.message} (expected a FeatureCollection of Polygon/MultiPolygon features with a "name" property)`,
    );
  }
  const valid = doc as Static<typeof ZoneFileSchema>;
  const seen = new Map<string, number>();
  return valid.features.map((feature, i) => {
    const name = feature.properties.name.trim();
    const where = `features/${i} ("${name}")`;
    if (name === '') throw fail(FleetErrorCode.ZONES_SCHEMA, source, `${where}: the name is blank`);
    // Names are what alerts and reports show: two that read the same would be confused.
    const key = name.normalize('NFC').toLocaleLowerCase('fr');
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw fail(FleetErrorCode.ZONES_DUPLICATE, source, `${where}: same name as features/${previous}`);
    }
    seen.set(key, i);
    const bbox = checkGeometry(feature.geometry, where, source);
    const id = feature.properties.id ?? feature.id;
    return { name, geometry: feature.geometry, bbox, ...(id !== undefined ? { id: String(id) } : {}) };
  });
}

/** Reads and validates a zones file. */
export async function loadZones(path: string): Promise<Zone[]> {
  let text: string;
  try {
    // Checked before reading, so a wrong path to some huge file is refused without loading it.
    const { size } = await stat(path);
    if (size > ZONE_LIMITS.maxBytes) {
      throw fail(
        FleetErrorCode.ZONES_TOO_BIG,
        path,
        `${size} bytes, at most ${ZONE_LIMITS.maxBytes}; simplify the shapes`,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof FleetError) throw err;
    throw fail(FleetErrorCode.ZONES_READ, path, `cannot read it (${(err as Error).message})`, err);
  }
  return parseZones(text, path);
}

/** Names of the zones containing a point, in file order. The bounding box spares most polygon tests. */
export function zonesAt(zones: readonly Zone[], lat: number, lon: number): string[] {
  const names: string[] = [];
  for (const zone of zones) {
    const [minLon, minLat, maxLon, maxLat] = zone.bbox;
    if (lon < minLon || lon > maxLon || lat < minLat || lat > maxLat) continue;
    if (booleanPointInPolygon([lon, lat], zone.geometry)) names.push(zone.name);
  }
  return names;
}
