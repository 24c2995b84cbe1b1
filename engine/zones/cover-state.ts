import type { CellNeighbourIndex } from './cell-neighbours.ts';
import type { CoverageGraph } from './coverage-graph.ts';

/**
 * A zone set under change, for local search: which cells are covered how often, which sites are barred by spacing,
 * and for every site the weight it would add (`free`), all kept up to date as zones are added and removed. The best
 * site anywhere comes from a lazy max-heap (stale entries are fixed when they surface).
 *
 * The coverage graph must be symmetric (row j = sites covering j), as centroid-distance coverage is.
 */
export class CoverState {
  /** 1 for sites in the set. */
  readonly isSel: Uint8Array;
  /** Zones covering each cell. */
  readonly coverCount: Int32Array;
  /** Zones closer than the minimum spacing to each site. */
  readonly blockCount: Int32Array;
  /** Uncovered weight in each site's row: what adding it would add. */
  readonly free: Float64Array;
  /** Covered weight of the set. */
  covered = 0;
  private readonly spacing: { index: CellNeighbourIndex; minSpacingM: number } | null;
  private readonly spacingIdx: Int32Array | null;
  private readonly spacingDist: Float64Array | null;
  private hv: Float64Array;
  private hi: Int32Array;
  private hs = 0;

  /**
   * @param graph symmetric coverage graph
   * @param weight weight per cell
   * @param candidate 1 where a zone may go; null = all
   * @param spacing minimum spacing between zone centres; null = none
   */
  constructor(
    readonly graph: CoverageGraph,
    readonly weight: Float64Array,
    readonly candidate: Uint8Array | null,
    spacing: { index: CellNeighbourIndex; minSpacingM: number } | null,
  ) {
    const n = graph.count;
    this.isSel = new Uint8Array(n);
    this.coverCount = new Int32Array(n);
    this.blockCount = new Int32Array(n);
    this.free = new Float64Array(n);
    this.spacing = spacing && spacing.minSpacingM > 0 ? spacing : null;
    this.spacingIdx = this.spacing ? new Int32Array(this.spacing.index.maxResults(this.spacing.minSpacingM)) : null;
    this.spacingDist = this.spacingIdx ? new Float64Array(this.spacingIdx.length) : null;
    const { offsets, targets } = graph;
    for (let c = 0; c < n; c++) {
      let f = 0;
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) f += weight[targets[e]!]!;
      this.free[c] = f;
    }
    this.hv = new Float64Array(Math.max(16, n));
    this.hi = new Int32Array(this.hv.length);
    this.rebuildHeap();
  }

  /** True when `c` may be added now: a candidate, not in the set, not barred by spacing. */
  eligible(c: number): boolean {
    return this.isSel[c] === 0 && this.blockCount[c] === 0 && (this.candidate === null || this.candidate[c] === 1);
  }

  /** True when a zone at `c` would bar a zone at `d` (closer than the minimum spacing). */
  bars(c: number, d: number): boolean {
    return this.spacing !== null && this.spacing.index.distanceM(c, d) < this.spacing.minSpacingM;
  }

  /** Adds a zone at site `s`. */
  add(s: number): void {
    const { offsets, targets } = this.graph;
    this.isSel[s] = 1;
    for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
      const j = targets[e]!;
      if (this.coverCount[j]++ !== 0) continue;
      const w = this.weight[j]!;
      if (w === 0) continue;
      this.covered += w;
      for (let f = offsets[j]!; f < offsets[j + 1]!; f++) this.free[targets[f]!] -= w;
    }
    this.block(s, 1);
  }

  /**
   * Removes the zone at site `s`.
   * @param quiet skip heap upkeep for sites whose gain rises. Only for trial moves that are either undone (by adding
   * `s` back, which restores every gain exactly) or followed by {@link refresh} of the affected sites; meanwhile
   * {@link bestAnywhere} may miss the sites near `s`.
   */
  remove(s: number, quiet = false): void {
    const { offsets, targets } = this.graph;
    this.isSel[s] = 0;
    this.block(s, -1);
    for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
      const j = targets[e]!;
      if (--this.coverCount[j] !== 0) continue;
      const w = this.weight[j]!;
      if (w === 0) continue;
      this.covered -= w;
      for (let f = offsets[j]!; f < offsets[j + 1]!; f++) {
        const c = targets[f]!;
        this.free[c] += w;
        if (!quiet && this.eligible(c)) this.push(this.free[c]!, c);
      }
    }
    if (!quiet && this.eligible(s) && this.free[s]! > 0) this.push(this.free[s]!, s);
  }

  /** Makes {@link bestAnywhere} see the current gains of `sites[0..count)` again (after quiet removals). */
  refresh(sites: Int32Array, count: number): void {
    for (let t = 0; t < count; t++) {
      const c = sites[t]!;
      if (this.eligible(c) && this.free[c]! > 0) this.push(this.free[c]!, c);
    }
  }

  /** The eligible site adding the most weight (ties: lower index), or -1 when none adds anything. */
  bestAnywhere(): number {
    const { hv, hi } = this;
    while (this.hs > 0) {
      const c = hi[0]!;
      if (hv[0] === this.free[c] && this.eligible(c)) return c;
      this.pop();
      if (this.eligible(c) && this.free[c]! > 0) this.push(this.free[c]!, c);
    }
    return -1;
  }

  private block(s: number, delta: number): void {
    const sp = this.spacing;
    if (!sp) return;
    const m = sp.index.within(s, sp.minSpacingM, this.spacingIdx!, this.spacingDist!);
    for (let q = 0; q < m; q++) {
      if (this.spacingDist![q]! >= sp.minSpacingM) continue;
      const c = this.spacingIdx![q]!;
      this.blockCount[c] += delta;
      if (delta < 0 && this.eligible(c) && this.free[c]! > 0) this.push(this.free[c]!, c);
    }
  }

  private above(a: number, b: number): boolean {
    const va = this.hv[a]!;
    const vb = this.hv[b]!;
    return va > vb || (va === vb && this.hi[a]! < this.hi[b]!);
  }

  private swapAt(a: number, b: number): void {
    const v = this.hv[a]!;
    this.hv[a] = this.hv[b]!;
    this.hv[b] = v;
    const i = this.hi[a]!;
    this.hi[a] = this.hi[b]!;
    this.hi[b] = i;
  }

  private push(value: number, site: number): void {
    if (this.hs === this.hv.length) {
      // Mostly stale entries: rebuild from live values rather than grow without bound.
      if (this.hs >= 4 * this.graph.count) {
        this.rebuildHeap();
        if (this.hs < this.hv.length) return this.push(value, site);
      }
      const v = new Float64Array(this.hv.length * 2);
      v.set(this.hv);
      this.hv = v;
      const i = new Int32Array(this.hi.length * 2);
      i.set(this.hi);
      this.hi = i;
    }
    let pos = this.hs++;
    this.hv[pos] = value;
    this.hi[pos] = site;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.above(pos, parent)) break;
      this.swapAt(pos, parent);
      pos = parent;
    }
  }

  private pop(): void {
    this.hs--;
    if (this.hs === 0) return;
    this.hv[0] = this.hv[this.hs]!;
    this.hi[0] = this.hi[this.hs]!;
    this.siftDown(0);
  }

  private siftDown(pos: number): void {
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= this.hs) break;
      if (child + 1 < this.hs && this.above(child + 1, child)) child++;
      if (!this.above(child, pos)) break;
      this.swapAt(child, pos);
      pos = child;
    }
  }

  /** One live entry per eligible site with something to add. */
  private rebuildHeap(): void {
    this.hs = 0;
    for (let c = 0; c < this.graph.count; c++) {
      if (this.eligible(c) && this.free[c]! > 0) {
        this.hv[this.hs] = this.free[c]!;
        this.hi[this.hs++] = c;
      }
    }
    for (let pos = (this.hs >> 1) - 1; pos >= 0; pos--) this.siftDown(pos);
  }
}
