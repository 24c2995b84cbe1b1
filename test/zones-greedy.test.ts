import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mclpGreedy } from '../engine/zones/mclp-greedy.ts';
import type { CoverageGraph } from '../engine/zones/coverage-graph.ts';

/** A coverage graph from adjacency lists (row c = cells a zone at c covers). */
function graphOf(rows: number[][]): CoverageGraph {
  const offsets = new Int32Array(rows.length + 1);
  const targets: number[] = [];
  rows.forEach((r, c) => {
    targets.push(...r);
    offsets[c + 1] = targets.length;
  });
  return { count: rows.length, radiusM: 1, offsets, targets: Int32Array.from(targets), distM: new Float32Array(targets.length) };
}

/** Plain greedy: full re-evaluation each step, ties to the lower index. */
function naiveGreedy(rows: number[][], w: number[], k: number): number[] {
  const covered = new Set<number>();
  const chosen: number[] = [];
  while (chosen.length < k) {
    let best = -1;
    let bestGain = 0;
    rows.forEach((r, c) => {
      if (chosen.includes(c)) return;
      const g = [...new Set(r)].filter((t) => !covered.has(t)).reduce((s, t) => s + w[t]!, 0);
      if (g > bestGain) {
        bestGain = g;
        best = c;
      }
    });
    if (best < 0) break;
    chosen.push(best);
    rows[best]!.forEach((t) => covered.add(t));
  }
  return chosen;
}

describe('mclpGreedy (CELF)', () => {
  // 0 covers {0,1}, 1 covers {0,1,2}, 2 covers {1,2,3}, 3 covers {2,3,4}, 4 covers {3,4}
  const path = graphOf([[0, 1], [1, 0, 2], [2, 1, 3], [3, 2, 4], [4, 3]]);

  it('picks the cell covering most weight first, then the best remaining', () => {
    const r = mclpGreedy(path, Float64Array.from([5, 1, 1, 1, 5]), { k: 2, coverage: null, minGain: 1 });
    // gains: 0→6, 1→7, 2→3, 3→7, 4→6 → 1 (tie with 3, lower index), then 3 adds 1+5 = 6 (4 adds 6 too, 3 is lower)
    expect(Array.from(r.selected)).toEqual([1, 3]);
    expect(Array.from(r.gains)).toEqual([7, 6]);
    expect(r.coveredWeight).toBe(13);
    expect(r.stop).toBe('k');
  });

  it('records the coverage curve as cumulative shares', () => {
    const r = mclpGreedy(path, Float64Array.from([5, 1, 1, 1, 5]), { k: 3, coverage: null, minGain: 1 });
    expect(Array.from(r.curve)).toEqual([7 / 13, 1]);
    expect(r.stop).toBe('exhausted');
  });

  it('breaks ties by the lower index (= lower cell id)', () => {
    const r = mclpGreedy(graphOf([[0], [1], [2]]), Float64Array.from([3, 3, 3]), { k: 1, coverage: null, minGain: 1 });
    expect(Array.from(r.selected)).toEqual([0]);
  });

  it('stops at the coverage target', () => {
    const r = mclpGreedy(path, Float64Array.from([5, 1, 1, 1, 5]), { k: null, coverage: 0.5, minGain: 1 });
    expect(Array.from(r.selected)).toEqual([1]);
    expect(r.stop).toBe('coverage');
  });

  it('stops at the first of k and coverage', () => {
    const r = mclpGreedy(path, Float64Array.from([5, 1, 1, 1, 5]), { k: 1, coverage: 0.99, minGain: 1 });
    expect(r.selected.length).toBe(1);
    expect(r.stop).toBe('k');
  });

  it('refuses zones that add less than minGain and says so', () => {
    const r = mclpGreedy(path, Float64Array.from([5, 1, 1, 1, 5]), { k: 5, coverage: null, minGain: 7 });
    expect(Array.from(r.selected)).toEqual([1]);
    expect(r.stop).toBe('min-trips');
  });

  it('places zones only on candidate cells', () => {
    const candidate = Uint8Array.from([1, 0, 1, 0, 1]);
    const r = mclpGreedy(path, Float64Array.from([5, 1, 1, 1, 5]), { k: 2, coverage: null, minGain: 1, candidate });
    expect(Array.from(r.selected)).toEqual([0, 4]);
  });

  it('reports empty input', () => {
    const r = mclpGreedy(graphOf([]), new Float64Array(0), { k: 3, coverage: null, minGain: 1 });
    expect(r.selected.length).toBe(0);
    expect(r.stop).toBe('empty');
  });

  it('chooses exactly what plain greedy chooses (random instances)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.record({
            rows: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 8 }), { minLength: n, maxLength: n }),
            w: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
            k: fc.integer({ min: 1, max: n }),
          }),
        ),
        ({ rows, w, k }) => {
          const dedup = rows.map((r) => [...new Set(r)]);
          const r = mclpGreedy(graphOf(dedup), Float64Array.from(w), { k, coverage: null, minGain: 1e-9 });
          expect(Array.from(r.selected)).toEqual(naiveGreedy(dedup, w, k));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
