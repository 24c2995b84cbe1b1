/**
 * Each zone's own median walk, by the same definition as a run's `summary.medianWalkM` (engine/zones
 * propose-zones.ts and evaluate-zone-set.ts): a served demand cell's walk is the great-circle distance from its point
 * (the mean position of its trip ends, its centroid below 5) to the centre of the zone serving it, and the median is
 * weighted by the cell's trip ends — here over the cells one zone serves instead of all served cells.
 */
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
  // Cells by zone (counting sort), then one weighted median per zone over its slice.
  const start = new Int32Array(zoneCount + 1);
  for (let c = 0; c < group.length; c++) if (group[c]! >= 0) start[group[c]! + 1]++;
  for (let z = 0; z < zoneCount; z++) start[z + 1] += start[z]!;
  const fill = start.slice(0, zoneCount);
  const walk = new Float64Array(start[zoneCount]!);
  const weight = new Float64Array(start[zoneCount]!);
  for (let c = 0; c < group.length; c++) {
    const z = group[c]!;
    if (z < 0) continue;
    walk[fill[z]!] = walkM[c]!;
    weight[fill[z]!++] = trips[c]!;
  }
  const out: (number | null)[] = [];
  for (let z = 0; z < zoneCount; z++) {
    const median = weightedMedian(walk.subarray(start[z]!, start[z + 1]!), weight.subarray(start[z]!, start[z + 1]!));
    out.push(Number.isNaN(median) ? null : Math.round(median * 10) / 10);
  }
  return out;
}
