/**
 * The decay objective's moves as engine/zones/mclp-decay.ts `improveDecay` made them before it skipped zones whose
 * surroundings had not changed: every zone looked at in every pass. A reference for the differential test only.
 */
import type { CoverageGraph } from '../../engine/zones/coverage-graph.ts';
import type { DecayLocalSearchOptions } from '../../engine/zones/mclp-decay.ts';

/** Same contract as `improveDecay`. */
export function improveDecayReference(
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
    b1[j] = v1;
    z1[j] = s1;
    b2[j] = v2;
  };
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
  const nearD = near ? new Float64Array(near.length) : null;
  let moves = 0;
  for (let round = 0; round < maxRounds; round++) {
    let improved = false;
    for (let p = 0; p < selected.length; p++) {
      const s = selected[p]!;
      // Loss of taking s out: the cells for which s is the best zone fall back to their second best.
      let loss = 0;
      for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
        const j = targets[e]!;
        if (z1[j] === s) loss += weight[j]! * (b1[j]! - b2[j]!);
      }
      let bestT = -1;
      let bestDelta = 1e-9 * (1 + loss);
      const m = index ? index.within(s, reachM, near!, nearD!) : offsets[s + 1]! - offsets[s]!;
      for (let q = 0; q < m; q++) {
        const t = index ? near![q]! : targets[offsets[s]! + q]!;
        if (t === s || isSel[t] || (candidate && !candidate[t])) continue;
        let g = 0;
        for (let f = offsets[t]!; f < offsets[t + 1]!; f++) {
          const j = targets[f]!;
          const cur = z1[j] === s ? b2[j]! : b1[j]!;
          const d = value[f]! - cur;
          if (d > 0) g += weight[j]! * d;
        }
        const delta = g - loss;
        if ((delta > bestDelta || (delta === bestDelta && t < bestT)) && allowed(t, s)) {
          bestDelta = delta;
          bestT = t;
        }
      }
      if (bestT < 0) continue;
      isSel[s] = 0;
      isSel[bestT] = 1;
      selected[p] = bestT;
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
