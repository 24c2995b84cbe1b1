import type { CoverageGraph } from './coverage-graph.ts';

/** Result of {@link dbscanCells}. */
export interface CellClusters {
  /** Cluster of each cell (0-based, in order of discovery), or -1 for noise. */
  label: Int32Array;
  /** Number of clusters. */
  clusterCount: number;
  /** 1 for core (hot) cells. */
  core: Uint8Array;
  /** Weight within eps of each cell, itself included. */
  density: Float64Array;
  /** The density threshold used for core cells. */
  minWeight: number;
}

/**
 * The weighted density quantile used when no core threshold is given: the value below which `q` of the cells' densities lie.
 * @param density weight within eps per cell
 * @param q quantile in [0, 1]
 */
export function densityQuantile(density: Float64Array, q: number): number {
  if (density.length === 0) return 0;
  const sorted = Float64Array.from(density).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
}

/**
 * DBSCAN over weighted cells. A cell is core (hot) when the weight (trip ends) within eps — the graph's radius —
 * reaches `minWeight`. Clusters are the connected groups of core cells (two cores within eps are connected); a
 * non-core cell within eps of a core joins the cluster of its nearest core (ties: lower index); the rest is noise.
 * Deterministic: clusters are discovered in cell index order.
 * @param graph neighbourhood graph at radius eps
 * @param weight weight per cell
 * @param minWeight core threshold; null = the 75th percentile of the densities
 * @example
 * const { label, clusterCount } = dbscanCells(graph, trips, 40);
 */
export function dbscanCells(graph: CoverageGraph, weight: Float64Array, minWeight: number | null): CellClusters {
  const n = graph.count;
  const { offsets, targets, distM } = graph;
  const density = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let e = offsets[c]!; e < offsets[c + 1]!; e++) s += weight[targets[e]!]!;
    density[c] = s;
  }
  const threshold = minWeight ?? Math.max(Number.MIN_VALUE, densityQuantile(density, 0.75));
  const core = new Uint8Array(n);
  for (let c = 0; c < n; c++) if (density[c]! >= threshold && weight[c]! > 0) core[c] = 1;

  const label = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let clusterCount = 0;
  for (let seed = 0; seed < n; seed++) {
    if (!core[seed] || label[seed] !== -1) continue;
    const id = clusterCount++;
    let head = 0;
    let tail = 0;
    label[seed] = id;
    queue[tail++] = seed;
    while (head < tail) {
      const c = queue[head++]!;
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
        const t = targets[e]!;
        if (core[t] && label[t] === -1) {
          label[t] = id;
          queue[tail++] = t;
        }
      }
    }
  }
  // Border cells: nearest core within eps.
  for (let c = 0; c < n; c++) {
    if (core[c]) continue;
    let best = -1;
    let bestD = Infinity;
    for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
      const t = targets[e]!;
      if (!core[t]) continue;
      const d = distM[e]!;
      if (d < bestD || (d === bestD && t < best)) {
        bestD = d;
        best = t;
      }
    }
    if (best >= 0) label[c] = label[best]!;
  }
  return { label, clusterCount, core, density, minWeight: threshold };
}
