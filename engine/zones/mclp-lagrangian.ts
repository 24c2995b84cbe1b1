import type { CellNeighbourIndex } from './cell-neighbours.ts';
import type { CoverageGraph } from './coverage-graph.ts';
import { improveZones } from './mclp-local-search.ts';
import { mclpGreedy } from './mclp-greedy.ts';

/** Options of {@link lagrangianSearch}. */
export interface LagrangianOptions {
  /** Zone budget. */
  k: number;
  /** Cells that may host a zone; null = all. */
  candidate?: Uint8Array | null;
  /** Minimum spacing between zone centres (kept by every zone set it builds; ignored by the bound, which stays valid). */
  spacing?: { index: CellNeighbourIndex; minSpacingM: number } | null;
  /** Neighbour index for the local search's pair moves. */
  index?: CellNeighbourIndex | null;
  /** Subgradient iterations at most. Default 150. */
  iterations?: number;
  /** Called after each iteration with the fraction of the iteration limit done. */
  onIteration?: (fraction: number) => void;
  /** Every this many iterations, a zone set is built from the multipliers (greedy on λ) and improved by local search. Default 10. */
  improveEvery?: number;
}

/** Result of {@link lagrangianSearch}. */
export interface LagrangianResult {
  /** Best zone set found (the start set when nothing beat it). */
  selected: Int32Array;
  /** Its covered weight. */
  coveredWeight: number;
  /** An upper bound on the covered weight of any `k` zones: the best (lowest) Lagrangian value seen. */
  upperBound: number;
  /** Iterations run. */
  iterations: number;
  /** Times a zone set from the relaxation beat the best so far. */
  improvements: number;
}

/**
 * Lagrangian relaxation of maximal covering location with subgradient optimisation, used two ways: it proves an
 * upper bound on what any `k` zones can cover, and its multipliers restart the search away from the greedy's basin:
 * every few iterations a greedy that weighs cells by λ instead of trip ends builds a zone set, local search improves
 * it, and the best set wins. This finds coordinated shifts of several zones (re-tiling a dense hotspot) that no
 * single or pair move reaches.
 *
 * Relaxing `y_j ≤ Σ_{i covers j} x_i` with multipliers λ_j ∈ [0, w_j] gives
 * L(λ) = Σ_j max(0, w_j − λ_j) + (sum of the k largest c_i), c_i = Σ_{j ∈ row i} λ_j, an upper bound for every λ;
 * the subgradient step uses Polyak's rule with the best covered weight as target. Deterministic.
 * @param graph symmetric coverage graph
 * @param weight weight per cell
 * @param start the zone set to beat (e.g. greedy + local search)
 */
export function lagrangianSearch(graph: CoverageGraph, weight: Float64Array, start: Int32Array, options: LagrangianOptions): LagrangianResult {
  const n = graph.count;
  const { offsets, targets } = graph;
  const k = options.k;
  const candidate = options.candidate ?? null;
  const spacing = options.spacing && options.spacing.minSpacingM > 0 ? options.spacing : null;
  const maxIterations = options.iterations ?? 150;
  const improveEvery = options.improveEvery ?? 10;

  let best: Int32Array = Int32Array.from(start);
  let bestCovered = coveredWeightOf(graph, weight, best);
  let upperBound = Infinity;
  let improvements = 0;
  const lambda = Float64Array.from(weight, (w) => w / 2);
  const score = new Float64Array(n);
  const count = new Int32Array(n);
  const grad = new Float64Array(n);
  const sites: number[] = [];
  for (let c = 0; c < n; c++) if (!candidate || candidate[c]) sites.push(c);
  const order = Int32Array.from(sites);
  let theta = 1;
  let sinceBetter = 0;
  let it = 0;
  for (; it < maxIterations && theta > 1e-4; it++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++) s += lambda[targets[e]!]!;
      score[i] = s;
    }
    order.sort((a, b) => score[b]! - score[a]! || a - b);
    const kTop = Math.min(k, order.length);
    let value = 0;
    for (let j = 0; j < n; j++) if (weight[j]! > lambda[j]!) value += weight[j]! - lambda[j]!;
    for (let q = 0; q < kTop; q++) value += score[order[q]!]!;
    if (upperBound === Infinity || value < upperBound - 1e-9 * Math.max(1, upperBound)) {
      upperBound = value;
      sinceBetter = 0;
    } else if (++sinceBetter >= 5) {
      theta /= 2;
      sinceBetter = 0;
    }
    if (upperBound - bestCovered <= 1e-9 * Math.max(1, upperBound)) {
      it++;
      break; // proved optimal
    }
    if (it % improveEvery === improveEvery - 1) {
      // Greedy on the multipliers spreads zones the way the relaxation prices cells; local search then polishes.
      const set = mclpGreedy(graph, lambda, { k, coverage: null, minGain: 1e-12, candidate, spacing }).selected;
      const improved = improveZones(graph, weight, set, { candidate, spacing, index: options.index });
      if (improved.coveredWeight > bestCovered) {
        best = improved.selected;
        bestCovered = improved.coveredWeight;
        improvements++;
      }
    }
    count.fill(0);
    for (let q = 0; q < kTop; q++) {
      const i = order[q]!;
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++) count[targets[e]!]++;
    }
    let norm = 0;
    for (let j = 0; j < n; j++) {
      const g = (weight[j]! > lambda[j]! ? 1 : 0) - count[j]!;
      grad[j] = g;
      norm += g * g;
    }
    if (norm === 0) break;
    options.onIteration?.((it + 1) / maxIterations);
    const step = (theta * (upperBound - bestCovered)) / norm;
    for (let j = 0; j < n; j++) {
      const l = lambda[j]! + step * grad[j]!;
      lambda[j] = l < 0 ? 0 : l > weight[j]! ? weight[j]! : l;
    }
  }
  return { selected: best, coveredWeight: bestCovered, upperBound: Math.max(upperBound, bestCovered), iterations: it, improvements };
}

function coveredWeightOf(graph: CoverageGraph, weight: Float64Array, set: Int32Array): number {
  const seen = new Uint8Array(graph.count);
  let total = 0;
  for (const s of set) {
    for (let e = graph.offsets[s]!; e < graph.offsets[s + 1]!; e++) {
      const j = graph.targets[e]!;
      if (!seen[j]) {
        seen[j] = 1;
        total += weight[j]!;
      }
    }
  }
  return total;
}
