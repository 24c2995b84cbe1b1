/**
 * gridDisk: every cell within k grid steps of a cell. When the whole disk lies on the face holding the cell's
 * centre (nearly always, below resolution 2 excepted), it is read straight off that face's lattice. Near a face
 * edge the disk is grown step by step; a neighbour beyond the edge is found by projecting its lattice point from
 * the face's plane and checked by projecting its centre back. Near the 12 pentagons (where the lattice tears),
 * at resolutions 0–1, or whenever a check fails, the answer comes from h3-js `gridDisk`.
 */
import { gridDisk as h3GridDisk } from './h3-js.ts';
import { axialToCell } from './axial-to-cell.ts';
import { axialToVec3, vec3ToAxial } from './face-point.ts';
import { latLngToCellBatch } from './lat-lng-to-cell.ts';
import { isInsideFace, locateCell } from './locate-cell.ts';

/** How each gridDisk call was answered since the process started (for benchmarks and tests). */
export const gridDiskStats = { onFace: 0, grown: 0, fromH3js: 0 };

/** Axial unit steps to the six neighbours. */
const STEPS = [1, 0, 1, 1, 0, 1, -1, 0, -1, -1, 0, -1];
/** Largest distance (lattice units) between a neighbour's back-projected centre and its lattice point. */
const NEIGHBOUR_SLACK = 0.3;

const located = new Int32Array(3);
const cell32 = new Uint32Array(2);
const p3 = new Float64Array(3);
const ab = new Float64Array(2);
const oneLat = new Float64Array(1);
const oneLng = new Float64Array(1);
const oneCell = new BigUint64Array(1);

function toBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Hex distance between axial positions. */
function hexDistance(da: number, db: number): number {
  return Math.max(Math.abs(da), Math.abs(db), Math.abs(da - db));
}

/** Class II view of a resolution: axial position scaled onto the grid at or just below it, and its 7^(n/2). */
function classII(a: number, b: number, res: number): [number, number, number, number] {
  const m = 7 ** (res >> 1);
  return (res & 1) === 1 ? [3 * a - b, a + 2 * b, m * 7, 3] : [a, b, m, 1];
}

/**
 * Whether the disk of radius k around axial (a, b) stays far from the face's corners (the pentagons) and small
 * against the face, so that growing it across face edges meets only regular lattice.
 */
function awayFromCorners(a: number, b: number, res: number, k: number): boolean {
  const [ca, cb, m, stretch] = classII(a, b, res);
  const reach = stretch * k + 6;
  if (reach > m / 2) return false;
  // the face's corners: ijk (2m,0,0), (0,2m,0), (0,0,2m) → axial (2m,0), (0,2m), (−2m,−2m)
  return (
    hexDistance(ca - 2 * m, cb) > 2 * reach &&
    hexDistance(ca, cb - 2 * m) > 2 * reach &&
    hexDistance(ca + 2 * m, cb + 2 * m) > 2 * reach
  );
}

/** Whether every position within k of axial (a, b) is on or inside the face's triangle. */
function diskOnFace(a: number, b: number, res: number, k: number): boolean {
  const [ca, cb, m, stretch] = classII(a, b, res);
  let i = ca;
  let j = cb;
  let kk = 0;
  if (i < 0) {
    j -= i;
    kk -= i;
    i = 0;
  }
  if (j < 0) {
    i -= j;
    kk -= j;
    j = 0;
  }
  const sum = i + j + kk - 3 * Math.min(i, j, kk);
  return sum + 2 * stretch * k <= 2 * m; // one lattice step changes the normalised sum by at most 2
}

/**
 * The neighbour of the cell at (face, a, b, res) one step along STEPS[2s], STEPS[2s + 1]; written into cell32.
 * Returns false when it cannot be established with certainty.
 */
function neighbour(face: number, a: number, b: number, res: number, s: number): boolean {
  const na = a + STEPS[2 * s]!;
  const nb = b + STEPS[2 * s + 1]!;
  if (isInsideFace(na, nb, res)) return axialToCell(face, na, nb, res, cell32, 0);
  // Beyond the edge: the lattice point's spot on the sphere lies within a few % of a cell of the neighbour's
  // centre at resolution ≥ 2; confirm by projecting the found cell's centre back onto this face.
  axialToVec3(face, na, nb, res, p3);
  const x = p3[0]!;
  const y = p3[1]!;
  oneLat[0] = (Math.atan2(p3[2]!, Math.sqrt(x * x + y * y)) * 180) / Math.PI;
  oneLng[0] = (Math.atan2(y, x) * 180) / Math.PI;
  latLngToCellBatch(oneLat, oneLng, res, oneCell, 1);
  const c = oneCell[0]!;
  const lo = Number(c & 0xffffffffn);
  const hi = Number(c >> 32n);
  if (locateCell(lo, hi, located) !== res) return false;
  axialToVec3(located[0]!, located[1]!, located[2]!, res, p3);
  vec3ToAxial(face, res, p3[0]!, p3[1]!, p3[2]!, ab);
  if (Math.abs(ab[0]! - na) > NEIGHBOUR_SLACK || Math.abs(ab[1]! - nb) > NEIGHBOUR_SLACK) return false;
  cell32[0] = lo;
  cell32[1] = hi;
  return true;
}

/** Grows the disk ring by ring; null when some neighbour could not be established. */
function growDisk(start: bigint, k: number): bigint[] | null {
  const seen = new Set<bigint>([start]);
  let ring = [start];
  for (let step = 0; step < k; step++) {
    const next: bigint[] = [];
    for (const c of ring) {
      const res = locateCell(Number(c & 0xffffffffn), Number(c >> 32n), located);
      const face = located[0]!;
      const a = located[1]!;
      const b = located[2]!;
      for (let s = 0; s < 6; s++) {
        if (!neighbour(face, a, b, res, s)) return null;
        const n = toBigInt(cell32[0]!, cell32[1]!);
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    }
    ring = next;
  }
  return [...seen];
}

/**
 * The cells within `k` grid steps of `cell` (k = 0: the cell itself): the same set as h3-js `gridDisk`, sorted
 * ascending by id (h3-js returns them ring by ring).
 * @param cell an H3 cell id
 * @param k grid distance, an integer ≥ 0
 * @returns the cells, ascending
 * @throws RangeError when `cell` is not a valid cell or `k` is not an integer ≥ 0
 * @example
 * gridDisk(0x8a1fb46622dffffn, 1).length; // 7
 */
export function gridDisk(cell: bigint, k: number): BigUint64Array {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`gridDisk: k must be an integer ≥ 0, got ${k}`);
  const lo = Number(cell & 0xffffffffn);
  const hi = Number((cell >> 32n) & 0xffffffffn);
  const res = cell >> 64n === 0n ? locateCell(lo, hi, located) : -1;
  if (res < 0) throw new RangeError(`gridDisk: not an H3 cell: ${cell.toString(16)}`);
  const face = located[0]!;
  const a = located[1]!;
  const b = located[2]!;
  if (res >= 2 && diskOnFace(a, b, res, k)) {
    const out = new BigUint64Array(3 * k * (k + 1) + 1);
    const out32 = new Uint32Array(out.buffer);
    let n = 0;
    for (let da = -k; da <= k; da++) {
      for (let db = -k; db <= k; db++) {
        if (hexDistance(da, db) > k) continue;
        if (!axialToCell(face, a + da, b + db, res, out32, 2 * n)) return fromH3js(cell, k);
        n++;
      }
    }
    gridDiskStats.onFace++;
    return out.sort();
  }
  if (res >= 2 && awayFromCorners(a, b, res, k)) {
    const cells = growDisk(cell, k);
    if (cells) {
      gridDiskStats.grown++;
      return BigUint64Array.from(cells).sort();
    }
  }
  return fromH3js(cell, k);
}

function fromH3js(cell: bigint, k: number): BigUint64Array {
  gridDiskStats.fromH3js++;
  const hex = h3GridDisk(cell.toString(16), k);
  const out = new BigUint64Array(hex.length);
  const out32 = new Uint32Array(out.buffer);
  hex.forEach((h, i) => {
    out32[2 * i] = parseInt(h.slice(-8), 16);
    out32[2 * i + 1] = parseInt(h.slice(0, -8), 16);
  });
  return out.sort();
}
