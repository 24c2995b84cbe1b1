import { ParkzonesError } from '../errors.ts';
import { EARTH_RADIUS_M, haversineM } from './geo.ts';

/** Candidate sites read from a layer: one point per site, in layer order (duplicates dropped). */
export interface CandidateSites {
  count: number;
  /** Latitudes, degrees. */
  lat: Float64Array;
  /** Longitudes, degrees. */
  lng: Float64Array;
  /** Stable id per site, from its coordinates rounded to 1e-6° (≈ 0.1 m): `site:<lat>,<lng>`. */
  id: string[];
}

/** Default spacing of the sites sampled along a candidate line, metres. */
export const DEFAULT_CANDIDATE_SPACING_M = 25;

function bad(message: string): never {
  throw new ParkzonesError('BAD_OPTION', `candidates: ${message}`, { option: 'candidates' });
}

function readPosition(pos: unknown, where: string): [number, number] {
  if (!Array.isArray(pos) || pos.length < 2 || typeof pos[0] !== 'number' || typeof pos[1] !== 'number' || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1])) {
    bad(`${where}: must be [lng, lat] numbers, got ${JSON.stringify(pos)?.slice(0, 60)}`);
  }
  const [lng, lat] = pos as [number, number];
  if (lng < -180 || lng > 180 || lat < -90 || lat > 90) bad(`${where}: [${lng}, ${lat}] is outside [-180..180, -90..90]; GeoJSON positions are [lng, lat]`);
  return [lng, lat];
}

/** Point at fraction `f` of the great circle from a to b (degrees in, degrees out). */
function along(lat1: number, lng1: number, lat2: number, lng2: number, f: number): [number, number] {
  const R = Math.PI / 180;
  const p1 = lat1 * R;
  const p2 = lat2 * R;
  const l1 = lng1 * R;
  const l2 = lng2 * R;
  const d = haversineM(lat1, lng1, lat2, lng2) / EARTH_RADIUS_M;
  if (d === 0) return [lat1, lng1];
  const a = Math.sin((1 - f) * d) / Math.sin(d);
  const b = Math.sin(f * d) / Math.sin(d);
  const x = a * Math.cos(p1) * Math.cos(l1) + b * Math.cos(p2) * Math.cos(l2);
  const y = a * Math.cos(p1) * Math.sin(l1) + b * Math.cos(p2) * Math.sin(l2);
  const z = a * Math.sin(p1) + b * Math.sin(p2);
  return [Math.atan2(z, Math.hypot(x, y)) / R, Math.atan2(y, x) / R];
}

/**
 * Sites along a line: its first vertex, then one every `spacingM` metres of length along it (measured across
 * vertices), and its last vertex.
 */
function sampleLine(coords: unknown, where: string, spacingM: number, out: (lat: number, lng: number) => void): void {
  if (!Array.isArray(coords) || coords.length < 2) bad(`${where}: a LineString needs at least 2 positions`);
  const pts = coords.map((p, i) => readPosition(p, `${where} position ${i}`));
  out(pts[0]![1], pts[0]![0]);
  let next = spacingM; // length along the line of the next sample
  let done = 0; // length along the line at the start of the current segment
  for (let i = 1; i < pts.length; i++) {
    const [lng1, lat1] = pts[i - 1]!;
    const [lng2, lat2] = pts[i]!;
    const len = haversineM(lat1, lng1, lat2, lng2);
    while (next < done + len) {
      const [la, lo] = along(lat1, lng1, lat2, lng2, (next - done) / len);
      out(la, lo);
      next += spacingM;
    }
    done += len;
  }
  const last = pts[pts.length - 1]!;
  out(last[1], last[0]);
}

/**
 * Reads candidate zone sites from GeoJSON: a FeatureCollection (or one Feature or geometry) of Point and MultiPoint
 * (each position a site) and LineString and MultiLineString (curb segments, streets: sampled every `spacingM` metres
 * along the line, both ends included). A site with the same coordinates to 6 decimals (≈ 0.1 m) as an earlier one is dropped.
 * @param geojson parsed GeoJSON
 * @param spacingM spacing of samples along lines, metres
 * @throws ParkzonesError BAD_OPTION naming `candidates` and the feature index when the value is not such GeoJSON
 * @example
 * parseCandidateSites({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-122.68, 45.52] } }] }, 25)
 */
export function parseCandidateSites(geojson: unknown, spacingM: number = DEFAULT_CANDIDATE_SPACING_M): CandidateSites {
  const lat: number[] = [];
  const lng: number[] = [];
  const id: string[] = [];
  const seen = new Set<string>();
  const add = (la: number, lo: number): void => {
    const key = `site:${la.toFixed(6)},${lo.toFixed(6)}`;
    if (seen.has(key)) return;
    seen.add(key);
    lat.push(la);
    lng.push(lo);
    id.push(key);
  };
  const geometry = (g: unknown, where: string): void => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) bad(`${where} has no geometry object`);
    const o = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    switch (o.type) {
      case 'Point': {
        const [lo, la] = readPosition(o.coordinates, where);
        add(la, lo);
        return;
      }
      case 'MultiPoint':
        if (!Array.isArray(o.coordinates)) bad(`${where} is a MultiPoint without a coordinates array`);
        o.coordinates.forEach((p, i) => {
          const [lo, la] = readPosition(p, `${where} point ${i}`);
          add(la, lo);
        });
        return;
      case 'LineString':
        sampleLine(o.coordinates, where, spacingM, add);
        return;
      case 'MultiLineString':
        if (!Array.isArray(o.coordinates)) bad(`${where} is a MultiLineString without a coordinates array`);
        o.coordinates.forEach((l, i) => sampleLine(l, `${where} line ${i}`, spacingM, add));
        return;
      case 'GeometryCollection':
        if (!Array.isArray(o.geometries)) bad(`${where} is a GeometryCollection without a geometries array`);
        o.geometries.forEach((x, i) => geometry(x, `${where} geometry ${i}`));
        return;
      default:
        bad(`${where} is a ${typeof o.type === 'string' ? o.type : 'value without a GeoJSON type'}; candidate sites are Point, MultiPoint, LineString or MultiLineString`);
    }
  };
  const feature = (f: unknown, where: string): void => {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) bad(`${where} must be a GeoJSON object, got ${JSON.stringify(f)?.slice(0, 60)}`);
    const o = f as { type?: unknown; geometry?: unknown };
    if (o.type === 'Feature') geometry(o.geometry, where);
    else geometry(o, where);
  };
  if (geojson === null || typeof geojson !== 'object' || Array.isArray(geojson)) bad(`must be a GeoJSON FeatureCollection, got ${JSON.stringify(geojson)?.slice(0, 60)}`);
  const root = geojson as { type?: unknown; features?: unknown };
  if (root.type === 'FeatureCollection') {
    if (!Array.isArray(root.features)) bad('the FeatureCollection has no features array');
    root.features.forEach((f, i) => feature(f, `feature ${i}`));
  } else feature(root, 'the GeoJSON');
  if (id.length === 0) bad('the layer holds no site (no Point or line positions)');
  return { count: id.length, lat: Float64Array.from(lat), lng: Float64Array.from(lng), id };
}
