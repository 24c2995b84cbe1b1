import type { CellNeighbourIndex } from './cell-neighbours.ts';
import { celfSelect, type CelfOptions } from './celf.ts';
import type { CoverageGraph } from './coverage-graph.ts';
import type { GreedyStop } from './mclp-greedy.ts';
import { EARTH_RADIUS_M } from './geo.ts';

/**
 * How much a trip end at walking distance `dM` from its nearest zone counts: 1 at the zone, falling off as a negative
 * exponential with scale `scaleM`, shifted and rescaled to reach exactly 0 at the walking radius (nothing beyond):
 *
 *   g(d) = (e^(−d/s) − e^(−R/s)) / (1 − e^(−R/s))  for 0 ≤ d ≤ R, else 0.
 *
 * The negative exponential is the form that fits observed walking distances best in Iacono, Krizek & El-Geneidy
 * (2008), "Access to Destinations: How Close is Close Enough? Estimating Accurate Distance Decay Functions for
 * Multiple Modes and Different Purposes", Minnesota DOT report MN/RC 2008-11; the truncation at R keeps "covered"
 * meaning within the radius. With the default s = R / 2 and R = 100 m: g(10) = 0.79, g(25) = 0.54, g(50) = 0.27.
 * @param dM walking distance, metres
 * @param radiusM walking radius R, metres
 * @param scaleM decay scale s, metres (> 0)
 */
export function decayWeight(dM: number, radiusM: number, scaleM: number): number {
  if (!(dM <= radiusM)) return 0;
  const floor = Math.exp(-radiusM / scaleM);
  return Math.max(0, (Math.exp(-Math.max(0, dM) / scaleM) - floor) / (1 - floor));
}

/** The decay weight of every entry of a coverage graph (aligned with `graph.targets`). */
export function decayValues(graph: CoverageGraph, scaleM: number): Float64Array {
  // decayWeight's arithmetic, with the floor and its complement worked out once instead of per entry.
  const v = new Float64Array(graph.targets.length);
  const { distM, radiusM } = graph;
  const floor = Math.exp(-radiusM / scaleM);
  const span = 1 - floor;
  for (let e = 0; e < v.length; e++) {
    const dM = distM[e]!;
    v[e] = dM <= radiusM ? Math.max(0, (Math.exp(-Math.max(0, dM) / scaleM) - floor) / span) : 0;
  }
  return v;
}

/** Options of {@link decayGreedy}: those of the shared CELF loop (gains and `minGain` are decayed weight; `coverage` is plain coverage). */
export type DecayGreedyOptions = CelfOptions;

/** Result of {@link decayGreedy} and {@link improveDecay}. */
export interface DecayResult {
  /** Chosen sites in rank order. */
  selected: Int32Array;
  /** Decayed weight served: Σ weight × decay weight of the nearest zone. */
  decayedWeight: number;
  /** Plain covered weight (within the radius of some zone). */
  coveredWeight: number;
  /** Plain covered share after 1, 2, … zones. */
  curve: Float64Array;
  stop: GreedyStop;
  /** Marginal-gain evaluations. */
  evaluations: number;
}

/**
 * Greedy with lazy re-evaluation (CELF) for the decayed objective Σ_j w_j · max over zones z of v(z, j), where v is the
 * decay weight of the graph entry. The objective is monotone submodular (a facility-location function), so stale gains
 * are upper bounds, as for plain coverage. Ties go to the lower cell index.
 * @param graph symmetric coverage graph
 * @param weight weight per cell
 * @param value decay weight per graph entry ({@link decayValues})
 */
export function decayGreedy(graph: CoverageGraph, weight: Float64Array, value: Float64Array, options: DecayGreedyOptions): DecayResult {
  const cells = graph.targetCount ?? graph.count;
  const { offsets, targets } = graph;
  let total = 0;
  for (let i = 0; i < cells; i++) total += weight[i]!;
  const best = new Float64Array(cells);
  const covered = new Uint8Array(cells);
  let decayed = 0;
  let plain = 0;
  const r = celfSelect(graph.count, total, options, {
    evaluate: (c) => {
      let g = 0;
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
        const d = value[e]! - best[targets[e]!]!;
        if (d > 0) g += weight[targets[e]!]! * d;
      }
      return g;
    },
    take: (c, gain) => {
      decayed += gain;
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
        const t = targets[e]!;
        if (value[e]! > best[t]!) best[t] = value[e]!;
        if (!covered[t]) {
          covered[t] = 1;
          plain += weight[t]!;
        }
      }
      return plain;
    },
  });
  return { selected: Int32Array.from(r.selected), decayedWeight: decayed, coveredWeight: plain, curve: Float64Array.from(r.curve), stop: r.stop, evaluations: r.evaluations };
}

/** Options of {@link improveDecay}. */
export interface DecayLocalSearchOptions {
  candidate?: Uint8Array | null;
  spacing?: { index: CellNeighbourIndex; minSpacingM: number } | null;
  /** Passes over the zones at most; a pass without improvement ends early. Default 10. */
  maxRounds?: number;
  /** Neighbour index: with it a zone may move to any site within `reachM`; without, only within its own graph row. */
  index?: CellNeighbourIndex | null;
  /** How far a zone may move in one step, metres. Default 2 × the graph radius. */
  reachM?: number;
}

/**
 * Improves a zone set for the decayed objective by moves (vertex substitution restricted to the neighbourhood): each
 * zone in turn is replaced by the site within `reachM` of it that raises the objective most, if any does.
 * Keeps, per cell, the best and second-best decay weight over the set, so a move is evaluated over two graph rows.
 * Deterministic (zones in order, ties to the lower index); every move strictly raises the objective. With `index`, a
 * zone is looked at again only after a move near enough to change what it saw, and a look reuses the gains of sites
 * whose rows no move has changed since; the moves are exactly those of looking at every zone in every pass.
 * @returns the improved set, same length, positions kept (`curve`/`stop` are not meaningful: rank it again with the greedy)
 */
export function improveDecay(
  graph: CoverageGraph,
  weight: Float64Array,
  value: Float64Array,
  initial: Int32Array,
  options: DecayLocalSearchOptions = {},
): { selected: Int32Array; decayedWeight: number; moves: number } {
  const n = graph.count;
  const { offsets, targets } = graph;
  const candidate = options.candidate ?? null;
  const spacing = options.spacing && options.spacing.minSpacingM > 0 ? options.spacing : null;
  const maxRounds = options.maxRounds ?? 10;
  const selected = Int32Array.from(initial);
  const isSel = new Uint8Array(n);
  for (const s of selected) isSel[s] = 1;
  const b1 = new Float64Array(n); // best decay weight over the set
  const z1 = new Int32Array(n).fill(-1); // site giving it
  const b2 = new Float64Array(n); // second best
  const recompute = (j: number): void => {
    // Row j lists the sites within the radius of j (the graph is symmetric); find the two best selected ones.
    let v1 = 0;
    let s1 = -1;
    let v2 = 0;
    for (let e = offsets[j]!; e < offsets[j + 1]!; e++) {
      const s = targets[e]!;
      if (!isSel[s]) continue;
      const v = value[e]!;
      if (v > v1 || (v === v1 && s1 >= 0 && s < s1)) {
        v2 = v1;
        v1 = v;
        s1 = s;
      } else if (v > v2) v2 = v;
    }
    if (b1[j] === v1 && z1[j] === s1 && b2[j] === v2) return;
    b1[j] = v1;
    z1[j] = s1;
    b2[j] = v2;
    // The gain of every site whose row holds j may differ now (row j lists them: the graph is symmetric).
    for (let e = offsets[j]!; e < offsets[j + 1]!; e++) rowStamp[targets[e]!] = moveNo;
  };
  // Move count at the last change of a cell in each site's row, and the current move count.
  const rowStamp = new Int32Array(n);
  let moveNo = 0;
  for (let j = 0; j < n; j++) recompute(j);
  const sIdx = spacing ? new Int32Array(spacing.index.maxResults(spacing.minSpacingM)) : null;
  const sDist = sIdx ? new Float64Array(sIdx.length) : null;
  const allowed = (t: number, without: number): boolean => {
    if (isSel[t] || (candidate && !candidate[t])) return false;
    if (!spacing) return true;
    const m = spacing.index.within(t, spacing.minSpacingM, sIdx!, sDist!);
    for (let q = 0; q < m; q++) if (sDist![q]! < spacing.minSpacingM && isSel[sIdx![q]!] && sIdx![q] !== without) return false;
    return true;
  };
  const index = options.index ?? null;
  const reachM = options.reachM ?? 2 * graph.radiusM;
  const near = index ? new Int32Array(index.maxResults(reachM)) : null;
  // A zone whose last look found no move is skipped until a move lands near enough to change what that look read:
  // the cells within the radius of its reachable sites (reach + R from it), which a move at x changes only within R of
  // x, and the spacing of those sites. So a move at x can matter only to zones within reach + max(2R, spacing) of x
  // (great-circle triangle inequality); skipping the others gives exactly the moves of looking at every zone each pass.
  const clean = index ? new Uint8Array(selected.length) : null;
  const zoneLat = index ? Float64Array.from(selected, (c) => index.points.lat[c]!) : null;
  const dependM = (reachM + Math.max(2 * graph.radiusM, spacing ? spacing.minSpacingM : 0)) * (1 + 1e-9) + 1e-6;
  const dependLatDeg = (dependM / EARTH_RADIUS_M) * (180 / Math.PI) * (1 + 1e-9);
  const touch = (x: number): void => {
    const lat = index!.points.lat[x]!;
    for (let p = 0; p < selected.length; p++) {
      if (clean![p] && Math.abs(zoneLat![p]! - lat) <= dependLatDeg && index!.distanceM(selected[p]!, x) <= dependM) clean![p] = 0;
    }
  };
  let maxRow = 0;
  for (let c = 0; c < n; c++) maxRow = Math.max(maxRow, offsets[c + 1]! - offsets[c]!);
  const saved = new Float64Array(maxRow);
  // Each site's gain on its own (every cell at 0), an upper bound of its gain in any move, term by term in the same
  // order (so also after rounding); only with weights ≥ 0.
  let nonNegative = true;
  for (let j = 0; j < n; j++) if (!(weight[j]! >= 0)) nonNegative = false;
  const alone = nonNegative ? new Float64Array(n) : null;
  if (alone) {
    for (let c = 0; c < n; c++) {
      let u = 0;
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
        const v = value[e]!;
        if (v > 0) u += weight[targets[e]!]! * v;
      }
      alone[c] = u;
    }
  }
  const lookSite = new Int32Array(selected.length).fill(-1);
  const lookAt = new Int32Array(selected.length);
  const lookNear: Int32Array[] = new Array<Int32Array>(selected.length);
  const lookGain: Float64Array[] = new Array<Float64Array>(selected.length);
  let moves = 0;
  for (let round = 0; round < maxRounds; round++) {
    let improved = false;
    for (let p = 0; p < selected.length; p++) {
      if (clean && clean[p]) continue;
      const s = selected[p]!;
      // Loss of taking s out: the cells for which s is the best zone fall back to their second best.
      let loss = 0;
      // While s is out, the cells it serves best stand at their second best: b1 holds that during the look.
      const e0 = offsets[s]!;
      for (let e = e0; e < offsets[s + 1]!; e++) {
        const j = targets[e]!;
        if (z1[j] === s) {
          loss += weight[j]! * (b1[j]! - b2[j]!);
          saved[e - e0] = b1[j]!;
          b1[j] = b2[j]!;
        }
      }
      let bestT = -1;
      let bestDelta = 1e-9 * (1 + loss);
      // The sites within reach of s and their gains at the zone's last look, kept while the zone stays at s.
      let list: Int32Array;
      let gains: Float64Array | null = null;
      let since = -1;
      if (index) {
        if (lookSite[p] !== s) {
          const m = index.sitesWithin(s, reachM, near!);
          lookNear[p] = near!.slice(0, m);
          lookGain[p] = new Float64Array(m).fill(NaN);
          lookSite[p] = s;
        } else since = lookAt[p]!;
        list = lookNear[p]!;
        gains = lookGain[p]!;
        lookAt[p] = moveNo;
      } else list = targets.subarray(offsets[s]!, offsets[s + 1]!);
      for (let q = 0; q < list.length; q++) {
        const t = list[q]!;
        if (t === s || isSel[t] || (candidate && !candidate[t])) continue;
        let g: number;
        if (gains && rowStamp[t]! <= since && gains[q] === gains[q]) {
          // No cell of t's row has changed since the last look, which worked this gain out: the same sum again.
          g = gains[q]!;
        } else {
          // The gain is a sum of terms no larger, in the same order, than the site's gain on its own: skip the sum
          // when even that cannot reach the best move so far (rounding is monotone, so the skip is exact).
          if (alone && alone[t]! - loss < bestDelta) {
            if (gains) gains[q] = NaN;
            continue;
          }
          g = 0;
          for (let f = offsets[t]!; f < offsets[t + 1]!; f++) {
            const j = targets[f]!;
            const d = value[f]! - b1[j]!;
            if (d > 0) g += weight[j]! * d;
          }
          if (gains) gains[q] = g;
        }
        const delta = g - loss;
        if ((delta > bestDelta || (delta === bestDelta && t < bestT)) && allowed(t, s)) {
          bestDelta = delta;
          bestT = t;
        }
      }
      for (let e = e0; e < offsets[s + 1]!; e++) if (z1[targets[e]!] === s) b1[targets[e]!] = saved[e - e0]!;
      if (bestT < 0) {
        if (clean) clean[p] = 1;
        continue;
      }
      moveNo++;
      isSel[s] = 0;
      isSel[bestT] = 1;
      selected[p] = bestT;
      if (clean) {
        zoneLat![p] = index!.points.lat[bestT]!;
        touch(s);
        touch(bestT);
      }
      for (let e = offsets[s]!; e < offsets[s + 1]!; e++) recompute(targets[e]!);
      for (let e = offsets[bestT]!; e < offsets[bestT + 1]!; e++) recompute(targets[e]!);
      moves++;
      improved = true;
    }
    if (!improved) break;
  }
  let decayed = 0;
  for (let j = 0; j < n; j++) decayed += weight[j]! * b1[j]!;
  return { selected, decayedWeight: decayed, moves };
}
