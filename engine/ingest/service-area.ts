/**
 * A city's service area: trip ends outside it (GPS glitches, test rides abroad) are rejected with that reason.
 * Given as a bounding box `west,south,east,north` or a GeoJSON Polygon / MultiPolygon (bare, Feature or
 * FeatureCollection). The test runs in SQL over the staged rows: a box test, then even-odd ray casting over the rings.
 */
import fs from 'node:fs';
import { ParkzonesError } from '../errors.ts';

/** A service area ready for the row checks. */
export interface ServiceArea {
  /** What the reports call it: the file name or the box. */
  label: string;
  /** [west, south, east, north] degrees; the polygons' extent for a polygon area. */
  bbox: [number, number, number, number];
  /** Rings [lng, lat][] of every polygon (outer rings and holes: even-odd rule); empty for a box. */
  rings: [number, number][][];
}

/** Most polygon vertices a service area may have (each is a term of the SQL test). */
export const SERVICE_AREA_MAX_VERTICES = 5000;

/**
 * Reads a service area from a bbox text `west,south,east,north` or a GeoJSON file's path.
 * @throws ParkzonesError BAD_OPTION naming `option` when the box is malformed, the file unreadable, or it holds no polygon
 */
export function loadServiceArea(spec: string, option = 'service-area'): ServiceArea {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.length === 4 && parts.every((p) => p !== '' && Number.isFinite(Number(p)))) {
    const [w, s, e, n] = parts.map(Number) as [number, number, number, number];
    if (!(w >= -180 && e <= 180 && w < e && s >= -90 && n <= 90 && s < n)) {
      throw new ParkzonesError('BAD_OPTION', `${option}: a box is west,south,east,north in degrees with west < east and south < north, got "${spec}"`, { option });
    }
    return { label: `box ${w},${s},${e},${n}`, bbox: [w, s, e, n], rings: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(spec, 'utf8'));
  } catch (e) {
    throw new ParkzonesError('BAD_OPTION', `${option}: neither a box west,south,east,north nor a readable GeoJSON file: ${spec} (${(e as Error).message})`, { option });
  }
  const rings = polygonRings(json);
  if (rings.length === 0) throw new ParkzonesError('BAD_OPTION', `${option}: ${spec} holds no Polygon or MultiPolygon`, { option });
  const vertices = rings.reduce((n, r) => n + r.length, 0);
  if (vertices > SERVICE_AREA_MAX_VERTICES) {
    throw new ParkzonesError('BAD_OPTION', `${option}: ${spec} has ${vertices} vertices, more than ${SERVICE_AREA_MAX_VERTICES}; simplify it`, { option });
  }
  const lngs = rings.flat().map((p) => p[0]);
  const lats = rings.flat().map((p) => p[1]);
  return { label: spec.split(/[\\/]/).pop()!, bbox: [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)], rings };
}

/** A box around a centre: `radiusM` metres each way (for a generated city). */
export function serviceAreaAround(lat: number, lng: number, radiusM: number, label: string): ServiceArea {
  const dLat = radiusM / 111_320;
  const dLng = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
  const bbox: [number, number, number, number] = [lng - dLng, lat - dLat, lng + dLng, lat + dLat];
  return { label, bbox: bbox.map((v) => Math.round(v * 1e6) / 1e6) as typeof bbox, rings: [] };
}

function polygonRings(g: unknown): [number, number][][] {
  if (!g || typeof g !== 'object') return [];
  const o = g as { type?: string; coordinates?: unknown; geometry?: unknown; features?: unknown[]; geometries?: unknown[] };
  const ring = (r: unknown): [number, number][] => {
    if (!Array.isArray(r)) return [];
    return r.filter((p): p is [number, number] => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])).map((p) => [Number(p[0]), Number(p[1])]);
  };
  switch (o.type) {
    case 'FeatureCollection':
      return (o.features ?? []).flatMap(polygonRings);
    case 'GeometryCollection':
      return (o.geometries ?? []).flatMap(polygonRings);
    case 'Feature':
      return polygonRings(o.geometry);
    case 'Polygon':
      return Array.isArray(o.coordinates) ? o.coordinates.map(ring).filter((r) => r.length >= 3) : [];
    case 'MultiPolygon':
      return Array.isArray(o.coordinates) ? o.coordinates.flatMap((p) => (Array.isArray(p) ? p.map(ring).filter((r) => r.length >= 3) : [])) : [];
    default:
      return [];
  }
}

/** SQL that is TRUE when the point (`lat`, `lng` column expressions) lies inside the area; NULL coordinates give NULL. */
export function insideAreaSql(area: ServiceArea, lat: string, lng: string): string {
  const [w, s, e, n] = area.bbox.map((v) => `CAST('${v}' AS DOUBLE)`);
  const box = `(${lng} BETWEEN ${w} AND ${e} AND ${lat} BETWEEN ${s} AND ${n})`;
  if (area.rings.length === 0) return box;
  const terms: string[] = [];
  for (const r of area.rings) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i]!;
      const [xj, yj] = r[j]!;
      if (yi === yj) continue; // a horizontal edge never crosses the ray
      // The ray east from the point crosses edge (j, i).
      terms.push(`CASE WHEN ((${yi} > ${lat}) <> (${yj} > ${lat})) AND ${lng} < ${xj - xi} * (${lat} - ${yi}) / ${yj - yi} + ${xi} THEN 1 ELSE 0 END`);
    }
  }
  return `(${box} AND (${terms.join(' + ')}) % 2 = 1)`;
}
