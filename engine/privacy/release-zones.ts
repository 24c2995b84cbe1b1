import type { CellColumns } from './suppress-cells.ts';
import { checkK } from './suppress-cells.ts';
import { hexToCell } from '../h3/index.ts';

/** The fields of a zone that {@link releaseZones} recomputes: engine/zones' ZoneRecord fits. */
export interface ReleasableZone {
  rank: number;
  coveredTrips: number;
  share: number;
  profile: number[];
  /** Catchment cells, hex ids. */
  catchment: string[];
}

/** The figures of a run a non-admin may see, recomputed from shown atoms (see {@link releaseZones}). */
export interface ReleasedRunFigures {
  /** Trip ends shown for the run's (snapped) filter at its resolution: the sum of every shown cell. */
  totalTrips: number;
  /** Sum of the shown zones' `coveredTrips`. */
  coveredTrips: number;
  /** `coveredTrips / totalTrips` (0 when there are none). */
  coveredShare: number;
  /** Covered share after 1, 2, … zones (by rank), from the shown coverage of each zone. */
  curve: number[];
}

/**
 * Zones as anyone but an admin may see them. A zone's covered trips and profile become sums over its catchment
 * of the cells shown to that caller (`shown`: demand cells at the run's resolution with atom suppression, as
 * /api/cells serves them for the run's snapped filter), so that they, their differences across runs and the
 * coverage curve are sums of shown atoms — never a raw count. Zones left with no shown trip end are left out, the
 * catchment names only shown cells, and share is against the shown total.
 * @param zones the run's zones, in rank order
 * @param shown atom-suppressed demand cells (every count 0 or ≥ k)
 * @param k the threshold those cells were suppressed at (a zone below it is left out, which only drops zeros)
 * @returns the zones kept and the run's figures recomputed the same way
 */
export function releaseZones<Z extends ReleasableZone>(zones: readonly Z[], shown: CellColumns, k: number): { zones: Z[]; figures: ReleasedRunFigures } {
  checkK(k);
  const index = new Map<bigint, number>();
  for (let i = 0; i < shown.count; i++) index.set(shown.cell[i]!, i);
  const total = shown.totalTrips;
  const byRank = [...zones].sort((a, b) => a.rank - b.rank);
  const kept: Z[] = [];
  const curve: number[] = [];
  let covered = 0;
  for (const z of byRank) {
    let trips = 0;
    const profile = new Array<number>(24).fill(0);
    const catchment: string[] = [];
    for (const hex of z.catchment) {
      const i = index.get(hexToCell(hex));
      if (i === undefined) continue;
      catchment.push(hex);
      trips += shown.trips[i]!;
      for (let h = 0; h < 24; h++) profile[h] += shown.profile[i * 24 + h]!;
    }
    covered += trips;
    curve.push(total > 0 ? covered / total : 0);
    if (trips >= k) kept.push({ ...z, coveredTrips: trips, share: total > 0 ? trips / total : 0, profile, catchment });
  }
  return { zones: kept, figures: { totalTrips: total, coveredTrips: covered, coveredShare: total > 0 ? covered / total : 0, curve } };
}
