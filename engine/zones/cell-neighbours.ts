import { cellToLatLng, cellToLocalIj, getRes0Cells, getBaseCellNumber, gridDisk, isPentagon, latLngToCell } from '../h3/h3-js.ts';
import { gridDisk as fastGridDisk } from '../h3/index.ts';
import { EARTH_RADIUS_M, haversineM, haversineRadM } from './geo.ts';

/**
 * A set of H3 cells of one resolution with one point each, index-aligned: the centroid, or a point inside or near the
 * cell (the mean position of its trip ends) when the index is built with `maxOffsetM`.
 */
export interface CellPoints {
  /** Number of cells. */
  count: number;
  /** H3 resolution of every cell. */
  res: number;
  /** Cell ids (64-bit H3 indexes). */
  cell: BigUint64Array;
  /** Point latitudes, degrees. */
  lat: Float64Array;
  /** Point longitudes, degrees. */
  lng: Float64Array;
}

/** A grid disk provider: every cell within `k` grid steps of `cell` (itself included), as 64-bit ids. */
export type GridDiskFn = (cell: bigint, k: number) => ArrayLike<bigint>;

/** How {@link CellNeighbourIndex} walks grid disks. */
export type NeighbourMode = 'local-ij' | 'grid-disk';

/** Options of {@link CellNeighbourIndex.build}. */
export interface NeighbourIndexOptions {
  /** Force a mode; by default local IJ when every cell maps into one pentagon-free IJ frame, else grid disks. */
  mode?: NeighbourMode;
  /** Grid disk function for the `grid-disk` mode; default engine/h3 `gridDisk` (same cells as h3-js). */
  gridDisk?: GridDiskFn;
  /**
   * Largest distance of a point from its cell's centroid, metres (default 0: the points are centroids). Disks grow
   * by twice this, so that two points within a radius are found however far their centroids are apart.
   */
  maxOffsetM?: number;
  /**
   * Local IJ only: how disk positions are looked up. `rows` (default): the cells sorted by IJ row and column, each disk
   * row one binary search and a scan of the cells present (memory linear in the cells, however sparse the set);
   * `hash`: every position of the disk probed in an open-addressing hash of the cells' coordinates. Same results,
   * same order.
   */
  ijLookup?: 'rows' | 'hash';
}

const SQRT3_2 = Math.sqrt(3) / 2;
const RAD = Math.PI / 180;
const SAMPLE = 64;

/**
 * Finds, for a cell of the set, the other cells of the set whose points lie within a great-circle radius.
 *
 * Candidates come from H3 grid disks of `k` rings, where `k` is the smallest ring count that can hold every cell
 * within the radius (from the sampled spacing of neighbouring centroids, with a 5 % margin, plus twice the largest
 * offset of a point from its centroid), then each candidate is kept only if its point is within the radius by haversine.
 *
 * Fast path (`local-ij`): every cell gets H3 local IJ coordinates relative to one anchor cell, and a grid disk is the
 * set of IJ offsets `max(|di|, |dj|, |di − dj|) ≤ k`, read from the cells sorted by IJ row and column (one binary
 * search per disk row, then only the cells present; an open-addressing hash of the coordinates where rows cannot be
 * used) — no per-cell H3 call; a chord-length test on unit vectors skips the haversine for candidates clearly beyond
 * the radius. It is used only when every cell converts, no cell lies in a pentagon base cell
 * (the one place the IJ plane is warped), and disks of a sample of cells equal h3-js `gridDisk`; otherwise the index
 * calls engine/h3 `gridDisk` per query (exact, slower).
 */
export class CellNeighbourIndex {
  /** Minimum distance between centroids of adjacent cells seen in a sample, metres. */
  readonly spacingM: number;
  private readonly latRad: Float64Array;
  private readonly lngRad: Float64Array;
  private readonly cosLat: Float64Array;
  private readonly offsetsByK = new Map<number, Int32Array>();
  // local-ij
  private readonly ijI: Int32Array | null = null;
  private readonly ijJ: Int32Array | null = null;
  private readonly tabI: Int32Array | null = null;
  private readonly tabJ: Int32Array | null = null;
  private readonly tabV: Int32Array | null = null;
  private readonly tabMask: number = 0;
  // local-ij by sorted rows: the cells of IJ row i0 + r are rowV[rowStart[r] .. rowStart[r + 1]), by ascending column rowJ
  private readonly rowStart: Int32Array | null = null;
  private readonly rowJ: Int32Array | null = null;
  private readonly rowV: Int32Array | null = null;
  private readonly rowI0: number = 0;
  // unit vectors of the points, for a cheap chord-length test before the haversine
  private readonly ux: Float64Array;
  private readonly uy: Float64Array;
  private readonly uz: Float64Array;
  // grid-disk
  private byCell: Map<bigint, number> | null = null;
  private ascending: boolean | null = null;
  private scratchDist: Float64Array | null = null;
  private readonly diskFn: GridDiskFn;

  private constructor(
    readonly points: CellPoints,
    readonly mode: NeighbourMode,
    ij: { i: Int32Array; j: Int32Array } | null,
    disk: GridDiskFn,
    /** Largest distance of a point from its cell's centroid, metres. */
    readonly maxOffsetM: number,
    lookup?: 'rows' | 'hash',
  ) {
    const n = points.count;
    this.diskFn = disk;
    this.latRad = new Float64Array(n);
    this.lngRad = new Float64Array(n);
    this.cosLat = new Float64Array(n);
    this.ux = new Float64Array(n);
    this.uy = new Float64Array(n);
    this.uz = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.latRad[i] = points.lat[i]! * RAD;
      this.lngRad[i] = points.lng[i]! * RAD;
      this.cosLat[i] = Math.cos(this.latRad[i]!);
      this.ux[i] = this.cosLat[i]! * Math.cos(this.lngRad[i]!);
      this.uy[i] = this.cosLat[i]! * Math.sin(this.lngRad[i]!);
      this.uz[i] = Math.sin(this.latRad[i]!);
    }
    this.spacingM = sampleSpacingM(points);
    if (mode === 'local-ij' && ij) {
      this.ijI = ij.i;
      this.ijJ = ij.j;
      const rows = lookup === 'hash' ? null : sortedRows(ij.i, ij.j);
      if (rows) {
        this.rowStart = rows.start;
        this.rowJ = rows.j;
        this.rowV = rows.v;
        this.rowI0 = rows.i0;
      } else {
        let size = 16;
        while (size < n * 2) size *= 2;
        this.tabMask = size - 1;
        this.tabI = new Int32Array(size);
        this.tabJ = new Int32Array(size);
        this.tabV = new Int32Array(size).fill(-1);
        for (let c = 0; c < n; c++) this.insert(ij.i[c]!, ij.j[c]!, c);
      }
    } else {
      this.indexOf(0n);
    }
  }

  /**
   * Builds the index over a cell set.
   * @param points cells of one resolution and their centroids
   */
  static build(points: CellPoints, options: NeighbourIndexOptions = {}): CellNeighbourIndex {
    const disk = options.gridDisk ?? fastGridDisk;
    let mode: NeighbourMode = options.mode ?? 'local-ij';
    const ij = mode === 'local-ij' ? localIj(points) : null;
    if (!ij) mode = 'grid-disk';
    const offset = options.maxOffsetM ?? 0;
    const index = new CellNeighbourIndex(points, mode, ij, disk, offset, options.ijLookup);
    if (mode === 'local-ij' && options.mode === undefined && !index.agreesWithGridDisk()) {
      return new CellNeighbourIndex(points, 'grid-disk', null, disk, offset);
    }
    return index;
  }

  /** Great-circle distance between the points of cells `a` and `b`, metres. */
  distanceM(a: number, b: number): number {
    return a === b ? 0 : haversineRadM(this.latRad[a]!, this.lngRad[a]!, this.cosLat[a]!, this.latRad[b]!, this.lngRad[b]!, this.cosLat[b]!);
  }

  /** Grid rings needed so that a disk holds every cell whose point is within `radiusM`. */
  ringsFor(radiusM: number): number {
    return Math.max(1, Math.ceil((radiusM + 2 * this.maxOffsetM) / (this.spacingM * SQRT3_2 * 0.95)));
  }

  /** Upper bound on the number of results of {@link within} for `radiusM` (size of scratch buffers). */
  maxResults(radiusM: number): number {
    const k = this.ringsFor(radiusM);
    return 3 * k * k + 3 * k + 1;
  }

  /** Index of a cell id in the set, or -1. */
  indexOf(cell: bigint): number {
    if (!this.byCell) {
      this.byCell = new Map();
      for (let c = 0; c < this.points.count; c++) this.byCell.set(this.points.cell[c]!, c);
    }
    return this.byCell.get(cell) ?? -1;
  }

  /**
   * The cells of the set whose points lie within `radiusM` of cell `c`'s point (itself included), in a fixed order.
   * @param c index of the query cell
   * @param radiusM great-circle radius, metres (inclusive)
   * @param outIndex receives neighbour indexes; length ≥ {@link maxResults}
   * @param outDistM receives their distances, metres
   * @returns how many were written
   */
  within(c: number, radiusM: number, outIndex: Int32Array, outDistM: Float64Array | Float32Array): number {
    const k = this.ringsFor(radiusM);
    const la = this.latRad[c]!;
    const lo = this.lngRad[c]!;
    const co = this.cosLat[c]!;
    const latRad = this.latRad;
    const lngRad = this.lngRad;
    const cosLat = this.cosLat;
    let m = 0;
    // A chord longer than the radius's (with a margin far above rounding) cannot be within it, so the haversine runs
    // only for near pairs; it alone decides, as before.
    const ux = this.ux;
    const uy = this.uy;
    const uz = this.uz;
    const x = ux[c]!;
    const y = uy[c]!;
    const z = uz[c]!;
    const chord2Max = chordLimits(radiusM).far;
    if (this.rowStart) {
      // Sorted rows: the disk's row i0 + r holds the columns dj ∈ [max(−k, di − k), min(k, di + k)]; scanned by
      // ascending column they come in the order of the offsets, the cell itself first.
      const { rowStart, rowJ, rowV } = this;
      const ci = this.ijI![c]! - this.rowI0;
      const cj = this.ijJ![c]!;
      const rowsN = rowStart.length - 1;
      if (0 <= radiusM) {
        outIndex[m] = c;
        outDistM[m++] = 0;
      }
      for (let di = -k; di <= k; di++) {
        const r = ci + di;
        if (r < 0 || r >= rowsN) continue;
        const jHi = cj + Math.min(k, di + k);
        for (let q = this.rowFrom(r, cj + Math.max(-k, di - k)), end = rowStart[r + 1]!; q < end && rowJ![q]! <= jHi; q++) {
          const v = rowV![q]!;
          if (v === c) continue;
          const dx = ux[v]! - x;
          const dy = uy[v]! - y;
          const dz = uz[v]! - z;
          if (dx * dx + dy * dy + dz * dz > chord2Max) continue;
          const d = haversineRadM(la, lo, co, latRad[v]!, lngRad[v]!, cosLat[v]!);
          if (d <= radiusM) {
            outIndex[m] = v;
            outDistM[m++] = d;
          }
        }
      }
      return m;
    }
    if (this.ijI) {
      const offsets = this.offsets(k);
      const ci = this.ijI[c]!;
      const cj = this.ijJ![c]!;
      const tabI = this.tabI!;
      const tabJ = this.tabJ!;
      const tabV = this.tabV!;
      const mask = this.tabMask;
      for (let o = 0; o < offsets.length; o += 2) {
        const i = ci + offsets[o]!;
        const j = cj + offsets[o + 1]!;
        let h = hashIj(i, j) & mask;
        let v = tabV[h]!;
        while (v >= 0 && (tabI[h] !== i || tabJ[h] !== j)) {
          h = (h + 1) & mask;
          v = tabV[h]!;
        }
        if (v < 0) continue;
        let d = 0;
        if (v !== c) {
          const dx = ux[v]! - x;
          const dy = uy[v]! - y;
          const dz = uz[v]! - z;
          if (dx * dx + dy * dy + dz * dz > chord2Max) continue;
          d = haversineRadM(la, lo, co, latRad[v]!, lngRad[v]!, cosLat[v]!);
        }
        if (d <= radiusM) {
          outIndex[m] = v;
          outDistM[m++] = d;
        }
      }
      return m;
    }
    const cells = this.diskFn(this.points.cell[c]!, k);
    const byCell = this.byCell!;
    for (let q = 0; q < cells.length; q++) {
      const v = byCell.get(cells[q]!);
      if (v === undefined) continue;
      const d = v === c ? 0 : haversineRadM(la, lo, co, latRad[v]!, lngRad[v]!, cosLat[v]!);
      if (d <= radiusM) {
        outIndex[m] = v;
        outDistM[m++] = d;
      }
    }
    return m;
  }

  /**
   * The cells {@link within} finds, in the same order, without their distances: a chord clearly shorter or longer
   * than the radius's (by a margin far above rounding) decides alone; only pairs near the radius take the haversine.
   * @param out receives neighbour indexes; length ≥ {@link maxResults}
   * @returns how many were written
   */
  sitesWithin(c: number, radiusM: number, out: Int32Array): number {
    if (!this.rowStart) {
      if (!this.scratchDist || this.scratchDist.length < out.length) this.scratchDist = new Float64Array(out.length);
      return this.within(c, radiusM, out, this.scratchDist);
    }
    const k = this.ringsFor(radiusM);
    const { rowStart, ux, uy, uz, latRad, lngRad, cosLat } = this;
    const rowJ = this.rowJ!;
    const rowV = this.rowV!;
    const ci = this.ijI![c]! - this.rowI0;
    const cj = this.ijJ![c]!;
    const rowsN = rowStart.length - 1;
    const x = ux[c]!;
    const y = uy[c]!;
    const z = uz[c]!;
    const la = latRad[c]!;
    const lo = lngRad[c]!;
    const co = cosLat[c]!;
    const { far, near } = chordLimits(radiusM);
    let m = 0;
    if (0 <= radiusM) out[m++] = c;
    for (let di = -k; di <= k; di++) {
      const r = ci + di;
      if (r < 0 || r >= rowsN) continue;
      const jHi = cj + Math.min(k, di + k);
      for (let q = this.rowFrom(r, cj + Math.max(-k, di - k)), end = rowStart[r + 1]!; q < end && rowJ[q]! <= jHi; q++) {
        const v = rowV[q]!;
        if (v === c) continue;
        const dx = ux[v]! - x;
        const dy = uy[v]! - y;
        const dz = uz[v]! - z;
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 > far) continue;
        if (!(d2 < near) && !(haversineRadM(la, lo, co, latRad[v]!, lngRad[v]!, cosLat[v]!) <= radiusM)) continue;
        out[m++] = v;
      }
    }
    return m;
  }

  /** First position of row `r` (of the sorted rows) whose column is ≥ `j`. */
  private rowFrom(r: number, j: number): number {
    const rowJ = this.rowJ!;
    let a = this.rowStart![r]!;
    let b = this.rowStart![r + 1]!;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (rowJ[mid]! < j) a = mid + 1;
      else b = mid;
    }
    return a;
  }

  /** Upper bound on the number of results of {@link nearPoint} for `radiusM` (size of scratch buffers). */
  maxPointResults(radiusM: number): number {
    const k = this.ringsFor(radiusM + this.spacingM);
    return 3 * k * k + 3 * k + 1;
  }

  /**
   * The cells of the set whose points lie within `radiusM` of an arbitrary point (a candidate site): the grid disk
   * around the point's own H3 cell at the set's resolution, wide enough for the point's offset from that cell's
   * centroid (one centroid spacing more), filtered by great-circle distance.
   * @param lat latitude, degrees
   * @param lng longitude, degrees
   * @param outIndex receives cell indexes; length ≥ {@link maxPointResults}
   * @param outDistM receives their distances, metres
   * @returns how many were written
   */
  nearPoint(lat: number, lng: number, radiusM: number, outIndex: Int32Array, outDistM: Float64Array | Float32Array): number {
    if (this.points.count === 0) return 0;
    const k = this.ringsFor(radiusM + this.spacingM);
    const cells = this.diskFn(BigInt('0x' + latLngToCell(lat, lng, this.points.res)), k);
    const byCell = this.byCell ?? (this.indexOf(0n), this.byCell!);
    const la = lat * RAD;
    const lo = lng * RAD;
    const co = Math.cos(la);
    let m = 0;
    for (let q = 0; q < cells.length; q++) {
      const v = byCell.get(cells[q]!);
      if (v === undefined) continue;
      const d = haversineRadM(la, lo, co, this.latRad[v]!, this.lngRad[v]!, this.cosLat[v]!);
      if (d <= radiusM) {
        outIndex[m] = v;
        outDistM[m++] = d;
      }
    }
    return m;
  }

  private insert(i: number, j: number, v: number): void {
    let h = hashIj(i, j) & this.tabMask;
    while (this.tabV![h]! >= 0) h = (h + 1) & this.tabMask;
    this.tabI![h] = i;
    this.tabJ![h] = j;
    this.tabV![h] = v;
  }

  /** IJ offsets of a k-ring disk, flat [di0, dj0, di1, dj1, …], centre first. */
  private offsets(k: number): Int32Array {
    let o = this.offsetsByK.get(k);
    if (!o) {
      const list: number[] = [0, 0];
      for (let di = -k; di <= k; di++) {
        for (let dj = -k; dj <= k; dj++) {
          if ((di !== 0 || dj !== 0) && Math.max(Math.abs(di), Math.abs(dj), Math.abs(di - dj)) <= k) list.push(di, dj);
        }
      }
      o = Int32Array.from(list);
      this.offsetsByK.set(k, o);
    }
    return o;
  }

  /** {@link indexOf} for a few look-ups: a binary search when the cells are in ascending order (as demand is), without building the map. */
  private sampleIndexOf(cell: bigint): number {
    const ids = this.points.cell;
    const n = this.points.count;
    if (this.ascending === null) {
      this.ascending = true;
      for (let c = 1; c < n && this.ascending; c++) if (ids[c - 1]! >= ids[c]!) this.ascending = false;
    }
    if (!this.ascending || this.byCell) return this.indexOf(cell);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid]! < cell) lo = mid + 1;
      else hi = mid;
    }
    return lo < n && ids[lo] === cell ? lo : -1;
  }

  /** Compares IJ disks with h3-js grid disks on a spread sample of cells. */
  private agreesWithGridDisk(): boolean {
    const n = this.points.count;
    const step = Math.max(1, Math.floor(n / SAMPLE));
    const k = 2;
    const out = new Int32Array(3 * k * k + 3 * k + 1);
    for (let c = 0; c < n; c += step) {
      const viaIj = new Set<number>();
      const m = this.withinRings(c, k, out);
      for (let q = 0; q < m; q++) viaIj.add(out[q]!);
      const viaDisk = new Set<number>();
      for (const hex of gridDisk(this.points.cell[c]!.toString(16), k)) {
        const v = this.sampleIndexOf(BigInt('0x' + hex));
        if (v >= 0) viaDisk.add(v);
      }
      if (viaIj.size !== viaDisk.size) return false;
      for (const v of viaIj) if (!viaDisk.has(v)) return false;
    }
    return true;
  }

  /**
   * The cells of the set within `k` grid steps of cell `c` (no distance check): a cheap superset of the cells within
   * `radiusM` when `k = ringsFor(radiusM)`. Same cells as {@link within} would consider before its haversine filter.
   * @param out receives cell indexes; length ≥ 3k² + 3k + 1
   * @returns how many were written
   */
  disk(c: number, k: number, out: Int32Array): number {
    if (this.ijI) return this.withinRings(c, k, out);
    const cells = this.diskFn(this.points.cell[c]!, k);
    let m = 0;
    for (let q = 0; q < cells.length; q++) {
      const v = this.byCell!.get(cells[q]!);
      if (v !== undefined) out[m++] = v;
    }
    return m;
  }

  private withinRings(c: number, k: number, out: Int32Array): number {
    const offsets = this.offsets(k);
    let m = 0;
    if (this.rowStart) {
      const ci = this.ijI![c]! - this.rowI0;
      const cj = this.ijJ![c]!;
      const rowsN = this.rowStart.length - 1;
      out[m++] = c;
      for (let di = -k; di <= k; di++) {
        const r = ci + di;
        if (r < 0 || r >= rowsN) continue;
        const jHi = cj + Math.min(k, di + k);
        for (let q = this.rowFrom(r, cj + Math.max(-k, di - k)), end = this.rowStart[r + 1]!; q < end && this.rowJ![q]! <= jHi; q++) {
          if (this.rowV![q] !== c) out[m++] = this.rowV![q]!;
        }
      }
      return m;
    }
    for (let o = 0; o < offsets.length; o += 2) {
      const i = this.ijI![c]! + offsets[o]!;
      const j = this.ijJ![c]! + offsets[o + 1]!;
      let h = hashIj(i, j) & this.tabMask;
      while (this.tabV![h]! >= 0) {
        if (this.tabI![h] === i && this.tabJ![h] === j) {
          out[m++] = this.tabV![h]!;
          break;
        }
        h = (h + 1) & this.tabMask;
      }
    }
    return m;
  }
}

/**
 * Cells by IJ row, then column (two counting sorts), or null when two cells share a position or the rows would be far
 * more than the cells (a set too sparse; the hash serves it).
 */
function sortedRows(I: Int32Array, J: Int32Array): { start: Int32Array; j: Int32Array; v: Int32Array; i0: number } | null {
  const n = I.length;
  let i0 = 0;
  let i1 = -1;
  let j0 = 0;
  let j1 = -1;
  for (let c = 0; c < n; c++) {
    if (c === 0 || I[c]! < i0) i0 = I[c]!;
    if (c === 0 || I[c]! > i1) i1 = I[c]!;
    if (c === 0 || J[c]! < j0) j0 = J[c]!;
    if (c === 0 || J[c]! > j1) j1 = J[c]!;
  }
  const h = i1 - i0 + 1;
  const w = j1 - j0 + 1;
  if (h > 4 * n + (1 << 16) || w > 4 * n + (1 << 16)) return null;
  // By column, then stably by row: the cells of each row in ascending column.
  const byCol = new Int32Array(w + 1);
  for (let c = 0; c < n; c++) byCol[J[c]! - j0 + 1]++;
  for (let q = 0; q < w; q++) byCol[q + 1] += byCol[q]!;
  const colOrder = new Int32Array(n);
  for (let c = 0; c < n; c++) colOrder[byCol[J[c]! - j0]!++] = c;
  const start = new Int32Array(h + 1);
  for (let c = 0; c < n; c++) start[I[c]! - i0 + 1]++;
  for (let r = 0; r < h; r++) start[r + 1] += start[r]!;
  const fill = start.slice(0, h);
  const v = new Int32Array(n);
  const j = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    const c = colOrder[q]!;
    const at = fill[I[c]! - i0]!++;
    v[at] = c;
    j[at] = J[c]!;
  }
  for (let r = 0; r < h; r++) for (let q = start[r]! + 1; q < start[r + 1]!; q++) if (j[q] === j[q - 1]) return null;
  return { start, j, v, i0 };
}

/**
 * Squared chord lengths between unit vectors that decide a great-circle distance against `radiusM` without the
 * haversine: beyond `far` a pair is surely farther than the radius, below `near` surely within it (margins far above
 * rounding); between them only the haversine decides. A radius of 3 Earth radii or more (past the antipode) leaves
 * nothing decided by the chord.
 */
function chordLimits(radiusM: number): { far: number; near: number } {
  if (radiusM / EARTH_RADIUS_M >= 3) return { far: Infinity, near: -Infinity };
  const chord2 = 4 * Math.sin(Math.min(Math.PI / 2, radiusM / (2 * EARTH_RADIUS_M))) ** 2;
  return { far: chord2 * (1 + 1e-6) + 1e-18, near: chord2 * (1 - 1e-6) - 1e-18 };
}

function hashIj(i: number, j: number): number {
  let h = (Math.imul(i, 0x27d4eb2d) + j) | 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return h ^ (h >>> 13);
}

let pentagonBaseCells: Set<number> | null = null;

/** Base cell numbers whose res-0 cell is a pentagon. */
function pentagonBases(): Set<number> {
  if (!pentagonBaseCells) {
    pentagonBaseCells = new Set(getRes0Cells().filter((h) => isPentagon(h)).map((h) => getBaseCellNumber(h)));
  }
  return pentagonBaseCells;
}

/** The cell nearest the mean centroid: the anchor of the IJ frame (deterministic). */
function anchorCell(points: CellPoints): bigint {
  let sLat = 0;
  let sLng = 0;
  for (let i = 0; i < points.count; i++) {
    sLat += points.lat[i]!;
    sLng += points.lng[i]!;
  }
  sLat /= points.count;
  sLng /= points.count;
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < points.count; i++) {
    const d = (points.lat[i]! - sLat) ** 2 + (points.lng[i]! - sLng) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return points.cell[best]!;
}

/** Local IJ coordinates of every cell relative to one anchor, or null when some cell cannot be placed safely. */
function localIj(points: CellPoints): { i: Int32Array; j: Int32Array } | null {
  const n = points.count;
  if (n === 0) return { i: new Int32Array(0), j: new Int32Array(0) };
  const pent = pentagonBases();
  const hi = new Uint32Array(points.cell.buffer, points.cell.byteOffset, n * 2);
  for (let c = 0; c < n; c++) {
    const base = (hi[c * 2 + 1]! >>> 13) & 0x7f;
    if (pent.has(base)) return null;
  }
  const anchor = anchorCell(points).toString(16);
  const I = new Int32Array(n);
  const J = new Int32Array(n);
  try {
    for (let c = 0; c < n; c++) {
      // h3-js takes a cell as [low 32 bits, high 32 bits] as well as in hex, without parsing a string.
      const ij = cellToLocalIj(anchor, [hi[c * 2]!, hi[c * 2 + 1]!]);
      I[c] = ij.i;
      J[c] = ij.j;
    }
  } catch {
    return null;
  }
  return { i: I, j: J };
}

/** Smallest centroid distance between a sampled cell and its six neighbours, metres. */
function sampleSpacingM(points: CellPoints): number {
  const n = points.count;
  if (n === 0) return 1;
  const step = Math.max(1, Math.floor(n / SAMPLE));
  let min = Infinity;
  for (let c = 0; c < n; c += step) {
    const hex = points.cell[c]!.toString(16);
    const [lat0, lng0] = cellToLatLng(hex);
    for (const h of gridDisk(hex, 1)) {
      if (h === hex) continue;
      const [lat, lng] = cellToLatLng(h);
      const d = haversineM(lat0, lng0, lat, lng);
      if (d < min) min = d;
    }
  }
  return min;
}
