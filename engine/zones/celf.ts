import type { GreedyStop, SpacingIndex } from './mclp-greedy.ts';

/** Options of {@link celfSelect}: those the plain and the decay greedy share. */
export interface CelfOptions {
  /** Zone budget; null = none. */
  k: number | null;
  /** Stop once the covered weight (as `take` reports it) reaches this share of `totalWeight`; null = none. */
  coverage: number | null;
  /** A zone must add at least this much gain (and always more than 0). */
  minGain: number;
  /** Sites that may host a zone (1) or not (0); null = all. */
  candidate?: Uint8Array | null;
  /** Sites closer than `minSpacingM` (metres) to a chosen one are barred. */
  spacing?: { index: SpacingIndex; minSpacingM: number } | null;
  /** Sites chosen first, in this order, whatever their gain (they count towards `k`). */
  fixed?: Int32Array | null;
}

/** What a greedy's objective tells {@link celfSelect}. */
export interface CelfObjective {
  /** Marginal gain of site `c` given the sites taken so far. */
  evaluate(c: number): number;
  /** Takes site `c` (whose fresh gain is `gain`) into the state; returns the covered weight now. */
  take(c: number, gain: number): number;
}

/** Result of {@link celfSelect}. */
export interface CelfResult {
  selected: number[];
  /** Gain of each chosen site when it was chosen. */
  gains: number[];
  /** Covered share after 1, 2, … zones. */
  curve: number[];
  stop: GreedyStop;
  /** Marginal-gain evaluations (initial ones included). */
  evaluations: number;
}

/**
 * Greedy selection with lazy re-evaluation (CELF) over `siteCount` sites for any monotone submodular objective:
 * stale gains in a max-heap are upper bounds, so the top is re-evaluated and, if still on top, taken without touching
 * the rest. Ties go to the lower site index. Stops at `k` zones, at the coverage target, when no site adds `minGain`,
 * or when none is left. The one loop behind `mclpGreedy` (plain coverage) and `decayGreedy` (decayed coverage).
 */
export function celfSelect(siteCount: number, totalWeight: number, options: CelfOptions, objective: CelfObjective): CelfResult {
  const n = siteCount;
  const candidate = options.candidate ?? null;
  const kLimit = options.k ?? Infinity;
  const target = options.coverage === null ? Infinity : options.coverage * totalWeight * (1 - 1e-12);
  const gain = new Float64Array(n);
  const stamp = new Int32Array(n);
  const blocked = new Uint8Array(n);
  const heap = new Int32Array(n);
  let size = 0;
  let evaluations = 0;
  let belowMin = false;
  const evaluate = (c: number): number => {
    evaluations++;
    return objective.evaluate(c);
  };
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
    const g = evaluate(c);
    gain[c] = g;
    if (g > 0 && g >= options.minGain) heap[size++] = c;
    else if (g > 0) belowMin = true;
  }
  for (let pos = (size >> 1) - 1; pos >= 0; pos--) siftDown(pos);

  const spacing = options.spacing && options.spacing.minSpacingM > 0 ? options.spacing : null;
  const spacingIndex = spacing ? new Int32Array(spacing.index.maxResults(spacing.minSpacingM)) : null;
  const spacingDist = spacingIndex ? new Float64Array(spacingIndex.length) : null;
  const selected: number[] = [];
  const gains: number[] = [];
  const curve: number[] = [];
  let covered = 0;
  let round = 0;
  let stop: GreedyStop = n === 0 || totalWeight === 0 ? 'empty' : 'exhausted';
  const choose = (c: number): void => {
    selected.push(c);
    gains.push(gain[c]!);
    covered = objective.take(c, gain[c]!);
    curve.push(totalWeight > 0 ? covered / totalWeight : 0);
    blocked[c] = 1;
    if (spacing) {
      const m = spacing.index.within(c, spacing.minSpacingM, spacingIndex!, spacingDist!);
      for (let q = 0; q < m; q++) if (spacingDist![q]! < spacing.minSpacingM) blocked[spacingIndex![q]!] = 1;
    }
    round++;
  };
  for (const c of options.fixed ?? []) {
    if (stop === 'empty' || selected.length >= kLimit) break;
    gain[c] = evaluate(c);
    choose(c);
  }
  while (stop !== 'empty') {
    if (selected.length >= kLimit) {
      stop = 'k';
      break;
    }
    if (covered >= target) {
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
      const g = evaluate(c);
      gain[c] = g;
      stamp[c] = round;
      if (!(g > 0 && g >= options.minGain)) {
        if (g > 0) belowMin = true;
        popTop();
      } else siftDown(0);
      continue;
    }
    // Fresh and on top: the true best.
    popTop();
    choose(c);
  }
  return { selected, gains, curve, stop, evaluations };
}
