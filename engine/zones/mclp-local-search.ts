import type { CellNeighbourIndex } from './cell-neighbours.ts';
import type { CoverageGraph } from './coverage-graph.ts';
import { CoverState } from './cover-state.ts';

/** Options of {@link improveZones}. */
export interface LocalSearchOptions {
  /** Cells that may host a zone (1) or not (0); null = all. */
  candidate?: Uint8Array | null;
  /** Minimum spacing between zone centres, kept by every move. */
  spacing?: { index: CellNeighbourIndex; minSpacingM: number } | null;
  /** Neighbour index, needed for pair moves (finds zones near each other). Without it only single swaps run. */
  index?: CellNeighbourIndex | null;
  /** Two zones are re-placed together when their centres are at most this far apart, metres. Default 2 × the graph radius. */
  pairRadiusM?: number;
  /** First sites tried in a pair move (best single gains). Default 8. */
  pairFirstChoices?: number;
  /** Rounds of (swap pass + pair pass) at most; a round without improvement ends early. Default 10. */
  maxRounds?: number;
}

/** Result of {@link improveZones}. */
export interface LocalSearchResult {
  /** The improved zone set, same length as the initial one, positions kept where zones were not moved. */
  selected: Int32Array;
  /** Covered weight of the improved set. */
  coveredWeight: number;
  /** Single swaps made. */
  swaps: number;
  /** Pair moves made. */
  pairMoves: number;
  /** Rounds run. */
  rounds: number;
}

/**
 * Improves a zone set by local search, deterministically (zones in order, ties to the lower index), each move strictly
 * raising the covered weight:
 * - single swap (Teitz–Bart vertex substitution): replace one zone by the site that adds most once it is gone;
 * - pair move: take out two nearby zones and put in the best pair of sites around them (each of the best
 *   `pairFirstChoices` single sites, completed by the best second site). This undoes the greedy's typical mistake of
 *   putting one zone in the middle of a cluster that two zones should share.
 * Rounds repeat until a round improves nothing or `maxRounds`.
 * @param graph symmetric coverage graph
 * @param weight weight per cell
 * @param initial starting zone set (e.g. the greedy's)
 */
export function improveZones(graph: CoverageGraph, weight: Float64Array, initial: Int32Array, options: LocalSearchOptions = {}): LocalSearchResult {
  const n = graph.count;
  const { offsets, targets } = graph;
  const spacing = options.spacing && options.spacing.minSpacingM > 0 ? options.spacing : null;
  const state = new CoverState(graph, weight, options.candidate ?? null, spacing);
  const index = options.index ?? null;
  const pairRadiusM = options.pairRadiusM ?? 2 * graph.radiusM;
  const firstChoices = options.pairFirstChoices ?? 8;
  const maxRounds = options.maxRounds ?? 10;
  const selected = Int32Array.from(initial);
  const posOf = new Int32Array(n).fill(-1);
  selected.forEach((s, p) => {
    posOf[s] = p;
    state.add(s);
  });
  const extra = new Float64Array(n);
  const mark = new Uint8Array(n);
  const touched = new Int32Array(n);
  const near = index ? new Int32Array(index.maxResults(pairRadiusM)) : null;
  const nearD = near ? new Float64Array(near.length) : null;
  let swaps = 0;
  let pairMoves = 0;
  let rounds = 0;
  // A zone is examined in a round only if something near it changed in this or the previous round.
  const changedAt = new Int32Array(selected.length);
  const reachM = pairRadiusM + 2 * graph.radiusM;
  const reachRings = index ? index.ringsFor(reachM) : 0;
  const reach = index ? new Int32Array(index.maxResults(reachM)) : null;
  const touchAround = (site: number): void => {
    if (!index) return;
    const m = index.disk(site, reachRings, reach!); // a superset of the zones within reach: fine for marking
    for (let q = 0; q < m; q++) {
      const z = posOf[reach![q]!]!;
      if (z >= 0) changedAt[z] = rounds;
    }
  };
  const stale = (p: number): boolean => index !== null && changedAt[p]! < rounds - 1;

  const swapPass = (): boolean => {
    let improved = false;
    for (let p = 0; p < selected.length; p++) {
      if (stale(p)) continue;
      const s = selected[p]!;
      let loss = 0;
      let nt = 0;
      for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
        const j = targets[e]!;
        const w = weight[j]!;
        if (state.coverCount[j] !== 1 || w === 0) continue;
        loss += w;
        for (let f = offsets[j]!; f < offsets[j + 1]!; f++) {
          const c = targets[f]!;
          if (extra[c] === 0) touched[nt++] = c;
          extra[c] += w;
        }
      }
      let best = -1;
      let bestGain = -1;
      for (let t = 0; t < nt; t++) {
        const c = touched[t]!;
        if (c === s || state.isSel[c] || (state.candidate && !state.candidate[c])) continue;
        if (state.blockCount[c]! - (state.bars(s, c) ? 1 : 0) !== 0) continue;
        const g = state.free[c]! + extra[c]!;
        if (g > bestGain || (g === bestGain && c < best)) {
          bestGain = g;
          best = c;
        }
      }
      const far = state.bestAnywhere();
      if (far >= 0) {
        const g = state.free[far]! + extra[far]!;
        if (g > bestGain || (g === bestGain && far < best)) {
          bestGain = g;
          best = far;
        }
      }
      for (let t = 0; t < nt; t++) extra[touched[t]!] = 0;
      if (best < 0 || !(bestGain > loss)) continue;
      state.remove(s);
      state.add(best);
      posOf[s] = -1;
      posOf[best] = p;
      selected[p] = best;
      touchAround(s);
      touchAround(best);
      swaps++;
      improved = true;
    }
    return improved;
  };

  /** Best eligible site other than `skip` among `touched[0..nt)` and `far`, by current gain (ties: lower index). */
  const bestSite = (nt: number, skip: number, far: number): number => {
    let best = -1;
    let bestGain = 0;
    for (let t = 0; t <= nt; t++) {
      const c = t < nt ? touched[t]! : far;
      if (c < 0 || c === skip || !state.eligible(c)) continue;
      const g = state.free[c]!;
      if (g > bestGain || (g === bestGain && best >= 0 && c < best)) {
        bestGain = g;
        best = c;
      }
    }
    return best;
  };

  const pairPass = (): boolean => {
    if (!index) return false;
    let improved = false;
    const firsts = new Int32Array(firstChoices + 1);
    for (let p = 0; p < selected.length; p++) {
      if (stale(p)) continue;
      const m = index.within(selected[p]!, pairRadiusM, near!, nearD!);
      const partners: number[] = [];
      for (let q = 0; q < m; q++) {
        const s2 = near![q]!;
        if (state.isSel[s2] && posOf[s2]! > p) partners.push(s2);
      }
      partners.sort((a, b) => a - b);
      for (const s2 of partners) {
        const s1 = selected[p]!;
        const before = state.covered;
        // Quiet removals: the sites whose gain rises are exactly the ones gathered below, scanned directly.
        state.remove(s1, true);
        state.remove(s2, true);
        // Sites that could pick up the weight just uncovered.
        let nt = 0;
        for (const s of [s1, s2]) {
          for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
            const j = targets[e]!;
            if (state.coverCount[j] !== 0 || weight[j] === 0) continue;
            for (let f = offsets[j]!; f < offsets[j + 1]!; f++) {
              const c = targets[f]!;
              if (!mark[c]) {
                mark[c] = 1;
                touched[nt++] = c;
              }
            }
          }
        }
        for (let t = 0; t < nt; t++) mark[touched[t]!] = 0;
        // The best few first sites by single gain (ties: lower index), plus the best anywhere.
        let nf = 0;
        for (let t = 0; t < nt; t++) {
          const c = touched[t]!;
          if (!state.eligible(c) || !(state.free[c]! > 0)) continue;
          let pos = nf < firstChoices ? nf++ : firstChoices;
          if (pos === firstChoices && !better(c, firsts[firstChoices - 1]!)) continue;
          if (pos === firstChoices) pos = firstChoices - 1;
          while (pos > 0 && better(c, firsts[pos - 1]!)) {
            firsts[pos] = firsts[pos - 1]!;
            pos--;
          }
          firsts[pos] = c;
        }
        const far = state.bestAnywhere();
        let nfAll = nf;
        if (far >= 0 && !firstsHas(firsts, nf, far)) firsts[nfAll++] = far;
        let bestVal = before;
        let bestA = -1;
        let bestB = -1;
        // Gains only shrink as sites are added, so two sites add at most the two largest single gains.
        let top1 = 0;
        let top2 = 0;
        for (let f = 0; f < nfAll; f++) {
          const g = state.free[firsts[f]!]!;
          if (g > top1) (top2 = top1), (top1 = g);
          else if (g > top2) top2 = g;
        }
        const hopeless = state.covered + top1 + top2 <= before;
        for (let f = 0; f < (hopeless ? 0 : nfAll); f++) {
          const a = firsts[f]!;
          state.add(a);
          const b = bestSite(nt, a, far);
          const val = state.covered + (b >= 0 ? state.free[b]! : 0);
          if (b >= 0 && val > bestVal) {
            bestVal = val;
            bestA = a;
            bestB = b;
          }
          state.remove(a, true);
        }
        if (bestA < 0) {
          state.add(s1);
          state.add(s2);
          continue;
        }
        state.add(bestA);
        state.add(bestB);
        state.refresh(touched, nt);
        touched[0] = s1;
        touched[1] = s2;
        state.refresh(touched, 2);
        const q = posOf[s2]!;
        posOf[s1] = -1;
        posOf[s2] = -1;
        selected[p] = bestA;
        selected[q] = bestB;
        posOf[bestA] = p;
        posOf[bestB] = q;
        for (const site of [s1, s2, bestA, bestB]) touchAround(site);
        pairMoves++;
        improved = true;
        break;
      }
    }
    return improved;
  };

  function better(c: number, d: number): boolean {
    return state.free[c]! > state.free[d]! || (state.free[c] === state.free[d] && c < d);
  }

  while (rounds < maxRounds) {
    rounds++;
    const a = swapPass();
    const b = pairPass();
    if (!a && !b) break;
  }
  return { selected, coveredWeight: state.covered, swaps, pairMoves, rounds };
}

function firstsHas(firsts: Int32Array, count: number, c: number): boolean {
  for (let i = 0; i < count; i++) if (firsts[i] === c) return true;
  return false;
}
