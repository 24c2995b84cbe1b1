import { requireOption } from '../errors.ts';
import type { DemandColumns } from './demand-cells.ts';

/**
 * A box in degrees (WGS84) as `[west, south, east, north]`, the order of GeoJSON and of OGC API / STAC `bbox`.
 * `west > east` means the box crosses the antimeridian (it holds longitudes ≥ west and ≤ east).
 */
export type BboxLngLat = readonly [west: number, south: number, east: number, north: number];

/**
 * Throws BAD_OPTION naming `option` unless `bbox` is 4 finite numbers with longitudes in [-180, 180], latitudes in
 * [-90, 90] and south ≤ north. West > east is allowed: the box crosses the antimeridian.
 * @param bbox the box to check, `[west, south, east, north]`
 * @param option the parameter named in the error (default `bbox`)
 * @throws ParkzonesError BAD_OPTION
 */
export function checkBbox(bbox: readonly number[], option = 'bbox'): asserts bbox is BboxLngLat {
  requireOption(bbox.length === 4, option, `must be 4 numbers west,south,east,north (degrees, WGS84), got ${bbox.length}`);
  const [west, south, east, north] = bbox as [number, number, number, number];
  requireOption(bbox.every(Number.isFinite), option, `must be 4 finite numbers west,south,east,north, got ${bbox.join(',')}`);
  requireOption(west >= -180 && west <= 180 && east >= -180 && east <= 180, option, `west and east are longitudes and must lie in [-180, 180], got west ${west}, east ${east}`);
  requireOption(south >= -90 && south <= 90 && north >= -90 && north <= 90, option, `south and north are latitudes and must lie in [-90, 90], got south ${south}, north ${north}`);
  requireOption(south <= north, option, `south must not exceed north, got south ${south} > north ${north}`);
}

/** True when the point (lng, lat) lies in `bbox`, edges included; handles a box across the antimeridian. */
export function bboxContains(bbox: BboxLngLat, lng: number, lat: number): boolean {
  const [west, south, east, north] = bbox;
  if (!(lat >= south && lat <= north)) return false;
  return west <= east ? lng >= west && lng <= east : lng >= west || lng <= east;
}

/**
 * The cells whose centre (`lat`, `lng`) lies inside `bbox`, edges included, in their original order: a new
 * {@link DemandColumns} (the privacy module's `CellColumns`) holding only those cells, `totalTrips` their sum.
 * Pure and linear in the cells; no query. Suppression is the caller's business: pass cells already suppressed.
 * @param cells demand cells (for a non-admin: already k-suppressed)
 * @param bbox `[west, south, east, north]`, degrees; west > east crosses the antimeridian
 * @returns the subset, with the resolution of `cells`
 * @throws ParkzonesError BAD_OPTION when `bbox` is not a valid box (see {@link checkBbox})
 * @example
 * const inView = cellsInBbox(suppressCells(cells, 5), [-85.79, 38.23, -85.73, 38.27]);
 */
export function cellsInBbox(cells: DemandColumns, bbox: BboxLngLat): DemandColumns {
  checkBbox(bbox);
  const picked = new Uint32Array(cells.count);
  let n = 0;
  for (let i = 0; i < cells.count; i++) if (bboxContains(bbox, cells.lng[i]!, cells.lat[i]!)) picked[n++] = i;
  return pickCells(cells, picked, n);
}

/**
 * The cells at `indices` (the first `count` of them), in that order, as new columns; `totalTrips` is their sum.
 * @param cells demand cells
 * @param indices positions into `cells`
 * @param count how many of `indices` to take (default all)
 */
export function pickCells(cells: DemandColumns, indices: ArrayLike<number>, count: number = indices.length): DemandColumns {
  const out: DemandColumns = {
    res: cells.res,
    count,
    cell: new BigUint64Array(count),
    lat: new Float64Array(count),
    lng: new Float64Array(count),
    trips: new Float64Array(count),
    devices: new Float64Array(count),
    days: new Float64Array(count),
    profile: new Float64Array(count * 24),
    totalTrips: 0,
  };
  for (let j = 0; j < count; j++) {
    const i = indices[j]!;
    out.cell[j] = cells.cell[i]!;
    out.lat[j] = cells.lat[i]!;
    out.lng[j] = cells.lng[i]!;
    out.trips[j] = cells.trips[i]!;
    out.devices[j] = cells.devices[i]!;
    out.days[j] = cells.days[i]!;
    out.profile.set(cells.profile.subarray(i * 24, i * 24 + 24), j * 24);
    out.totalTrips += cells.trips[i]!;
  }
  if (cells.endLat && cells.endLng) {
    out.endLat = new Float64Array(count);
    out.endLng = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      out.endLat[j] = cells.endLat[indices[j]!]!;
      out.endLng[j] = cells.endLng[indices[j]!]!;
    }
  }
  return out;
}

/** Default cells per leaf of a {@link CellBboxIndex}: boxes are answered by whole nodes, and leaf by leaf at their edges. */
export const DEFAULT_BBOX_NODE_SIZE = 16;

/**
 * A run of positions `[lo, hi)` of a {@link CellBboxIndex}'s `order` whose cells all lie in a box. `node` is the
 * index node the run is exactly (≥ 0: a whole node inside the box), or -1 for a run of a leaf's cells at its edge.
 */
export interface BboxRun {
  lo: number;
  hi: number;
  node: number;
}

/**
 * A k-d tree over cell centres for answering many boxes over the same cells (a map's viewports): the cells are
 * reordered (`order`) so that every node of the tree is a contiguous run of positions, and each node keeps the
 * exact extent of its centres. A box is answered as runs — whole nodes inside it, and cells of the leaves it cuts —
 * so that whatever is encoded per node can be reused. The same cells as {@link cellsInBbox}, in `order`'s order.
 * @example
 * const index = new CellBboxIndex(cells);
 * for (const { lo, hi } of index.query([-85.79, 38.23, -85.73, 38.27])) for (let p = lo; p < hi; p++) use(index.order[p]);
 */
export class CellBboxIndex {
  /** Position → cell index (into the cells the index was built from). */
  readonly order: Uint32Array;
  /** First and one-past-last position of each node. */
  readonly nodeLo: Uint32Array;
  readonly nodeHi: Uint32Array;
  /** Extent of each node's centres, degrees: min and max longitude and latitude. */
  private readonly box: Float64Array;
  /** First child of each node (the second is `right`), -1 for a leaf. */
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly lat: Float64Array;
  private readonly lng: Float64Array;

  /**
   * @param cells the cells' centres (`lat`, `lng`, `count`)
   * @param nodeSize most cells in a leaf (default {@link DEFAULT_BBOX_NODE_SIZE})
   */
  constructor(cells: Pick<DemandColumns, 'count' | 'lat' | 'lng'>, nodeSize: number = DEFAULT_BBOX_NODE_SIZE) {
    if (!Number.isInteger(nodeSize) || nodeSize < 1) throw new RangeError(`nodeSize must be a whole number ≥ 1, got ${nodeSize}`);
    const n = cells.count;
    this.lat = cells.lat;
    this.lng = cells.lng;
    this.order = Uint32Array.from({ length: n }, (_, i) => i);
    const lo: number[] = [];
    const hi: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const box: number[] = [];
    const build = (a: number, b: number): number => {
      const id = lo.length;
      let [minLng, minLat, maxLng, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let p = a; p < b; p++) {
        const i = this.order[p]!;
        const x = this.lng[i]!;
        const y = this.lat[i]!;
        if (x < minLng) minLng = x;
        if (x > maxLng) maxLng = x;
        if (y < minLat) minLat = y;
        if (y > maxLat) maxLat = y;
      }
      lo.push(a);
      hi.push(b);
      left.push(-1);
      right.push(-1);
      box.push(minLng, minLat, maxLng, maxLat);
      if (b - a > nodeSize) {
        // Split the longer side (in metres) at the median, so that nodes stay roughly square.
        const lngScale = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
        const key = (maxLng - minLng) * lngScale >= maxLat - minLat ? this.lng : this.lat;
        const m = (a + b) >> 1;
        selectByKey(this.order, key, a, b - 1, m);
        left[id] = build(a, m);
        right[id] = build(m, b);
      }
      return id;
    };
    if (n > 0) build(0, n);
    this.nodeLo = Uint32Array.from(lo);
    this.nodeHi = Uint32Array.from(hi);
    this.left = Int32Array.from(left);
    this.right = Int32Array.from(right);
    this.box = Float64Array.from(box);
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.nodeLo.length;
  }

  /**
   * The runs of positions whose cells lie in `bbox` (edges included), in ascending positions; a box across the
   * antimeridian (west > east) is answered as its two halves.
   * @throws ParkzonesError BAD_OPTION when `bbox` is not a valid box (see {@link checkBbox})
   */
  query(bbox: BboxLngLat): BboxRun[] {
    checkBbox(bbox);
    const [west, south, east, north] = bbox;
    const out: BboxRun[] = [];
    if (this.nodeLo.length === 0) return out;
    if (west > east) {
      this.collect(west, south, 180, north, out);
      this.collect(-180, south, east, north, out);
      out.sort((a, b) => a.lo - b.lo);
    } else this.collect(west, south, east, north, out);
    return out;
  }

  private collect(west: number, south: number, east: number, north: number, out: BboxRun[]): void {
    const stack = [0];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const b = node * 4;
      const [minLng, minLat, maxLng, maxLat] = [this.box[b]!, this.box[b + 1]!, this.box[b + 2]!, this.box[b + 3]!];
      if (maxLng < west || minLng > east || maxLat < south || minLat > north) continue;
      if (minLng >= west && maxLng <= east && minLat >= south && maxLat <= north) {
        out.push({ lo: this.nodeLo[node]!, hi: this.nodeHi[node]!, node });
      } else if (this.left[node]! >= 0) {
        stack.push(this.right[node]!, this.left[node]!);
      } else {
        let run = -1;
        const hi = this.nodeHi[node]!;
        for (let p = this.nodeLo[node]!; p <= hi; p++) {
          const i = p < hi ? this.order[p]! : -1;
          const isIn = i >= 0 && this.lng[i]! >= west && this.lng[i]! <= east && this.lat[i]! >= south && this.lat[i]! <= north;
          if (isIn && run < 0) run = p;
          else if (!isIn && run >= 0) {
            out.push({ lo: run, hi: p, node: -1 });
            run = -1;
          }
        }
      }
    }
  }
}

/** Reorders `ids[a..b]` (inclusive) so that `ids[m]` holds the id whose key ranks m-th, smaller keys before it. */
function selectByKey(ids: Uint32Array, key: Float64Array, a: number, b: number, m: number): void {
  while (b > a) {
    // Median of three as the pivot, then a Hoare partition.
    const mid = (a + b) >> 1;
    const k = (p: number) => key[ids[p]!]!;
    if (k(mid) < k(a)) swap(ids, mid, a);
    if (k(b) < k(a)) swap(ids, b, a);
    if (k(b) < k(mid)) swap(ids, b, mid);
    const pivot = k(mid);
    let i = a;
    let j = b;
    while (i <= j) {
      while (k(i) < pivot) i++;
      while (k(j) > pivot) j--;
      if (i <= j) {
        swap(ids, i, j);
        i++;
        j--;
      }
    }
    if (m <= j) b = j;
    else if (m >= i) a = i;
    else return;
  }
}

function swap(ids: Uint32Array, i: number, j: number): void {
  const t = ids[i]!;
  ids[i] = ids[j]!;
  ids[j] = t;
}
