import { isParkzonesError, ParkzonesError } from '../errors.ts';
import { parseExclusions, pointInPolygon, type ExclusionPolygon } from './exclusions.ts';

/** One district of an equity layer: its polygons and minimums. */
export interface District {
  /** `properties.name`, else `district <feature index>`. */
  name: string;
  polygons: ExclusionPolygon[];
  /** At least this many zones stand in the district (0 = no minimum). */
  minZones: number;
  /** At least this share (0–1) of the district's trip ends is covered (0 = no minimum). */
  minShare: number;
}

/** What a run reports per district. */
export interface DistrictReport {
  name: string;
  minZones: number;
  minShare: number;
  /** Zones standing in the district. */
  zones: number;
  /** Trip ends of the district's demand cells (by their point) within the walking radius of any zone. */
  coveredTrips: number;
  /** Trip ends of the district's demand cells. */
  totalTrips: number;
  /** `coveredTrips / totalTrips` (0 without trip ends). */
  share: number;
  /** Whether both minimums are met. */
  met: boolean;
  /** Why a minimum is not met; null when met. */
  reason: string | null;
}

function bad(message: string): never {
  throw new ParkzonesError('BAD_OPTION', `districts: ${message}`, { option: 'districts' });
}

/**
 * Reads an equity layer: a FeatureCollection of Polygon / MultiPolygon features, each with `properties.min_zones`
 * (a whole number ≥ 0) and/or `properties.min_share` (a share in [0, 1]) and optionally `properties.name`.
 * @throws ParkzonesError BAD_OPTION naming `districts` and the feature index
 */
export function parseDistricts(geojson: unknown): District[] {
  const root = geojson as { type?: unknown; features?: unknown } | null;
  if (root === null || typeof root !== 'object' || root.type !== 'FeatureCollection' || !Array.isArray(root.features)) {
    bad('must be a GeoJSON FeatureCollection of district polygons');
  }
  return root.features.map((f: unknown, i: number): District => {
    const where = `feature ${i}`;
    const o = f as { type?: unknown; geometry?: unknown; properties?: Record<string, unknown> | null } | null;
    if (o === null || typeof o !== 'object' || o.type !== 'Feature') bad(`${where} must be a GeoJSON Feature`);
    let polygons: ExclusionPolygon[];
    try {
      polygons = parseExclusions(o.geometry ?? null).polygons;
    } catch (e) {
      if (!isParkzonesError(e, 'BAD_OPTION')) throw e;
      bad(`${where}: ${e.message.replace(/^exclude: (the GeoJSON )?/, '')}`);
    }
    if (polygons.length === 0) bad(`${where} has no Polygon or MultiPolygon geometry`);
    const p = o.properties ?? {};
    const minZones = p.min_zones ?? 0;
    const minShare = p.min_share ?? 0;
    if (!(Number.isInteger(minZones) && (minZones as number) >= 0)) bad(`${where} properties.min_zones: must be a whole number of zones ≥ 0, got ${JSON.stringify(minZones)}`);
    if (!(typeof minShare === 'number' && minShare >= 0 && minShare <= 1)) bad(`${where} properties.min_share: must be a share in [0, 1], got ${JSON.stringify(minShare)}`);
    if (p.min_zones === undefined && p.min_share === undefined) bad(`${where}: needs properties.min_zones and/or properties.min_share`);
    const name = typeof p.name === 'string' && p.name.length > 0 ? p.name : `district ${i}`;
    return { name, polygons, minZones: minZones as number, minShare };
  });
}

/** 1 where a point lies in the district. */
export function districtMask(district: District, lat: Float64Array, lng: Float64Array, count: number): Uint8Array {
  const mask = new Uint8Array(count);
  for (let i = 0; i < count; i++) if (district.polygons.some((p) => pointInPolygon(p, lng[i]!, lat[i]!))) mask[i] = 1;
  return mask;
}
