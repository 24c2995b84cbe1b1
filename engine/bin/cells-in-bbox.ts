import { requireOption } from '../errors.ts';
import type { DemandColumns } from './demand-cells.ts';

/**
 * A box in degrees (WGS84) as `[west, south, east, north]`, the order of GeoJSON and of OGC API / STAC `bbox`.
 * `west > east` means the box crosses the antimeridian (it holds longitudes ≥ west and ≤ east).
 */
export type BboxLngLat = readonly [west: number, south: number, east: number, north: number];

/**
 * Throws BAD_OPTION naming `option` unless `bbox` is 4 finite numbers with longitudes in [-180, 180], latitudes in
 * [-90, 90] and south ≤ north. West > east is allowed: the box crosses the antimeridian.
 * @param bbox the box to check, `[west, south, east, north]`
 * @param option the parameter named in the error (default `bbox`)
 * @throws ParkzonesError BAD_OPTION
 */
export function checkBbox(bbox: readonly number[], option = 'bbox'): asserts bbox is BboxLngLat {
  requireOption(bbox.length === 4, option, `must be 4 numbers west,south,east,north (degrees, WGS84), got ${bbox.length}`);
  const [west, south, east, north] = bbox as [number, number, number, number];
  requireOption(bbox.every(Number.isFinite), option, `must be 4 finite numbers west,south,east,north, got ${bbox.join(',')}`);
  requireOption(west >= -180 && west <= 180 && east >= -180 && east <= 180, option, `west and east are longitudes and must lie in [-180, 180], got west ${west}, east ${east}`);
  requireOption(south >= -90 && south <= 90 && north >= -90 && north <= 90, option, `south and north are latitudes and must lie in [-90, 90], got south ${south}, north ${north}`);
  requireOption(south <= north, option, `south must not exceed north, got south ${south} > north ${north}`);
}

/** True when the point (lng, lat) lies in `bbox`, edges included; handles a box across the antimeridian. */
export function bboxContains(bbox: BboxLngLat, lng: number, lat: number): boolean {
  const [west, south, east, north] = bbox;
  if (!(lat >= south && lat <= north)) return false;
  return west <= east ? lng >= west && lng <= east : lng >= west || lng <= east;
}

/**
 * The cells whose centre (`lat`, `lng`) lies inside `bbox`, edges included, in their original order: a new
 * {@link DemandColumns} (the privacy module's `CellColumns`) holding only those cells, `totalTrips` their sum.
 * Pure and linear in the cells; no query. Suppression is the caller's business: pass cells already suppressed.
 * @param cells demand cells (for a non-admin: already k-suppressed)
 * @param bbox `[west, south, east, north]`, degrees; west > east crosses the antimeridian
 * @returns the subset, with the resolution of `cells`
 * @throws ParkzonesError BAD_OPTION when `bbox` is not a valid box (see {@link checkBbox})
 * @example
 * const inView = cellsInBbox(suppressCells(cells, 5), [-85.79, 38.23, -85.73, 38.27]);
 */
export function cellsInBbox(cells: DemandColumns, bbox: BboxLngLat): DemandColumns {
  checkBbox(bbox);
  const picked = new Uint32Array(cells.count);
  let n = 0;
  for (let i = 0; i < cells.count; i++) if (bboxContains(bbox, cells.lng[i]!, cells.lat[i]!)) picked[n++] = i;
  const out: DemandColumns = {
    res: cells.res,
    count: n,
    cell: new BigUint64Array(n),
    lat: new Float64Array(n),
    lng: new Float64Array(n),
    trips: new Float64Array(n),
    devices: new Float64Array(n),
    days: new Float64Array(n),
    profile: new Float64Array(n * 24),
    totalTrips: 0,
  };
  for (let j = 0; j < n; j++) {
    const i = picked[j]!;
    out.cell[j] = cells.cell[i]!;
    out.lat[j] = cells.lat[i]!;
    out.lng[j] = cells.lng[i]!;
    out.trips[j] = cells.trips[i]!;
    out.devices[j] = cells.devices[i]!;
    out.days[j] = cells.days[i]!;
    out.profile.set(cells.profile.subarray(i * 24, i * 24 + 24), j * 24);
    out.totalTrips += cells.trips[i]!;
  }
  return out;
}
