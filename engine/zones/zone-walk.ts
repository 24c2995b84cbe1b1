/**
 * Each zone's own median walk, by the same definition as a run's `summary.medianWalkM` (engine/zones
 * propose-zones.ts and evaluate-zone-set.ts): a served demand cell's walk is the great-circle distance from its point
 * (the mean position of its trip ends, its centroid below 5) to the centre of the zone serving it, and the median is
 * weighted by the cell's trip ends — here over the cells one zone serves instead of all served cells.
 */
import { gatherByGroup, groupOffsets } from '../bin/group-sort.ts';
import { weightedMedian } from './geo.ts';

/**
 * Trip-weighted median walk of each zone's served cells, metres rounded to 0.1 m (as the run's summary); null for a
 * zone that serves no trip end.
 * @param group per demand cell: the index of the zone serving it, or a negative number when none does
 * @param walkM per demand cell: its walk to that zone's centre, metres (read only where `group` ≥ 0)
 * @param trips per demand cell: its trip ends (the weights)
 * @param zoneCount number of zones (indices 0 … zoneCount − 1)
 * @returns one figure per zone, by zone index
 * @example
 * zoneMedianWalks(Int32Array.of(0, 0, 1, -1), Float64Array.of(10, 40, 25, NaN), Float64Array.of(3, 1, 2, 9), 2) // [10, 25]
 */
export function zoneMedianWalks(group: ArrayLike<number>, walkM: ArrayLike<number>, trips: ArrayLike<number>, zoneCount: number): (number | null)[] {
  // Cells by zone (bin/group-sort.ts: a counting pass, cells in order within a zone), then one weighted median per
  // zone over its slice.
  const grp = group instanceof Int32Array ? group : Int32Array.from(group);
  const start = groupOffsets(grp, zoneCount);
  const walk = gatherByGroup(grp, walkM instanceof Float64Array ? walkM : Float64Array.from(walkM), start);
  const weight = gatherByGroup(grp, trips instanceof Float64Array ? trips : Float64Array.from(trips), start);
  const out: (number | null)[] = [];
  for (let z = 0; z < zoneCount; z++) {
    const median = weightedMedian(walk.subarray(start[z]!, start[z + 1]!), weight.subarray(start[z]!, start[z + 1]!));
    out.push(Number.isNaN(median) ? null : Math.round(median * 10) / 10);
  }
  return out;
}
