/**
 * The batch latLngToCell kernel. Each point goes through a trigonometry-light gnomonic projection (sin/cos of
 * lat and lng by table and polynomial, three dot products) straight to fractional axial lattice coordinates
 * and is rounded to its hexagon. When it lies farther from every cell edge and face edge than the worst-case
 * rounding difference between this projection and H3's own float path, its index is built with table lookups
 * and integer arithmetic only. The few remaining points — a few per million: those within ~10⁻⁶ cell widths of
 * an edge, near a face centre at fine resolutions, or where the tables have no answer — are handed to h3-js,
 * whose own rounding decides them. So every result is bit-exact with h3-js, by construction.
 */
import { latLngToCell } from './h3-js.ts';
import { BASE_CELL_TABLES, FACE_FRAMES, HEX2D_SCALES } from './base-cell-tables.ts';
import { FRAME, FRAME_STRIDE } from './face-frames.ts';
import { CLIMBED, climbPacked, climbToDigits, rotateClimbed } from './climb.ts';
import { finishCell, packField } from './face-ijk-to-cell.ts';
import { isOnFace, locateFace } from './locate-face.ts';
import { roundAxial } from './round-axial.ts';
import { SIN_COS_RANGE, sinCos } from './sin-cos.ts';

/** Written into `out` for a point whose lat or lng is not finite (NaN, ±Infinity): H3's "no cell" index, 0. */
export const H3_NULL = 0n;

/** How many points the kernel has handed to h3-js since the process started (for benchmarks and tests). */
export const kernelStats = { delegated: 0 };

const EPS = 2 ** -52;
/**
 * Edge tolerance (hex units) = EPS·scale·(TOL_NEAR_CENTER / sin r + TOL_SCALE + TOL_COORD·tan r), r the angle
 * from the face centre. H3's acos and azimuth lose accuracy as 1/sin r near a face centre; elsewhere both
 * projections agree to a few ulps of the gnomonic scale and of the coordinate. The factors are ≥ 16× that
 * analysis. Measured against h3-js on points 1e-15…1e-3 cell widths from edges: no mismatch with the tolerance
 * cut 1 000-fold, the first ones at 10 000-fold.
 */
const TOL_NEAR_CENTER = 256;
const TOL_SCALE = 1024;
const TOL_COORD = 256;
/** Beyond this gnomonic radius (≈ 2.9° from a face centre) 1/sin r < 20.1 and one tolerance fits all. */
const FAR_FROM_CENTER = 0.05;

/** Largest angle step (radians) over which sin/cos are continued by angle addition from the last anchor. */
const ANCHOR_SPAN = 0.02;
// Taylor coefficients of sin δ and cos δ; with |δ| < 0.02 the first omitted terms are below 1e-20.
const S3 = -1 / 6;
const S5 = 1 / 120;
const S7 = -1 / 5040;
const C2 = -1 / 2;
const C4 = 1 / 24;
const C6 = -1 / 720;
const C8 = 1 / 40320;

const BC = BASE_CELL_TABLES.faceIjkBaseCell;
const ROT = BASE_CELL_TABLES.faceIjkRotations;
const PENT = BASE_CELL_TABLES.isPentagon;
const axial = new Int32Array(2);
const sc = new Float64Array(4);
const digits = new Uint8Array(16);

/** Throws unless `res` is an integer resolution 0–15. */
export function checkResolution(res: number): void {
  if (!Number.isInteger(res) || res < 0 || res > 15) {
    throw new RangeError(`H3 resolution must be an integer 0–15, got ${res}`);
  }
}

function writeFromH3js(la: number, lo: number, res: number, out32: Uint32Array, o: number): void {
  kernelStats.delegated++;
  const hex = latLngToCell(la, lo, res);
  out32[o] = parseInt(hex.slice(-8), 16);
  out32[o + 1] = parseInt(hex.slice(0, -8), 16);
}

/**
 * Batch latLngToCell: the H3 cell of each point at resolution `res`, written into `out` as 64-bit ids.
 * Bit-exact with h3-js `latLngToCell` (same degree-to-radian conversion; latitudes beyond ±90 and longitudes
 * beyond ±180 give what h3-js gives). A point whose lat or lng is not finite (NaN, ±Infinity), or so large that
 * its radian value overflows, yields {@link H3_NULL} where h3-js would throw.
 * @param lat latitudes in degrees
 * @param lng longitudes in degrees
 * @param res H3 resolution 0–15
 * @param out receives one cell id per point; must hold at least `count`
 * @param count how many points to convert (default: lat.length)
 * @returns `out`
 * @throws RangeError when `res` is not an integer 0–15 or an array is shorter than `count`
 * @example
 * const cells = latLngToCellBatch(Float64Array.of(48.8566), Float64Array.of(2.3522), 10, new BigUint64Array(1));
 * cellToHex(cells[0]!); // '8a1fb46622dffff'
 */
export function latLngToCellBatch(
  lat: Float64Array,
  lng: Float64Array,
  res: number,
  out: BigUint64Array,
  count: number = lat.length,
): BigUint64Array {
  checkResolution(res);
  if (!(Number.isInteger(count) && count >= 0 && count <= lat.length && count <= lng.length && count <= out.length)) {
    throw new RangeError(`count ${count} does not fit the arrays (lat ${lat.length}, lng ${lng.length}, out ${out.length})`);
  }
  const out32 = new Uint32Array(out.buffer, out.byteOffset, count * 2);
  const F = FACE_FRAMES;
  const scale = HEX2D_SCALES[res]!;
  const ao = (res & 1) === 1 ? FRAME.a3 : FRAME.a2;
  const tolScale = EPS * scale * TOL_SCALE;
  const tolFar = EPS * scale * (TOL_SCALE + TOL_NEAR_CENTER * 20.1 + TOL_COORD);
  const farFromCenter2 = (FAR_FROM_CENTER * scale) ** 2;
  let face = 0;
  let rot = 0;
  let anchorLat = 0;
  let anchorSinLat = 0;
  let anchorCosLat = 1;
  let anchorLng = 0;
  let anchorSinLng = 0;
  let anchorCosLng = 1;
  for (let i = 0; i < count; i++) {
    const la = lat[i]!;
    const lo = lng[i]!;
    const latR = (la * Math.PI) / 180;
    const lngR = (lo * Math.PI) / 180;
    if (latR - latR !== 0 || lngR - lngR !== 0) {
      out32[2 * i] = 0;
      out32[2 * i + 1] = 0;
      continue;
    }
    // sin/cos to a few ulps (ample here: the projection is only trusted away from cell edges): by angle addition
    // from the previous table-computed angle when near it (a city's points), else from the table, else Math.
    let sinLat: number;
    let cosLat: number;
    const dLat = latR - anchorLat;
    if (dLat > -ANCHOR_SPAN && dLat < ANCHOR_SPAN) {
      const d2 = dLat * dLat;
      const sd = dLat * (1 + d2 * (S3 + d2 * (S5 + d2 * S7)));
      const cd = 1 + d2 * (C2 + d2 * (C4 + d2 * (C6 + d2 * C8)));
      sinLat = anchorSinLat * cd + anchorCosLat * sd;
      cosLat = anchorCosLat * cd - anchorSinLat * sd;
    } else {
      if (latR >= -SIN_COS_RANGE && latR <= SIN_COS_RANGE) {
        sinCos(latR, sc, 0);
        sinLat = sc[0]!;
        cosLat = sc[1]!;
      } else {
        sinLat = Math.sin(latR);
        cosLat = Math.cos(latR);
      }
      anchorLat = latR;
      anchorSinLat = sinLat;
      anchorCosLat = cosLat;
    }
    let sinLng: number;
    let cosLng: number;
    const dLng = lngR - anchorLng;
    if (dLng > -ANCHOR_SPAN && dLng < ANCHOR_SPAN) {
      const d2 = dLng * dLng;
      const sd = dLng * (1 + d2 * (S3 + d2 * (S5 + d2 * S7)));
      const cd = 1 + d2 * (C2 + d2 * (C4 + d2 * (C6 + d2 * C8)));
      sinLng = anchorSinLng * cd + anchorCosLng * sd;
      cosLng = anchorCosLng * cd - anchorSinLng * sd;
    } else {
      if (lngR >= -SIN_COS_RANGE && lngR <= SIN_COS_RANGE) {
        sinCos(lngR, sc, 0);
        sinLng = sc[0]!;
        cosLng = sc[1]!;
      } else {
        sinLng = Math.sin(lngR);
        cosLng = Math.cos(lngR);
      }
      anchorLng = lngR;
      anchorSinLng = sinLng;
      anchorCosLng = cosLng;
    }
    const x = cosLng * cosLat;
    const y = sinLng * cosLat;
    const z = sinLat;
    if (!isOnFace(face, x, y, z)) {
      const f = locateFace(la, lo, x, y, z);
      if (f < 0) {
        writeFromH3js(la, lo, res, out32, 2 * i);
        continue;
      }
      face = f;
    }
    const o = face * FRAME_STRIDE;
    const k = scale / (x * F[o]! + y * F[o + 1]! + z * F[o + 2]!);
    const u = o + ao;
    const af = (x * F[u]! + y * F[u + 1]! + z * F[u + 2]!) * k;
    const bf = (x * F[u + 3]! + y * F[u + 4]! + z * F[u + 5]!) * k;
    const margin = roundAxial(af, bf, axial);
    // hex2d radius² from axial: a² − ab + b²
    const rr2 = af * af - af * bf + bf * bf;
    let tol = tolFar;
    if (!(rr2 > farFromCenter2)) {
      const t = Math.sqrt(rr2) / scale; // tan of the angle from the face centre
      tol = tolScale + EPS * scale * (TOL_NEAR_CENTER * (Math.sqrt(1 + t * t) / t) + TOL_COORD * t);
    }
    if (!(margin > tol)) {
      writeFromH3js(la, lo, res, out32, 2 * i);
      continue;
    }
    const a = axial[0]!;
    const b = axial[1]!;
    let entry = climbPacked(a, b, res, face, rot);
    const bc = entry < 0 ? -1 : BC[entry]!;
    if (bc >= 0 && PENT[bc] === 0) {
      if (ROT[entry] !== rot) {
        rot = ROT[entry]!;
        rotateClimbed(rot);
      }
      packField(bc, CLIMBED[0]!, res, out32, 2 * i);
    } else {
      entry = climbToDigits(a, b, res, face, digits);
      if (!finishCell(BASE_CELL_TABLES, entry, face, digits, res, out32, 2 * i)) {
        writeFromH3js(la, lo, res, out32, 2 * i);
      }
    }
  }
  return out;
}

/**
 * Batch latLngToCell at several resolutions in one pass: each point's sine, cosine and icosahedron face are found
 * once, then its cell at each resolution of `resolutions` is written into the `outs` array of the same index.
 * Every result equals {@link latLngToCellBatch}'s at that resolution (bit-exact with h3-js). The single-resolution
 * kernel keeps its own copy of the per-point steps, unchanged, so `h3_cell` and the kernel benchmark are untouched.
 * @param resolutions H3 resolutions 0–15
 * @param outs one output per resolution, each holding at least `count` ids
 * @throws RangeError when a resolution is not an integer 0–15, or an array is shorter than `count`
 * @example
 * const [r9, r10] = [new BigUint64Array(1), new BigUint64Array(1)];
 * latLngToCellsBatch(Float64Array.of(48.8566), Float64Array.of(2.3522), [9, 10], [r9, r10]);
 */
export function latLngToCellsBatch(
  lat: Float64Array,
  lng: Float64Array,
  resolutions: readonly number[],
  outs: readonly BigUint64Array[],
  count: number = lat.length,
): void {
  const nr = resolutions.length;
  if (outs.length !== nr) throw new RangeError(`${nr} resolutions but ${outs.length} outputs`);
  for (const res of resolutions) checkResolution(res);
  if (!(Number.isInteger(count) && count >= 0 && count <= lat.length && count <= lng.length && outs.every((o) => count <= o.length))) {
    throw new RangeError(`count ${count} does not fit the arrays (lat ${lat.length}, lng ${lng.length}, out ${outs.map((o) => o.length).join('/')})`);
  }
  const F = FACE_FRAMES;
  const out32s = outs.map((out) => new Uint32Array(out.buffer, out.byteOffset, count * 2));
  const scales = Float64Array.from(resolutions, (r) => HEX2D_SCALES[r]!);
  const aos = Int32Array.from(resolutions, (r) => ((r & 1) === 1 ? FRAME.a3 : FRAME.a2));
  const tolScales = Float64Array.from(scales, (scale) => EPS * scale * TOL_SCALE);
  const tolFars = Float64Array.from(scales, (scale) => EPS * scale * (TOL_SCALE + TOL_NEAR_CENTER * 20.1 + TOL_COORD));
  const farFromCenter2s = Float64Array.from(scales, (scale) => (FAR_FROM_CENTER * scale) ** 2);
  // The rotation of the last cell found at each resolution: the next one's guess (climbPacked).
  const rots = new Int32Array(nr);
  let face = 0;
  let anchorLat = 0;
  let anchorSinLat = 0;
  let anchorCosLat = 1;
  let anchorLng = 0;
  let anchorSinLng = 0;
  let anchorCosLng = 1;
  for (let i = 0; i < count; i++) {
    const la = lat[i]!;
    const lo = lng[i]!;
    const latR = (la * Math.PI) / 180;
    const lngR = (lo * Math.PI) / 180;
    if (latR - latR !== 0 || lngR - lngR !== 0) {
      for (let q = 0; q < nr; q++) {
        out32s[q]![2 * i] = 0;
        out32s[q]![2 * i + 1] = 0;
      }
      continue;
    }
    // sin/cos to a few ulps (ample here: the projection is only trusted away from cell edges): by angle addition
    // from the previous table-computed angle when near it (a city's points), else from the table, else Math.
    let sinLat: number;
    let cosLat: number;
    const dLat = latR - anchorLat;
    if (dLat > -ANCHOR_SPAN && dLat < ANCHOR_SPAN) {
      const d2 = dLat * dLat;
      const sd = dLat * (1 + d2 * (S3 + d2 * (S5 + d2 * S7)));
      const cd = 1 + d2 * (C2 + d2 * (C4 + d2 * (C6 + d2 * C8)));
      sinLat = anchorSinLat * cd + anchorCosLat * sd;
      cosLat = anchorCosLat * cd - anchorSinLat * sd;
    } else {
      if (latR >= -SIN_COS_RANGE && latR <= SIN_COS_RANGE) {
        sinCos(latR, sc, 0);
        sinLat = sc[0]!;
        cosLat = sc[1]!;
      } else {
        sinLat = Math.sin(latR);
        cosLat = Math.cos(latR);
      }
      anchorLat = latR;
      anchorSinLat = sinLat;
      anchorCosLat = cosLat;
    }
    let sinLng: number;
    let cosLng: number;
    const dLng = lngR - anchorLng;
    if (dLng > -ANCHOR_SPAN && dLng < ANCHOR_SPAN) {
      const d2 = dLng * dLng;
      const sd = dLng * (1 + d2 * (S3 + d2 * (S5 + d2 * S7)));
      const cd = 1 + d2 * (C2 + d2 * (C4 + d2 * (C6 + d2 * C8)));
      sinLng = anchorSinLng * cd + anchorCosLng * sd;
      cosLng = anchorCosLng * cd - anchorSinLng * sd;
    } else {
      if (lngR >= -SIN_COS_RANGE && lngR <= SIN_COS_RANGE) {
        sinCos(lngR, sc, 0);
        sinLng = sc[0]!;
        cosLng = sc[1]!;
      } else {
        sinLng = Math.sin(lngR);
        cosLng = Math.cos(lngR);
      }
      anchorLng = lngR;
      anchorSinLng = sinLng;
      anchorCosLng = cosLng;
    }
    const x = cosLng * cosLat;
    const y = sinLng * cosLat;
    const z = sinLat;
    if (!isOnFace(face, x, y, z)) {
      const f = locateFace(la, lo, x, y, z);
      if (f < 0) {
        for (let q = 0; q < nr; q++) writeFromH3js(la, lo, resolutions[q]!, out32s[q]!, 2 * i);
        continue;
      }
      face = f;
    }
    const o = face * FRAME_STRIDE;
    const dot = x * F[o]! + y * F[o + 1]! + z * F[o + 2]!;
    for (let q = 0; q < nr; q++) {
      const res = resolutions[q]!;
      const out32 = out32s[q]!;
      const scale = scales[q]!;
      const k = scale / dot;
      const u = o + aos[q]!;
      const af = (x * F[u]! + y * F[u + 1]! + z * F[u + 2]!) * k;
      const bf = (x * F[u + 3]! + y * F[u + 4]! + z * F[u + 5]!) * k;
      const margin = roundAxial(af, bf, axial);
      // hex2d radius² from axial: a² − ab + b²
      const rr2 = af * af - af * bf + bf * bf;
      let tol = tolFars[q]!;
      if (!(rr2 > farFromCenter2s[q]!)) {
        const t = Math.sqrt(rr2) / scale; // tan of the angle from the face centre
        tol = tolScales[q]! + EPS * scale * (TOL_NEAR_CENTER * (Math.sqrt(1 + t * t) / t) + TOL_COORD * t);
      }
      if (!(margin > tol)) {
        writeFromH3js(la, lo, res, out32, 2 * i);
        continue;
      }
      const a = axial[0]!;
      const b = axial[1]!;
      let rot = rots[q]!;
      let entry = climbPacked(a, b, res, face, rot);
      const bc = entry < 0 ? -1 : BC[entry]!;
      if (bc >= 0 && PENT[bc] === 0) {
        if (ROT[entry] !== rot) {
          rot = ROT[entry]!;
          rots[q] = rot;
          rotateClimbed(rot);
        }
        packField(bc, CLIMBED[0]!, res, out32, 2 * i);
      } else {
        entry = climbToDigits(a, b, res, face, digits);
        if (!finishCell(BASE_CELL_TABLES, entry, face, digits, res, out32, 2 * i)) {
          writeFromH3js(la, lo, res, out32, 2 * i);
        }
      }
    }
  }
}
