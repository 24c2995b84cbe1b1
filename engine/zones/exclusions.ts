import { ParkzonesError } from '../errors.ts';

/** One exclusion polygon: its rings as flat `[lng0, lat0, lng1, lat1, …]` arrays (outer ring first, then holes) and its bounding box. */
export interface ExclusionPolygon {
  rings: Float64Array[];
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** Parsed exclusion areas, ready for point tests. */
export interface Exclusions {
  polygons: ExclusionPolygon[];
}

function bad(message: string): never {
  throw new ParkzonesError('BAD_OPTION', `exclude: ${message}`, { option: 'exclude' });
}

/**
 * Reads exclusion areas (parks, pedestrian streets) from GeoJSON: a Polygon, MultiPolygon, Feature,
 * FeatureCollection or GeometryCollection of them. Positions are `[lng, lat]` in degrees; rings need not be closed.
 * @param geojson parsed GeoJSON, or null/undefined for none
 * @throws ParkzonesError BAD_OPTION naming `exclude` when the value is not GeoJSON or holds a geometry that is not a polygon
 * @example
 * parseExclusions({ type: 'Polygon', coordinates: [[[-122.68, 45.52], [-122.67, 45.52], [-122.67, 45.53]]] })
 */
export function parseExclusions(geojson: unknown): Exclusions {
  const polygons: ExclusionPolygon[] = [];
  if (geojson === null || geojson === undefined) return { polygons };
  addObject(geojson, 'the GeoJSON', polygons);
  return { polygons };
}

function addObject(obj: unknown, where: string, out: ExclusionPolygon[]): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) bad(`${where} must be a GeoJSON object, got ${JSON.stringify(obj)?.slice(0, 60)}`);
  const o = obj as { type?: unknown; features?: unknown; geometry?: unknown; geometries?: unknown; coordinates?: unknown };
  switch (o.type) {
    case 'FeatureCollection':
      if (!Array.isArray(o.features)) bad(`${where} is a FeatureCollection without a features array`);
      o.features.forEach((f, i) => addObject(f, `feature ${i}`, out));
      return;
    case 'Feature':
      if (o.geometry === null || o.geometry === undefined) bad(`${where} has no geometry; only Polygon and MultiPolygon can exclude`);
      addObject(o.geometry, where, out);
      return;
    case 'GeometryCollection':
      if (!Array.isArray(o.geometries)) bad(`${where} is a GeometryCollection without a geometries array`);
      o.geometries.forEach((g, i) => addObject(g, `${where} geometry ${i}`, out));
      return;
    case 'Polygon':
      out.push(readPolygon(o.coordinates, where));
      return;
    case 'MultiPolygon':
      if (!Array.isArray(o.coordinates)) bad(`${where} is a MultiPolygon without a coordinates array`);
      o.coordinates.forEach((p, i) => out.push(readPolygon(p, `${where} polygon ${i}`)));
      return;
    default:
      bad(`${where} is a ${typeof o.type === 'string' ? o.type : 'value without a GeoJSON type'}; only Polygon and MultiPolygon can exclude`);
  }
}

function readPolygon(coordinates: unknown, where: string): ExclusionPolygon {
  if (!Array.isArray(coordinates) || coordinates.length === 0) bad(`${where}: a Polygon needs a coordinates array of rings`);
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  const rings = coordinates.map((ring: unknown, r) => {
    if (!Array.isArray(ring) || ring.length < 3) bad(`${where} ring ${r}: needs at least 3 positions`);
    const flat = new Float64Array(ring.length * 2);
    ring.forEach((pos: unknown, p) => {
      if (!Array.isArray(pos) || pos.length < 2 || typeof pos[0] !== 'number' || typeof pos[1] !== 'number' || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1])) {
        bad(`${where} ring ${r} position ${p}: must be [lng, lat] numbers, got ${JSON.stringify(pos)}`);
      }
      const [lng, lat] = pos as number[];
      if (lng! < -180 || lng! > 180 || lat! < -90 || lat! > 90) {
        bad(`${where} ring ${r} position ${p}: [${lng}, ${lat}] is outside [-180..180, -90..90]; GeoJSON positions are [lng, lat]`);
      }
      flat[p * 2] = lng!;
      flat[p * 2 + 1] = lat!;
      if (r === 0) {
        if (lng! < minLng) minLng = lng!;
        if (lng! > maxLng) maxLng = lng!;
        if (lat! < minLat) minLat = lat!;
        if (lat! > maxLat) maxLat = lat!;
      }
    });
    return flat;
  });
  return { rings, minLng, minLat, maxLng, maxLat };
}

/**
 * Even-odd ray test of one point against a polygon's rings (holes subtract). Points on an edge may fall either way.
 * @param lng longitude, degrees
 * @param lat latitude, degrees
 */
export function pointInPolygon(polygon: ExclusionPolygon, lng: number, lat: number): boolean {
  if (lng < polygon.minLng || lng > polygon.maxLng || lat < polygon.minLat || lat > polygon.maxLat) return false;
  let inside = false;
  for (const ring of polygon.rings) {
    const n = ring.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = ring[i * 2]!;
      const yi = ring[i * 2 + 1]!;
      const xj = ring[j * 2]!;
      const yj = ring[j * 2 + 1]!;
      if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/**
 * Marks the points that fall inside any exclusion polygon.
 * @param exclusions from {@link parseExclusions}
 * @param lat latitudes, degrees
 * @param lng longitudes, degrees
 * @returns 1 where the point is excluded, else 0
 */
export function excludedMask(exclusions: Exclusions, lat: Float64Array, lng: Float64Array, count: number = lat.length): Uint8Array {
  const mask = new Uint8Array(count);
  if (exclusions.polygons.length === 0) return mask;
  for (let i = 0; i < count; i++) {
    for (const polygon of exclusions.polygons) {
      if (pointInPolygon(polygon, lng[i]!, lat[i]!)) {
        mask[i] = 1;
        break;
      }
    }
  }
  return mask;
}
