import type { CellNeighbourIndex } from './cell-neighbours.ts';

/**
 * Who covers whom, in compressed sparse rows: row `c` lists the cells whose centroid lies within the radius of cell
 * `c`'s centroid (itself included, first). Coverage between centroids is symmetric, so a row is both "the demand
 * cells a zone at `c` covers" and "the zone sites that cover `c`".
 */
export interface CoverageGraph {
  /** Number of rows: cells (symmetric graph) or candidate sites (bipartite graph, see `targetCount`). */
  count: number;
  /**
   * Bipartite graphs only (engine/zones/site-graph.ts): the number of demand cells `targets` index into, when rows are
   * candidate sites rather than cells. Absent: the graph is symmetric and targets are rows.
   */
  targetCount?: number;
  /** Radius the graph was built for, metres. */
  radiusM: number;
  /** Row `c` is `targets[offsets[c] .. offsets[c + 1])`; length count + 1. */
  offsets: Int32Array;
  /** Cell indexes, row after row. */
  targets: Int32Array;
  /** Great-circle distances of `targets` from the row's cell, metres. */
  distM: Float32Array;
}

/**
 * Builds the coverage graph of every cell of a neighbour index for a radius.
 * @param index neighbour index over the demand cells
 * @param radiusM walking radius, metres (inclusive)
 * @param onRow optional progress hook, called every 4096 rows with the fraction done
 * @example
 * const graph = buildCoverageGraph(CellNeighbourIndex.build(points), 100);
 */
export function buildCoverageGraph(index: CellNeighbourIndex, radiusM: number, onRow?: (fraction: number) => void): CoverageGraph {
  const n = index.points.count;
  const scratchIndex = new Int32Array(index.maxResults(radiusM));
  const scratchDist = new Float64Array(scratchIndex.length);
  const offsets = new Int32Array(n + 1);
  let targets = new Int32Array(Math.max(16, n * 8));
  let distM = new Float32Array(targets.length);
  let used = 0;
  for (let c = 0; c < n; c++) {
    const m = index.within(c, radiusM, scratchIndex, scratchDist);
    if (used + m > targets.length) {
      const size = Math.max(used + m, targets.length * 2);
      const t = new Int32Array(size);
      t.set(targets.subarray(0, used));
      targets = t;
      const d = new Float32Array(size);
      d.set(distM.subarray(0, used));
      distM = d;
    }
    for (let q = 0; q < m; q++) {
      targets[used + q] = scratchIndex[q]!;
      distM[used + q] = scratchDist[q]!;
    }
    used += m;
    offsets[c + 1] = used;
    if (onRow && (c & 4095) === 4095) onRow((c + 1) / n);
  }
  return { count: n, radiusM, offsets, targets: targets.slice(0, used), distM: distM.slice(0, used) };
}
