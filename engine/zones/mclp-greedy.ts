import type { CoverageGraph } from './coverage-graph.ts';

/** Why the greedy stopped adding zones. */
export type GreedyStop = 'k' | 'coverage' | 'min-trips' | 'exhausted' | 'empty';

/** What spacing needs of a site index: the sites within a distance of a site (a {@link CellNeighbourIndex}, or engine/zones/site-graph.ts `SiteIndex`). */
export interface SpacingIndex {
  maxResults(radiusM: number): number;
  within(c: number, radiusM: number, outIndex: Int32Array, outDistM: Float64Array | Float32Array): number;
}

/** Options of {@link mclpGreedy}. */
export interface GreedyOptions {
  /** Zone budget; null = none. */
  k: number | null;
  /** Stop once this share of the total weight is covered; null = none. */
  coverage: number | null;
  /** A zone must add at least this much weight (and always more than 0). */
  minGain: number;
  /** Cells that may host a zone (1) or not (0); null = all. */
  candidate?: Uint8Array | null;
  /** Zone centres closer than `minSpacingM` (metres) to a chosen one are barred; needs the neighbour index. */
  spacing?: { index: SpacingIndex; minSpacingM: number } | null;
  /** Sites chosen first, in this order, whatever their gain (they count towards `k`); the greedy continues from them. */
  fixed?: Int32Array | null;
}

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
  const n = graph.count;
  const cells = graph.targetCount ?? n;
  const { offsets, targets } = graph;
  const candidate = options.candidate ?? null;
  const minGain = options.minGain;
  const kLimit = options.k ?? Infinity;
  let totalWeight = 0;
  for (let i = 0; i < cells; i++) totalWeight += weight[i]!;
  const targetWeight = options.coverage === null ? Infinity : options.coverage * totalWeight * (1 - 1e-12);

  const gain = new Float64Array(n);
  const stamp = new Int32Array(n);
  const covered = new Uint8Array(cells);
  const blocked = new Uint8Array(n);
  const heap = new Int32Array(n);
  let size = 0;
  let evaluations = 0;
  let belowMin = false;

  const above = (a: number, b: number): boolean => gain[a]! > gain[b]! || (gain[a] === gain[b] && a < b);
  const siftDown = (pos: number): void => {
    const item = heap[pos]!;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      if (child + 1 < size && above(heap[child + 1]!, heap[child]!)) child++;
      if (!above(heap[child]!, item)) break;
      heap[pos] = heap[child]!;
      pos = child;
    }
    heap[pos] = item;
  };
  const popTop = (): void => {
    heap[0] = heap[--size]!;
    if (size > 0) siftDown(0);
  };

  for (let c = 0; c < n; c++) {
    if (candidate && !candidate[c]) continue;
    let g = 0;
    for (let e = offsets[c]!; e < offsets[c + 1]!; e++) g += weight[targets[e]!]!;
    evaluations++;
    gain[c] = g;
    if (g > 0 && g >= minGain) heap[size++] = c;
    else if (g > 0) belowMin = true;
  }
  for (let pos = (size >> 1) - 1; pos >= 0; pos--) siftDown(pos);

  const selected: number[] = [];
  const gains: number[] = [];
  const curve: number[] = [];
  let coveredWeight = 0;
  let round = 0;
  let stop: GreedyStop = 'exhausted';
  const spacing = options.spacing && options.spacing.minSpacingM > 0 ? options.spacing : null;
  const spacingIndex = spacing ? new Int32Array(spacing.index.maxResults(spacing.minSpacingM)) : null;
  const spacingDist = spacingIndex ? new Float64Array(spacingIndex.length) : null;

  const choose = (c: number): void => {
    selected.push(c);
    gains.push(gain[c]!);
    for (let e = offsets[c]!; e < offsets[c + 1]!; e++) covered[targets[e]!] = 1;
    coveredWeight += gain[c]!;
    curve.push(totalWeight > 0 ? coveredWeight / totalWeight : 0);
    blocked[c] = 1;
    if (spacing) {
      const m = spacing.index.within(c, spacing.minSpacingM, spacingIndex!, spacingDist!);
      for (let q = 0; q < m; q++) if (spacingDist![q]! < spacing.minSpacingM) blocked[spacingIndex![q]!] = 1;
    }
    round++;
  };

  if (n === 0 || totalWeight === 0) stop = 'empty';
  for (const c of options.fixed ?? []) {
    if (stop === 'empty' || selected.length >= kLimit) break;
    let g = 0;
    for (let e = offsets[c]!; e < offsets[c + 1]!; e++) if (!covered[targets[e]!]) g += weight[targets[e]!]!;
    evaluations++;
    gain[c] = g;
    choose(c);
  }
  while (stop !== 'empty') {
    if (selected.length >= kLimit) {
      stop = 'k';
      break;
    }
    if (coveredWeight >= targetWeight) {
      stop = 'coverage';
      break;
    }
    if (size === 0) {
      stop = belowMin ? 'min-trips' : 'exhausted';
      break;
    }
    const c = heap[0]!;
    if (blocked[c]) {
      popTop();
      continue;
    }
    if (stamp[c] !== round) {
      let g = 0;
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
        const t = targets[e]!;
        if (!covered[t]) g += weight[t]!;
      }
      evaluations++;
      gain[c] = g;
      stamp[c] = round;
      if (!(g > 0 && g >= minGain)) {
        if (g > 0) belowMin = true;
        popTop();
      } else {
        siftDown(0);
      }
      continue;
    }
    // Fresh and on top: the true best.
    popTop();
    choose(c);
  }
  return {
    selected: Int32Array.from(selected),
    gains: Float64Array.from(gains),
    curve: Float64Array.from(curve),
    covered,
    coveredWeight,
    totalWeight,
    stop,
    evaluations,
  };
}
