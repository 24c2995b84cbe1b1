import { celfSelect, type CelfOptions } from './celf.ts';
import type { CoverageGraph } from './coverage-graph.ts';

/** Why the greedy stopped adding zones. */
export type GreedyStop = 'k' | 'coverage' | 'min-trips' | 'exhausted' | 'empty';

/** What spacing needs of a site index: the sites within a distance of a site (a {@link CellNeighbourIndex}, or engine/zones/site-graph.ts `SiteIndex`). */
export interface SpacingIndex {
  maxResults(radiusM: number): number;
  within(c: number, radiusM: number, outIndex: Int32Array, outDistM: Float64Array | Float32Array): number;
}

/** Options of {@link mclpGreedy}: those of the shared CELF loop (gains are uncovered weight). */
export type GreedyOptions = CelfOptions;

/** Result of {@link mclpGreedy}. */
export interface GreedyResult {
  /** Chosen cells (indexes), in the order chosen (= rank). */
  selected: Int32Array;
  /** Weight each chosen cell added to the coverage. */
  gains: Float64Array;
  /** Share of the total weight covered after 1, 2, … zones (the coverage curve). */
  curve: Float64Array;
  /** 1 for every cell within the radius of a chosen site (length: the graph's target cells). */
  covered: Uint8Array;
  /** Covered weight. */
  coveredWeight: number;
  /** Total weight of all cells. */
  totalWeight: number;
  /** Why it stopped. */
  stop: GreedyStop;
  /** Number of marginal-gain evaluations (initial ones included); a measure of CELF's savings. */
  evaluations: number;
}

/**
 * Maximal covering location by greedy selection with lazy re-evaluation (CELF).
 *
 * Each step picks the candidate adding the most uncovered weight. Marginal gains only shrink as zones are added
 * (coverage is submodular), so a stale gain in the max-heap is an upper bound: the top is re-evaluated and, if still on
 * top, chosen without touching the rest. Ties go to the lower cell index — order cells by cell id for ties by cell id.
 * Stops at `k` zones, at the coverage target, when no candidate adds `minGain`, or when none is left.
 *
 * Runs in O(E + K·(evaluations · row length + log n)) time with E the graph's entries; all state in typed arrays.
 * @param graph coverage graph over the cells
 * @param weight weight (trip ends) per cell
 * @example
 * const r = mclpGreedy(graph, trips, { k: 10, coverage: null, minGain: 1 });
 */
export function mclpGreedy(graph: CoverageGraph, weight: Float64Array, options: GreedyOptions): GreedyResult {
  const cells = graph.targetCount ?? graph.count;
  const { offsets, targets } = graph;
  let totalWeight = 0;
  for (let i = 0; i < cells; i++) totalWeight += weight[i]!;
  const covered = new Uint8Array(cells);
  let coveredWeight = 0;
  const r = celfSelect(graph.count, totalWeight, options, {
    evaluate: (c) => {
      let g = 0;
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
        const t = targets[e]!;
        if (!covered[t]) g += weight[t]!;
      }
      return g;
    },
    take: (c, gain) => {
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) covered[targets[e]!] = 1;
      return (coveredWeight += gain);
    },
  });
  return {
    selected: Int32Array.from(r.selected),
    gains: Float64Array.from(r.gains),
    curve: Float64Array.from(r.curve),
    covered,
    coveredWeight,
    totalWeight,
    stop: r.stop,
    evaluations: r.evaluations,
  };
}
