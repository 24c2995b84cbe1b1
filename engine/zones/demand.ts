import { DEFAULT_K } from '../privacy/suppress-cells.ts';
import { haversineM } from './geo.ts';
import type { DemandColumns } from '../bin/demand-cells.ts';

/** Demand cells as the zone algorithms read them: engine/bin's columns (a `DemandCells` can be passed as it is). */
export type ZoneDemand = DemandColumns;

/** An empty demand set at a resolution. */
export function emptyDemand(res: number): ZoneDemand {
  return {
    res,
    count: 0,
    cell: new BigUint64Array(0),
    lat: new Float64Array(0),
    lng: new Float64Array(0),
    trips: new Float64Array(0),
    devices: new Float64Array(0),
    days: new Float64Array(0),
    profile: new Float64Array(0),
    totalTrips: 0,
  };
}

/**
 * The demand with its cells in ascending cell-id order (the order that makes ties deterministic); returns the input
 * itself when already sorted.
 */
export function sortDemandByCell(demand: ZoneDemand): ZoneDemand {
  const n = demand.count;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (demand.cell[i - 1]! >= demand.cell[i]!) sorted = false;
  if (sorted) return demand;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (demand.cell[a]! < demand.cell[b]! ? -1 : demand.cell[a]! > demand.cell[b]! ? 1 : 0));
  const pick = <T extends Float64Array | BigUint64Array>(src: T, make: (len: number) => T): T => {
    const out = make(n);
    for (let r = 0; r < n; r++) out[r] = src[order[r]!]!;
    return out;
  };
  const profile = new Float64Array(n * 24);
  for (let r = 0; r < n; r++) profile.set(demand.profile.subarray(order[r]! * 24, order[r]! * 24 + 24), r * 24);
  return {
    res: demand.res,
    count: n,
    cell: pick(demand.cell, (l) => new BigUint64Array(l)),
    lat: pick(demand.lat, (l) => new Float64Array(l)),
    lng: pick(demand.lng, (l) => new Float64Array(l)),
    trips: pick(demand.trips, (l) => new Float64Array(l)),
    devices: pick(demand.devices, (l) => new Float64Array(l)),
    days: pick(demand.days, (l) => new Float64Array(l)),
    ...(demand.endLat && demand.endLng
      ? { endLat: pick(demand.endLat, (l) => new Float64Array(l)), endLng: pick(demand.endLng, (l) => new Float64Array(l)) }
      : {}),
    profile,
    totalTrips: demand.totalTrips,
  };
}

/**
 * A cell's trip ends stand at their mean position only when there are at least this many (the default k-anonymity,
 * engine/privacy `DEFAULT_K`): a zone centre never reveals where fewer trips ended. Smaller cells stand at their centroid.
 */
export const MEAN_POSITION_MIN_TRIPS = DEFAULT_K;

/** Where each demand cell's trip ends stand in the zone model, and how far that is at most from the cell centroids. */
export interface DemandPoints {
  res: number;
  count: number;
  cell: BigUint64Array;
  /** Point latitudes, degrees: the mean position of the cell's trip ends, or its centroid (see {@link MEAN_POSITION_MIN_TRIPS}). */
  lat: Float64Array;
  /** Point longitudes, degrees. */
  lng: Float64Array;
  /** Largest distance of a point from its cell's centroid, metres. */
  maxOffsetM: number;
}

/**
 * The points the zone model walks from and to: each cell's mean trip-end position (when the demand carries it and the
 * cell has at least {@link MEAN_POSITION_MIN_TRIPS} trip ends, and the mean lies within one cell diameter of the
 * centroid), else the centroid.
 * @param demand demand cells in cell-id order
 */
export function demandPoints(demand: ZoneDemand): DemandPoints {
  const n = demand.count;
  const lat = Float64Array.from(demand.lat.subarray(0, n));
  const lng = Float64Array.from(demand.lng.subarray(0, n));
  let maxOffsetM = 0;
  if (demand.endLat && demand.endLng) {
    const limitM = 2 * cellEdgeM(demand.res);
    for (let c = 0; c < n; c++) {
      if (!(demand.trips[c]! >= MEAN_POSITION_MIN_TRIPS)) continue;
      const la = demand.endLat[c]!;
      const lo = demand.endLng[c]!;
      if (!Number.isFinite(la) || !Number.isFinite(lo)) continue;
      const off = haversineM(demand.lat[c]!, demand.lng[c]!, la, lo);
      if (!(off <= limitM)) continue; // a cell across the antimeridian averages to the wrong side
      lat[c] = la;
      lng[c] = lo;
      if (off > maxOffsetM) maxOffsetM = off;
    }
  }
  return { res: demand.res, count: n, cell: demand.cell, lat, lng, maxOffsetM };
}

/** Largest average H3 hexagon edge length at a resolution, metres (h3's table, rounded up). */
function cellEdgeM(res: number): number {
  return 1_281_256.5 / Math.sqrt(7) ** res;
}
