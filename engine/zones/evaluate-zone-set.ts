import { latLngToCell } from '../h3/h3-js.ts';
import { requireOption } from '../errors.ts';
import { capacityFromPeak } from './capacity.ts';
import type { ZoneDemand } from './demand.ts';
import { hexHull } from './footprint.ts';
import { haversineM, weightedMedian } from './geo.ts';
import type { ResolvedZoneOptions } from './options.ts';
import type { PeaksFn, ZoneRecord } from './propose-zones.ts';
import { zoneMedianWalks } from './zone-walk.ts';

/** One zone of a hand-edited set: where it stands and, when the planner fixed it, its capacity. */
export interface ZoneSite {
  /** Id kept from the run it came from; a new site may leave it out (it gets its centre cell's hex id). */
  zoneId?: string;
  /** Centre latitude, degrees. */
  lat: number;
  /** Centre longitude, degrees. */
  lng: number;
  /** Slots fixed by the planner; null or absent = sized from parked-vehicle peaks like a proposed zone. */
  capacity?: number | null;
}

/** Figures of an evaluated zone set (the fields of a proposal's summary that a hand-made set has). */
export interface ZoneSetFigures {
  zones: number;
  /** Sum of capacities, slots. */
  totalSlots: number;
  /** Trip ends in the demand. */
  totalTrips: number;
  /** Trip ends within the walking radius of some zone. */
  coveredTrips: number;
  /** `coveredTrips / totalTrips` (0 without demand). */
  coveredShare: number;
  /** Trip-weighted median walk from a served cell's centroid to its zone's centre, metres (0.1 m); null when none is served. */
  medianWalkM: number | null;
  /** Whether capacities not fixed by the planner came from parked-vehicle peaks (false: `minCapacity`). */
  capacitySized: boolean;
}

/** Result of {@link evaluateZoneSet}. */
export interface ZoneSetEvaluation {
  /** The sites as zones, in the order given (rank 1, 2, …). */
  zones: ZoneRecord[];
  /** Covered share after the first 1, 2, … zones. */
  curve: number[];
  figures: ZoneSetFigures;
}

/** Hooks of {@link evaluateZoneSet}. */
export interface EvaluateZoneSetHooks {
  /** Sizes zones from parked-vehicle peaks (engine/zones `storePeaks`); without it unfixed zones get `minCapacity`. */
  peaks?: PeaksFn;
}

/**
 * Figures of a given set of zone sites over demand cells, as a proposal would report them: every demand cell whose
 * centroid lies within `walkRadiusM` (great-circle) of a site is served by its nearest site (ties: the earlier site),
 * and counts its trip ends, hourly profile and walk there; each site's capacity is the planner's, or else its
 * parked-vehicle peak × safety factor (engine/zones `capacityFromPeak`). Sites may stand anywhere, not only on cell
 * centroids: the centre cell is the cell holding the site.
 * @param demand demand cells (any order) at `options.res`
 * @param sites zone sites in rank order
 * @param options resolved zone options (walkRadiusM, res and the capacity options are read)
 * @throws ParkzonesError BAD_OPTION naming `sites[i].lat` / `.lng` / `.capacity` for a site out of range
 * @example
 * const { figures } = await evaluateZoneSet(demand, [{ lat: 45.52, lng: -122.68 }], resolveZoneOptions({}), { peaks: storePeaks(store) });
 */
export async function evaluateZoneSet(
  demand: ZoneDemand,
  sites: readonly ZoneSite[],
  options: ResolvedZoneOptions,
  hooks: EvaluateZoneSetHooks = {},
): Promise<ZoneSetEvaluation> {
  sites.forEach((s, i) => {
    requireOption(Number.isFinite(s.lat) && s.lat >= -90 && s.lat <= 90, `sites[${i}].lat`, `must be a latitude in [-90, 90], got ${s.lat}`);
    requireOption(Number.isFinite(s.lng) && s.lng >= -180 && s.lng <= 180, `sites[${i}].lng`, `must be a longitude in [-180, 180], got ${s.lng}`);
    if (s.capacity !== undefined && s.capacity !== null) {
      requireOption(Number.isInteger(s.capacity) && s.capacity >= 0 && s.capacity <= 100000, `sites[${i}].capacity`, `must be a whole number of slots 0–100000, got ${s.capacity}`);
    }
  });
  const n = demand.count;
  const zoneCount = sites.length;
  const group = new Int32Array(n).fill(-1);
  const distM = new Float64Array(n).fill(NaN);
  // Cells sorted by latitude, so each site scans only the band of latitudes within the radius.
  const byLat = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => demand.lat[a]! - demand.lat[b]! || a - b);
  const sortedLat = Float64Array.from(byLat, (i) => demand.lat[i]!);
  const radius = options.walkRadiusM;
  const dLat = (radius / 6371008.8) * (180 / Math.PI) * 1.001;
  for (let z = 0; z < zoneCount; z++) {
    const { lat, lng } = sites[z]!;
    const cosLat = Math.max(Math.cos((lat * Math.PI) / 180), 1e-6);
    const dLng = dLat / cosLat;
    for (let r = lowerBound(sortedLat, lat - dLat); r < n && sortedLat[r]! <= lat + dLat; r++) {
      const c = byLat[r]!;
      if (Math.abs(demand.lng[c]! - lng) > dLng) continue;
      const d = haversineM(lat, lng, demand.lat[c]!, demand.lng[c]!);
      if (d > radius) continue;
      if (group[c] === -1 || d < distM[c]!) {
        group[c] = z;
        distM[c] = d;
      }
    }
  }

  const peaks = hooks.peaks && zoneCount > 0 && n > 0 ? await hooks.peaks(demand, group, zoneCount, options) : new Float64Array(zoneCount);
  const trips = new Float64Array(zoneCount);
  const profiles = Array.from({ length: zoneCount }, () => new Float64Array(24));
  const members: number[][] = Array.from({ length: zoneCount }, () => []);
  let totalTrips = 0;
  const walk: number[] = [];
  const weight: number[] = [];
  for (let c = 0; c < n; c++) {
    totalTrips += demand.trips[c]!;
    const z = group[c]!;
    if (z < 0) continue;
    trips[z] += demand.trips[c]!;
    for (let h = 0; h < 24; h++) profiles[z]![h] += demand.profile[c * 24 + h]!;
    members[z]!.push(c);
    walk.push(distM[c]!);
    weight.push(demand.trips[c]!);
  }

  const zoneWalks = zoneMedianWalks(group, distM, demand.trips, zoneCount);
  const used = new Set<string>();
  const zones: ZoneRecord[] = [];
  const curve: number[] = [];
  let covered = 0;
  let totalSlots = 0;
  for (let z = 0; z < zoneCount; z++) {
    const site = sites[z]!;
    const cell = latLngToCell(site.lat, site.lng, options.res);
    let zoneId = site.zoneId ?? cell;
    for (let i = 2; used.has(zoneId); i++) zoneId = `${site.zoneId ?? cell}-${i}`;
    used.add(zoneId);
    const catchment = members[z]!.map((c) => demand.cell[c]!).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((c) => c.toString(16));
    const capacity = site.capacity ?? capacityFromPeak(peaks[z]!, options);
    covered += trips[z]!;
    totalSlots += capacity;
    curve.push(totalTrips > 0 ? covered / totalTrips : 0);
    zones.push({
      zoneId,
      rank: z + 1,
      cell,
      centerLat: site.lat,
      centerLng: site.lng,
      capacity,
      peakParked: peaks[z]!,
      coveredTrips: trips[z]!,
      share: totalTrips > 0 ? trips[z]! / totalTrips : 0,
      footprint: hexHull(catchment.length ? catchment : [cell]),
      catchment,
      profile: Array.from(profiles[z]!, Math.round),
      medianWalkM: zoneWalks[z]!,
    });
  }
  const median = weightedMedian(Float64Array.from(walk), Float64Array.from(weight));
  return {
    zones,
    curve,
    figures: {
      zones: zoneCount,
      totalSlots,
      totalTrips,
      coveredTrips: covered,
      coveredShare: totalTrips > 0 ? covered / totalTrips : 0,
      medianWalkM: Number.isNaN(median) ? null : Math.round(median * 10) / 10,
      capacitySized: hooks.peaks !== undefined,
    },
  };
}

/** First index whose value is ≥ x in an ascending array. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
